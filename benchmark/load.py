"""The load check (manage.py loadcheck): production shape under a burst, over real HTTP.

Two scenarios against uvicorn workers on 127.0.0.1 (started here, or a running server's
--url) sharing the configured database:

- Burst: N requests released at once (default 300) — page reads by signed-in and anonymous
  visitors, API reads, support toggles and problem submissions by signed-in users. Every
  answer must be below 500: with the connection pool, requests queue for a connection
  instead of PostgreSQL refusing the 101st («too many clients already»).
- Retries: 1,000 problem submissions, each by its own citizen, through a bounded number of
  concurrent clients. A client that gets no answer in time retries once with the same
  `Idempotency-Key`; a share of them sit on a flaky network whose first answer never arrives
  (a timeout far shorter than the request). Exactly 1,000 rows must exist afterwards.

Bounded: a fixed number of requests, each with a timeout, and only 127.0.0.1/localhost.
Every user it makes is named `load-<run>-…`; their problems and supports are removed after.
"""

import http.client
import json
import random
import secrets
import statistics
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db.models import Count

from accounts.models import User
from accounts.services import api_token_for
from benchmark import text
from benchmark import words as w
from benchmark.measure import percentile
from moderation.models import ModerationState
from participation.models import Problem, Support
from participation.services import problem_unsupport
from planning.models import Plan

LOCAL_HOSTS = {"127.0.0.1", "localhost"}
BACKEND = "django.contrib.auth.backends.ModelBackend"


@dataclass
class Target:
    """Where the requests go: one or more (host, port) pairs, round robin."""

    addresses: list[tuple[str, int]]

    @classmethod
    def from_url(cls, url: str) -> "Target":
        parts = urlsplit(url)
        if parts.scheme != "http" or parts.hostname not in LOCAL_HOSTS:
            raise ValueError("--url must be http://127.0.0.1:<port> (the load check is local)")
        return cls([(parts.hostname, parts.port or 80)])

    @classmethod
    def from_ports(cls, ports: list[int]) -> "Target":
        return cls([("127.0.0.1", port) for port in ports])

    def pick(self, index: int) -> tuple[str, int]:
        return self.addresses[index % len(self.addresses)]


@dataclass
class Outcome:
    status: int | None  # None: no answer (timeout, refused, reset)
    ms: float
    kind: str
    error: str = ""
    body: bytes = b""


def request(address, method: str, path: str, *, headers=None, body=None, timeout=30.0):
    """One request on its own connection, like independent clients."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection(*address, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        content = response.read()
        return response.status, content, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


# Data ----------------------------------------------------------------------------------


@dataclass
class Citizen:
    user: User
    token: str
    session: str = ""


def make_citizens(run: str, prefix: str, count: int, *, sessions: bool) -> list[Citizen]:
    User.objects.bulk_create(
        [
            User(username=f"load-{run}-{prefix}{i:04d}", display_name=f"load {prefix}{i}")
            for i in range(count)
        ]
    )
    citizens = []
    for user in User.objects.filter(username__startswith=f"load-{run}-{prefix}").order_by("pk"):
        citizen = Citizen(user=user, token=api_token_for(user=user))
        if sessions:
            store = SessionStore()
            store[SESSION_KEY] = str(user.pk)
            store[BACKEND_SESSION_KEY] = BACKEND
            store[HASH_SESSION_KEY] = user.get_session_auth_hash()
            store.create()
            citizen.session = store.session_key
        citizens.append(citizen)
    return citizens


def clean_up(run: str) -> str:
    """Withdraw the run's supports (keeping counters exact), delete its problems and users."""
    users = User.objects.filter(username__startswith=f"load-{run}-")
    for support in Support.objects.filter(user__in=users).select_related("user", "problem"):
        problem_unsupport(user=support.user, problem=support.problem)
    problems, _ = Problem.objects.filter(author__in=users).delete()
    try:
        deleted, _ = users.delete()
        return f"removed the run's problems ({problems} rows with their dependants) and users"
    except Exception as error:  # a PROTECTed record (the activity log) keeps them
        return f"removed the run's problems; kept its users ({type(error).__name__})"


def submission(rng: random.Random, plan: Plan, marker: str) -> dict:
    title, paragraphs = text.problem_text(rng, rng.randrange(len(w.AXES)), None)
    return {"plan": plan.pk, "title": title, "body": "\n\n".join(paragraphs) + f"\n\n{marker}"}


# Scenario 1: the burst -----------------------------------------------------------------


@dataclass
class BurstResult:
    outcomes: list[Outcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def server_errors(self) -> int:
        return sum(1 for o in self.outcomes if o.status is None or o.status >= 500)

    def statuses(self) -> str:
        counts = Counter(str(o.status) if o.status else "no answer" for o in self.outcomes)
        return ", ".join(f"{status}×{n}" for status, n in sorted(counts.items()))

    def by_kind(self) -> dict[str, Counter]:
        kinds: dict[str, Counter] = {}
        for o in self.outcomes:
            kinds.setdefault(o.kind, Counter())[str(o.status) if o.status else "none"] += 1
        return kinds

    def errors(self, limit: int = 3) -> list[str]:
        bad = [o for o in self.outcomes if o.status is None or o.status >= 500]
        return [f"{o.kind}: {o.status or o.error} {o.body[:160]!r}" for o in bad[:limit]]


def burst(target: Target, *, plan: Plan, run: str, requests: int, seed: int) -> BurstResult:
    rng = random.Random(seed)
    users = max(6, requests // 10)
    citizens = make_citizens(run, "b", users, sessions=True)
    published = list(
        Problem.objects.filter(plan=plan, moderation_state=ModerationState.PUBLISHED)
        .order_by("-pk")
        .values_list("pk", flat=True)[:200]
    )
    if not published:
        raise ValueError(f"plan #{plan.pk} has no published problem to support")
    host = target.pick(0)[0]
    plans = [
        # (kind, share of the burst)
        ("page: home (signed in)", 0.15),
        ("page: problem list", 0.15),
        ("page: problem (signed in)", 0.10),
        ("api: problem list", 0.15),
        ("api: support", 0.20),
        ("api: withdraw support", 0.10),
        ("api: submit problem", 0.15),
    ]
    kinds = [kind for kind, share in plans for _ in range(round(share * requests))]
    kinds = (kinds + [plans[0][0]] * requests)[:requests]
    rng.shuffle(kinds)

    jobs = []
    submitted_by: set[int] = set()
    for i, kind in enumerate(kinds):
        citizen = citizens[i % len(citizens)]
        if kind == "api: submit problem":
            # one submission per citizen: the check is about connections, not posting limits
            free = [c for c in citizens if c.user.pk not in submitted_by]
            citizen = free[0] if free else citizen
            submitted_by.add(citizen.user.pk)
        jobs.append((i, kind, citizen, rng.choice(published)))
    result = BurstResult()
    gate = threading.Barrier(len(jobs) + 1)
    lock = threading.Lock()

    def one(i, kind, citizen, problem_id):
        headers = {"Host": host}
        method, body, path = "GET", None, "/"
        if kind.startswith("page:"):
            if "signed in" in kind:
                headers["Cookie"] = f"{settings.SESSION_COOKIE_NAME}={citizen.session}"
            path = {
                "page: home (signed in)": "/",
                "page: problem list": f"/problems/?plan={plan.pk}",
                "page: problem (signed in)": f"/problems/{problem_id}/",
            }[kind]
        else:
            headers["Authorization"] = f"Token {citizen.token}"
            if kind == "api: problem list":
                path = f"/api/v1/problems/?plan={plan.pk}"
            elif kind in {"api: support", "api: withdraw support"}:
                method = "POST" if kind == "api: support" else "DELETE"
                path = f"/api/v1/problems/{problem_id}/support/"
            else:
                method, path = "POST", "/api/v1/problems/"
                payload = submission(random.Random(i), plan, f"[{run}]")
                body = json.dumps(payload).encode()
                headers["Content-Type"] = "application/json"
                headers["Idempotency-Key"] = str(uuid.uuid4())
        gate.wait()
        started = time.perf_counter()
        try:
            status, content, ms = request(
                target.pick(i), method, path, headers=headers, body=body, timeout=60
            )
            outcome = Outcome(status, ms, kind, body=content if status >= 500 else b"")
        except OSError as error:
            ms = (time.perf_counter() - started) * 1000
            outcome = Outcome(None, ms, kind, error=f"{type(error).__name__}: {error}")
        with lock:
            result.outcomes.append(outcome)

    threads = [threading.Thread(target=one, args=job, daemon=True) for job in jobs]
    for thread in threads:
        thread.start()
    gate.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=120)
    result.seconds = time.perf_counter() - started
    return result


# Scenario 2: retries with Idempotency-Key ----------------------------------------------


@dataclass
class RetryResult:
    submissions: int = 0
    rows: int = 0
    duplicated_citizens: int = 0
    missing_citizens: int = 0
    timeouts: int = 0
    retries: int = 0
    flaky: int = 0
    final: Counter = field(default_factory=Counter)
    replay_mismatch: int = 0
    seconds: float = 0.0
    samples: list[float] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return self.rows == self.submissions and self.duplicated_citizens == 0

    def finals(self) -> str:
        return ", ".join(f"{status}×{n}" for status, n in sorted(self.final.items()))


def retries(  # noqa: C901 — the client loop reads best in one place
    target: Target,
    *,
    plan: Plan,
    run: str,
    submissions: int,
    clients: int,
    client_timeout: float,
    flaky_share: float,
    retry_delay: float,
    seed: int,
) -> RetryResult:
    rng = random.Random(seed)
    citizens = make_citizens(run, "s", submissions, sessions=False)
    host = target.pick(0)[0]
    result = RetryResult(submissions=submissions)
    lock = threading.Lock()
    work = list(enumerate(citizens))
    flaky = set(rng.sample(range(submissions), round(flaky_share * submissions)))
    result.flaky = len(flaky)
    answers: dict[int, dict] = {}

    def submit(i: int, citizen: Citizen):
        key = str(uuid.uuid4())
        payload = json.dumps(submission(random.Random(seed * 100_003 + i), plan, f"[{run}]"))
        headers = {
            "Host": host,
            "Content-Type": "application/json",
            "Authorization": f"Token {citizen.token}",
            "Idempotency-Key": key,
        }
        first_timeout = 0.02 if i in flaky else client_timeout
        attempts = [(first_timeout, False), (max(client_timeout, 30.0), True)]
        for timeout, is_retry in attempts:
            try:
                status, content, ms = request(
                    target.pick(i), "POST", "/api/v1/problems/",
                    headers=headers, body=payload.encode(), timeout=timeout,
                )  # fmt: skip
            except TimeoutError:
                with lock:
                    result.timeouts += 1
                    if not is_retry:
                        result.retries += 1
                if not is_retry:
                    time.sleep(retry_delay)
                continue
            except OSError as error:
                with lock:
                    result.final[f"no answer ({type(error).__name__})"] += 1
                return
            with lock:
                result.final[str(status)] += 1
                result.samples.append(ms)
                if status == 201:
                    answers[citizen.user.pk] = json.loads(content)
            return
        with lock:
            result.final["no answer (timeout twice)"] += 1

    def client():
        while True:
            with lock:
                if not work:
                    return
                i, citizen = work.pop()
            submit(i, citizen)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    result.seconds = time.perf_counter() - started

    count_rows(result, run, answers)
    return result


def count_rows(result: RetryResult, run: str, answers: dict[int, dict]) -> None:
    """Rows per citizen (each submitted once), and whether replayed answers name that row."""
    per_citizen = dict(
        Problem.objects.filter(author__username__startswith=f"load-{run}-s")
        .values_list("author")
        .annotate(n=Count("pk"))
    )
    result.rows = sum(per_citizen.values())
    result.duplicated_citizens = sum(1 for n in per_citizen.values() if n > 1)
    result.missing_citizens = result.submissions - len(per_citizen)
    # A replayed answer must be the first one: the id of the single row that citizen has.
    rows_of = dict(
        Problem.objects.filter(author__username__startswith=f"load-{run}-s").values_list(
            "author", "pk"
        )
    )
    result.replay_mismatch = sum(
        1
        for user_id, body in answers.items()
        if per_citizen.get(user_id) == 1 and body.get("id") != rows_of.get(user_id)
    )


def new_run_id() -> str:
    return f"{time.strftime('%m%d%H%M')}{secrets.token_hex(2)}"


def summary_ms(samples: list[float]) -> str:
    if not samples:
        return "—"
    return (
        f"p50 {percentile(samples, 50):.0f} ms, p95 {percentile(samples, 95):.0f} ms, "
        f"max {max(samples):.0f} ms, mean {statistics.fmean(samples):.0f} ms"
    )
