"""Across processes: two uvicorn workers serving the app on the configured database and
Redis, as docker-compose runs it.

- Decision → author's websocket: the author's /ws/notifications/ socket is open on worker
  A; a moderator's decisions are POSTed to worker B; each sample is the time from sending
  the decision to the notification arriving on A.
- Throughput over HTTP: the public problem list against the bare DRF endpoint, both
  workers, several client threads with keep-alive connections.
"""

import http.client
import json
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

from accounts.models import StaffRole, User
from accounts.services import api_token_for
from backend.ratelimit import posting_unlimited
from benchmark import data, text
from benchmark import words as w
from moderation.models import QueueEntry
from moderation.services import rules_current
from participation.services import problem_submit
from planning.models import Plan

ROOT = Path(__file__).resolve().parent.parent
WAIT_SECONDS = 5


def database_url() -> str:
    """The configured database (the test database too, under pytest) as a URL."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port = s.get("HOST") or "127.0.0.1", s.get("PORT") or 5432
    return f"postgres://{credentials}{host}:{port}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_env(**overrides: str) -> dict[str, str]:
    """Production-like: DEBUG off, the connection pool as in docker-compose (its size from
    DB_POOL_* here), plain HTTP on 127.0.0.1 (no HTTPS redirect), and a channel prefix of our
    own so no other process on this Redis hears our events."""
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="benchmark.settings",
        DATABASE_URL=database_url(),
        REDIS_URL=settings.REDIS_URL,
        CHANNELS_PREFIX=f"bench{os.getpid()}",
        CACHE_PREFIX=f"bench{os.getpid()}",
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DB_CONN_MAX_AGE=os.environ.get("DB_CONN_MAX_AGE", "60"),  # only without the pool
        SECURE_SSL_REDIRECT="0",
        PYTHONUNBUFFERED="1",
        OTP_SENDER_ALLOW_LOG="1",  # no codes are requested; the log sender is allowed
        **overrides,
    )


@contextmanager
def workers(
    count: int = 2, say=print, env: dict[str, str] | None = None, *, collect_static: bool = True
):
    """`count` uvicorn processes on free ports; yields the ports, stops them after.
    `collect_static` as for `worker_processes`."""
    with worker_processes(count, say=say, env=env, collect_static=collect_static) as started:
        yield [port for port, _process in started]


def _open_files(limit: int):
    """For the child: a soft limit of open files of at least `limit` (up to the hard one)."""

    def raise_soft_limit() -> None:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = limit if hard == resource.RLIM_INFINITY else min(limit, hard)
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))

    return raise_soft_limit


def collect_static_files(static_root: str, log=None) -> None:
    """As `make serve` does: hashed static files collected before workers start (with DEBUG
    off every page names them through the manifest)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=worker_env(STATIC_ROOT=static_root),
        check=True,
        stdout=log or subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )


@contextmanager
def worker_processes(
    count: int = 2,
    say=print,
    env: dict[str, str] | None = None,
    *,
    open_files: int = 0,
    collect_static: bool = True,
    log_to: str | None = None,
):
    """As `workers`, but yields (port, process) pairs: the process's pid is the worker's
    (uvicorn without --workers serves in the process it starts in). `open_files` raises the
    workers' soft limit of open files to at least that many. Without `collect_static` the
    workers have the static files of the `STATIC_ROOT` given in `env` (`collect_static_files()`
    filled it), or none: enough for the API and websockets, not for pages. The workers'
    output goes to `log_to` when given (kept), else to a temporary file."""
    ports = [free_port() for _ in range(count)]
    command = [sys.executable, "-m", "uvicorn", "backend.asgi:application", "--host", "127.0.0.1"]
    options = ["--log-level", "warning", "--lifespan", "off"]
    with (
        (
            open(log_to, "w+", encoding="utf-8")  # noqa: SIM115 — closed by the with
            if log_to
            else tempfile.NamedTemporaryFile("w+", prefix="bench-workers-", suffix=".log")
        ) as log,
        tempfile.TemporaryDirectory(prefix="bench-static-") as static_root,
    ):
        env = worker_env(**{"STATIC_ROOT": static_root, **(env or {})})
        if collect_static:
            collect_static_files(env["STATIC_ROOT"], log)
        processes = [
            subprocess.Popen(
                [*command, "--port", str(port), *options],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_open_files(open_files) if open_files else None,
            )
            for port in ports
        ]
        try:
            for port, process in zip(ports, processes, strict=True):
                _wait_until_up(port, process, log)
            say(f"  workers up on ports {', '.join(map(str, ports))}")
            yield list(zip(ports, processes, strict=True))
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()


def _wait_until_up(port: int, process: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except OSError as error:
            if process.poll() is not None or time.monotonic() > deadline:
                log.seek(0)
                raise RuntimeError(
                    f"worker on port {port} did not start: {log.read()[-2000:]}"
                ) from error
            time.sleep(0.2)


def _post(port: int, path: str, token: str, payload: dict) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _staff(plan: Plan) -> tuple[User, User]:
    moderator, _ = User.objects.get_or_create(
        username=data.MODERATORS[0], defaults={"display_name": data.MODERATORS[0]}
    )
    StaffRole.objects.get_or_create(user=moderator, city=plan.city, role=StaffRole.Role.MODERATOR)
    author, _ = User.objects.get_or_create(
        username=data.AUTHOR, defaults={"display_name": data.AUTHOR}
    )
    return moderator, author


def decision_latency(
    ports: list[int],
    *,
    plan: Plan,
    decisions: int,
    warmup: int,
    seed: int,
    say=print,
    staff: tuple[User, User] | None = None,
) -> dict:
    """Returns the samples (ms), the decide requests' own times and how many were lost.
    `staff` is (moderator, author); bench_data's accounts by default."""
    import random

    from websockets.sync.client import connect

    rng = random.Random(seed)
    first, second = ports[0], ports[-1]
    moderator, author = staff or _staff(plan)
    moderator_token, author_token = api_token_for(user=moderator), api_token_for(user=author)
    # Rejections keep the posts out of the public lists; approve if no rule is citeable.
    citeable = [rule.code for rule in rules_current() if rule.citeable]
    decision = (
        {"outcome": "reject", "rules": citeable[:1], "public_note": "سنجش کارایی"}
        if citeable
        else {"outcome": "approve", "rules": []}
    )
    entries = []
    for _ in range(warmup + decisions):
        title, paragraphs = text.problem_text(rng, rng.randrange(len(w.AXES)), None)
        with posting_unlimited():  # one author queues every post the run decides on
            problem = problem_submit(
                author=author, plan=plan, title=title, body="\n\n".join(paragraphs)
            )
        entry = QueueEntry.objects.get(problem=problem, closed_at__isnull=True)
        entries.append((entry.pk, problem.pk))
    say(f"  {len(entries)} problems queued by {data.AUTHOR}; decisions: {decision['outcome']}")

    arrivals: dict[int, float] = {}
    arrived = threading.Condition()
    stop = threading.Event()
    samples, requests, lost = [], [], 0
    with connect(
        f"ws://127.0.0.1:{first}/ws/notifications/",
        additional_headers={"Authorization": f"Token {author_token}"},
    ) as socket_:

        def listen():
            # Stamps each notification the moment it arrives on worker A's socket.
            while not stop.is_set():
                try:
                    message = socket_.recv(timeout=0.5)
                except TimeoutError:
                    continue
                except Exception:  # closed
                    return
                now = time.perf_counter()
                event = json.loads(message)
                if event.get("type") == "notification.created":
                    object_id = event["notification"]["payload"].get("object_id")
                    with arrived:
                        arrivals[object_id] = now
                        arrived.notify_all()

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
        try:
            for n, (entry_id, problem_id) in enumerate(entries):
                started = time.perf_counter()
                path = f"/api/v1/moderation/queue/{entry_id}/decide/"
                _post(second, path, moderator_token, decision)
                answered = time.perf_counter()
                with arrived:
                    ok = arrived.wait_for(lambda pid=problem_id: pid in arrivals, WAIT_SECONDS)
                if n < warmup:
                    continue
                if not ok:
                    lost += 1
                    continue
                samples.append((arrivals[problem_id] - started) * 1000)
                requests.append((answered - started) * 1000)
        finally:
            stop.set()
            listener.join(timeout=2)
    return {"samples": samples, "requests": requests, "lost": lost}


def http_throughput(
    ports: list[int], *, plan: Plan, seconds: float, threads: int, say=print
) -> dict[str, float]:
    """Requests per second for the public list and the bare endpoint over HTTP."""
    paths = {"list": f"/api/v1/problems/?plan={plan.pk}", "bare": "/bench/bare/"}
    result = {}
    for name, path in paths.items():
        _load(ports, path, min(1.0, seconds), threads)  # warm-up: connections, caches
        result[name] = _load(ports, path, seconds, threads)
        say(f"  HTTP {name}: {result[name]:.0f} req/s ({threads} client threads)")
    return result


def _load(ports: list[int], path: str, seconds: float, threads: int) -> float:
    deadline = time.perf_counter() + seconds
    counts = [0] * threads
    errors: list[str] = []

    def client(index: int):
        conn = http.client.HTTPConnection("127.0.0.1", ports[index % len(ports)], timeout=10)
        try:
            while time.perf_counter() < deadline:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors.append(f"{path}: HTTP {response.status}")
                    return
                counts[index] += 1
        finally:
            conn.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=client, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    if errors:
        raise RuntimeError(errors[0])
    return sum(counts) / (time.perf_counter() - started)
