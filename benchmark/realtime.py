"""Realtime at scale (manage.py benchmark --realtime): websockets against real uvicorn
workers sharing the configured database and Redis, the client one asyncio event loop.

- Sockets on one process: N signed-in `/ws/notifications/` sockets (N users with API
  tokens, made in bulk and removed after) all open on worker A. Measured: the time to open
  them, the worker's resident memory (VmRSS) before and after, and that every socket still
  delivers: a `notification.created` event to every user's group at once (a burst), then one
  at a time to a sample of them, each sent on the channel layer the workers share, as
  `notification_send` does once its transaction commits.
- Decision → author's socket (`live.decision_latency`) while those N sockets stay open on A:
  the decision POSTed to worker B, the author's socket on A.
- Moderators' fan-out: M moderators of the plan's city each with `/ws/moderation/?city=`
  open on A; a citizen POSTs a problem to B; per post, the time from the POST's start to the
  last of the M sockets receiving its `queue.created` event. Run twice: with the consumers'
  permission re-check as configured (at most once per WS_ACCESS_RECHECK_SECONDS per socket)
  and with it forced on every event (WS_ACCESS_RECHECK_SECONDS=0, a worker of its own), which
  shows what the re-check costs.

Bounded: fixed counts, a timeout on every wait, only 127.0.0.1. The run's accounts are named
`bench-rt-<run>-…`. Decisions are append-only (database triggers), so the decision series'
posts, decisions and activity entries stay, all under two fixed accounts (`bench-rt-author`,
`bench-rt-moderator`); everything else the run adds is removed again.
"""

import asyncio
import json
import random
import resource
import secrets
import time
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.utils import timezone
from knox.models import AuthToken, get_digest_token
from knox.settings import CONSTANTS, knox_settings

from accounts.models import StaffRole, User
from backend.realtime import user_group
from benchmark import live, text
from benchmark import words as w
from benchmark.measure import Row, percentile
from participation.models import Problem
from planning.models import Plan

PREFIX = "bench-rt-"
AUTHOR, MODERATOR = f"{PREFIX}author", f"{PREFIX}moderator"
# Handshakes and closes in flight at a time: each one makes the worker join or leave two
# groups, and a process's Redis pool holds 100 connections.
OPEN_AT_ONCE = 50
SENDS_AT_ONCE = 50  # group_send calls in flight (below the Redis pool's 100 connections)
WAIT_SECONDS = 10.0
BURST_WAIT_SECONDS = 60.0  # as long as the channel layer keeps an undelivered message
SAMPLE = 200  # notifications sent one at a time with all sockets open
LIMIT_MS = 150.0


# Accounts ------------------------------------------------------------------------------


def make_accounts(run: str, kind: str, count: int) -> list[tuple[User, str]]:
    """`count` users, each with one API token, in a few bulk inserts."""
    names = [f"{PREFIX}{run}-{kind}{i:05d}" for i in range(count)]
    User.objects.bulk_create([User(username=n, display_name=n) for n in names], batch_size=1000)
    users = list(User.objects.filter(username__in=names).order_by("username"))
    expiry = timezone.now() + knox_settings.TOKEN_TTL
    tokens, keys = [], []
    for user in users:
        digest, key = get_digest_token()
        key_start = key[: CONSTANTS.TOKEN_KEY_LENGTH]
        tokens.append(AuthToken(user=user, digest=digest, token_key=key_start, expiry=expiry))
        keys.append(key)
    AuthToken.objects.bulk_create(tokens, batch_size=1000)
    return list(zip(users, keys, strict=True))


def clean_up(run: str) -> str:
    """The run's posts and accounts (their tokens and roles go with them)."""
    users = User.objects.filter(username__startswith=f"{PREFIX}{run}-")
    problems, _ = Problem.objects.filter(author__in=users).delete()
    deleted, _ = users.delete()
    return f"removed the run's accounts and posts ({problems + deleted} rows)"


def decision_staff(plan: Plan) -> tuple[User, User]:
    moderator, _ = User.objects.get_or_create(username=MODERATOR, defaults={"display_name": "rt"})
    StaffRole.objects.get_or_create(user=moderator, city=plan.city, role=StaffRole.Role.MODERATOR)
    author, _ = User.objects.get_or_create(username=AUTHOR, defaults={"display_name": "rt"})
    return moderator, author


# The client ----------------------------------------------------------------------------


class Inbox:
    """Arrival times (perf_counter) by key, stamped as each message is read."""

    def __init__(self):
        self.times: dict[object, float] = {}
        self.waiting: dict[object, asyncio.Future] = {}

    def put(self, key, at: float) -> None:
        self.times.setdefault(key, at)
        future = self.waiting.pop(key, None)
        if future is not None and not future.done():
            future.set_result(at)

    async def get(self, key, timeout: float) -> float | None:
        if key in self.times:
            return self.times[key]
        future = asyncio.get_running_loop().create_future()
        self.waiting[key] = future
        try:
            return await asyncio.wait_for(future, timeout)
        except TimeoutError:
            return None
        finally:
            self.waiting.pop(key, None)


@dataclass
class Sockets:
    """Open client sockets, each read by its own task."""

    inbox: Inbox = field(default_factory=Inbox)
    open: list = field(default_factory=list)
    readers: list = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    closed: int = 0

    async def connect(self, url: str, token: str, index: int, keys) -> None:
        from websockets.asyncio.client import connect

        try:
            socket = await connect(
                url,
                additional_headers={"Authorization": f"Token {token}"},
                open_timeout=WAIT_SECONDS * 3,
                ping_interval=None,  # as a browser: the server pings, the client answers
            )
        except Exception as error:  # refused, timed out: counted, not fatal
            self.failed.append(f"{type(error).__name__}: {error}")
            return
        self.open.append(socket)
        self.readers.append(asyncio.create_task(self._read(socket, index, keys)))

    async def _read(self, socket, index: int, keys) -> None:
        try:
            async for message in socket:
                at = time.perf_counter()
                key = keys(json.loads(message))
                if key is not None:
                    self.inbox.put((key, index), at)
        except Exception:  # closed by the server
            pass
        self.closed += 1

    async def open_all(self, url: str, tokens: list[str], keys) -> float:
        started = time.perf_counter()
        gate = asyncio.Semaphore(OPEN_AT_ONCE)

        async def one(index: int, token: str):
            async with gate:
                await self.connect(url, token, index, keys)

        await asyncio.gather(*(one(i, t) for i, t in enumerate(tokens)))
        return time.perf_counter() - started

    async def close_all(self) -> None:
        gate = asyncio.Semaphore(OPEN_AT_ONCE)

        async def one(socket) -> None:
            async with gate:
                await socket.close()

        await asyncio.gather(*(one(s) for s in self.open), return_exceptions=True)
        await asyncio.gather(*self.readers, return_exceptions=True)


def notification_key(event: dict):
    if event.get("type") == "notification.created":
        return event["notification"]["payload"].get("wave")
    return None


def queue_key(event: dict):
    if event.get("type") == "queue.created":
        return (event.get("entry") or {}).get("object_id")
    return None


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


def raise_own_file_limit(needed: int) -> None:
    """The client holds every socket too."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def channel_layer(prefix: str):
    """A sender configured as the workers' own layer (its capacity included: a group send
    drops the message when the receiving worker already has `capacity` waiting), on the
    workers' private prefix."""
    from channels_redis.core import RedisChannelLayer

    config = dict(settings.CHANNEL_LAYERS["default"].get("CONFIG") or {})
    return RedisChannelLayer(**{**config, "hosts": [settings.REDIS_URL], "prefix": prefix})


def forget_groups(prefix: str) -> None:
    """The run's keys on Redis (under its private channel prefix): a consumer that did not
    get to leave its groups (a worker stopped first, Redis too slow to answer) leaves its
    membership behind for a day."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
    finally:
        client.close()


def notification_event(wave, user_id: int) -> dict:
    return {
        "type": "notification.created",
        "data": {
            "id": 0,
            "kind": "benchmark",
            "payload": {"wave": wave, "user": user_id},
            "created_at": timezone.now().isoformat(),
            "read": False,
        },
    }


# 1 and 3: N sockets on worker A, then decisions with them open -------------------------


@dataclass
class SocketsResult:
    wanted: int
    opened: int = 0
    failures: list[str] = field(default_factory=list)
    open_seconds: float = 0.0
    rss_before: int = 0
    rss_open: int = 0
    rss_delivered: int = 0
    burst: list[float] = field(default_factory=list)  # ms, one per delivered socket
    burst_seconds: float = 0.0
    one_by_one: list[float] = field(default_factory=list)
    sample: int = 0
    alive_at_end: int = 0
    decisions: dict = field(default_factory=dict)


async def _sockets(
    port: int, pid: int, accounts: list[tuple[int, str]], prefix: str, decide, warmup: int
) -> SocketsResult:
    url = f"ws://127.0.0.1:{port}/ws/notifications/"
    result = SocketsResult(wanted=len(accounts))
    # A few sockets first, closed again: the worker's lazy imports and first connections
    # are not counted as the sockets' memory.
    first = Sockets()
    await first.open_all(url, [token for _, token in accounts[:warmup]], notification_key)
    await first.close_all()
    await asyncio.sleep(0.5)
    result.rss_before = rss_kib(pid)

    sockets = Sockets()
    result.open_seconds = await sockets.open_all(
        url, [token for _, token in accounts], notification_key
    )
    result.opened, result.failures = len(sockets.open), sockets.failed
    await asyncio.sleep(0.5)
    result.rss_open = rss_kib(pid)
    layer = channel_layer(prefix)
    try:
        # The burst: one event to every user's group at once (as many sends in flight as
        # the layer's connection pool allows), timed from its start.
        gate = asyncio.Semaphore(SENDS_AT_ONCE)

        async def send(user_id: int) -> None:
            async with gate:
                await layer.group_send(user_group(user_id), notification_event("burst", user_id))

        started = time.perf_counter()
        await asyncio.gather(*(send(user_id) for user_id, _ in accounts))
        arrived = await asyncio.gather(
            *(sockets.inbox.get(("burst", i), BURST_WAIT_SECONDS) for i in range(len(accounts)))
        )
        times = [at for at in arrived if at is not None]
        result.burst = [(at - started) * 1000 for at in times]
        result.burst_seconds = (max(times) - started) if times else 0.0
        result.rss_delivered = rss_kib(pid)
        # One at a time to a sample: each delivery timed alone, every socket still open.
        rng = random.Random(len(accounts))
        sample = rng.sample(range(len(accounts)), min(SAMPLE, len(accounts)))
        result.sample = len(sample)
        for i in sample:
            user_id = accounts[i][0]
            wave = f"one-{i}"
            sent = time.perf_counter()
            await layer.group_send(user_group(user_id), notification_event(wave, user_id))
            at = await sockets.inbox.get((wave, i), WAIT_SECONDS)
            if at is not None:
                result.one_by_one.append((at - sent) * 1000)
        # Decisions on worker B, the author's socket on A, all N sockets still open there.
        if decide is not None:
            result.decisions = await asyncio.to_thread(decide)
        result.alive_at_end = sum(1 for s in sockets.open if s.close_code is None)
    finally:
        await sockets.close_all()
        await layer.close_pools()
    return result


# 2: the moderators' fan-out ------------------------------------------------------------


@dataclass
class FanoutResult:
    moderators: int
    opened: int = 0
    failures: list[str] = field(default_factory=list)
    last: list[float] = field(default_factory=list)  # ms: POST start → the last socket
    median: list[float] = field(default_factory=list)  # ms: POST start → the median socket
    requests: list[float] = field(default_factory=list)  # ms: the POST itself
    lost: int = 0  # arrivals that never came (socket × post)


def _post(port: int, token: str, payload: dict) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/problems/",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=WAIT_SECONDS * 3) as response:
        return json.loads(response.read())


async def _fanout(
    socket_port: int,
    post_port: int,
    *,
    slug: str,
    tokens: list[str],
    citizen: str,
    payloads: list[dict],
    warmup: int,
) -> FanoutResult:
    url = f"ws://127.0.0.1:{socket_port}/ws/moderation/?city={slug}"
    result = FanoutResult(moderators=len(tokens))
    sockets = Sockets()
    try:
        await sockets.open_all(url, tokens, queue_key)
        result.opened, result.failures = len(sockets.open), sockets.failed
        for n, payload in enumerate(payloads):
            started = time.perf_counter()
            problem = await asyncio.to_thread(_post, post_port, citizen, payload)
            answered = time.perf_counter()
            arrived = await asyncio.gather(
                *(sockets.inbox.get((problem["id"], i), WAIT_SECONDS) for i in range(len(tokens)))
            )
            if n < warmup:
                continue
            times = [(at - started) * 1000 for at in arrived if at is not None]
            result.lost += len(arrived) - len(times)
            result.requests.append((answered - started) * 1000)
            if len(times) == len(arrived):
                result.last.append(max(times))
                result.median.append(percentile(times, 50))
    finally:
        await sockets.close_all()
    return result


def _payloads(plan: Plan, count: int, seed: int, run: str) -> list[dict]:
    rng = random.Random(seed)
    payloads = []
    for i in range(count):
        title, paragraphs = text.problem_text(rng, rng.randrange(len(w.AXES)), None)
        body = "\n\n".join(paragraphs) + f"\n\n(سنجش {run}-{i})"
        payloads.append({"plan": plan.pk, "title": title, "body": body})
    return payloads


# The rows ------------------------------------------------------------------------------


def realtime_rows(
    plan: Plan,
    *,
    sockets: int,
    moderators: int,
    decisions: int,
    posts: int = 30,
    seed: int = 7,
    say=print,
    log_to: str | None = None,
) -> list[Row]:
    """Runs the three series against fresh workers and returns the table's rows; the
    workers' output goes to `log_to` (and `log_to`.recheck) when given."""
    run = secrets.token_hex(3)
    raise_own_file_limit(sockets + 200)
    warmup = min(5, max(1, posts // 10))
    # Posting limits are still checked (their query is part of the cost), never reached.
    env = {"POSTING_LIMIT_PROBLEM": str(10**6)}
    try:
        citizens = make_accounts(run, "citizen", 1)
        listeners = make_accounts(run, "listener", sockets)
        mods = make_accounts(run, "moderator", moderators)
        StaffRole.objects.bulk_create(
            [StaffRole(user=u, city=plan.city, role=StaffRole.Role.MODERATOR) for u, _ in mods]
        )
        staff = decision_staff(plan)
        say(f"  {sockets + moderators + 1} accounts with tokens made (run {run})")
        payloads = _payloads(plan, posts + warmup, seed, run)
        prefix = live.worker_env()["CHANNELS_PREFIX"]

        def decide() -> dict:
            try:
                return live.decision_latency(
                    [a, b],
                    plan=plan,
                    decisions=decisions,
                    warmup=min(5, decisions),
                    seed=seed,
                    say=say,
                    staff=staff,
                )
            finally:
                connection.close()  # this thread's own connection

        with live.worker_processes(
            2, say=say, env=env, open_files=sockets + 200, collect_static=False, log_to=log_to
        ) as started:
            (a, worker_a), (b, _worker_b) = started
            scale = asyncio.run(
                _sockets(
                    a,
                    worker_a.pid,
                    [(user.pk, key) for user, key in listeners],
                    prefix,
                    decide if decisions else None,
                    warmup=min(10, sockets),
                )
            )
            say(_say_sockets(scale))
            fanout = asyncio.run(
                _fanout(
                    a,
                    b,
                    slug=plan.city.slug,
                    tokens=[key for _, key in mods],
                    citizen=citizens[0][1],
                    payloads=payloads,
                    warmup=warmup,
                )
            )
            say(_say_fanout(fanout, "re-checked as configured"))
            # The same fan-out with the sockets on a third worker that re-checks the
            # permission on every event (same channel prefix: B's events reach it).
            recheck_env = {**env, "WS_ACCESS_RECHECK_SECONDS": "0"}
            with live.worker_processes(
                1,
                say=say,
                env=recheck_env,
                collect_static=False,
                log_to=f"{log_to}.recheck" if log_to else None,
            ) as third:
                every = asyncio.run(
                    _fanout(
                        third[0][0],
                        b,
                        slug=plan.city.slug,
                        tokens=[key for _, key in mods],
                        citizen=citizens[0][1],
                        payloads=_payloads(plan, posts + warmup, seed + 1, run),
                        warmup=warmup,
                    )
                )
            say(_say_fanout(every, "re-checked on every event"))
    finally:
        say("  " + clean_up(run))
        forget_groups(live.worker_env()["CHANNELS_PREFIX"])
    return [
        *sockets_rows(scale, settings.WS_ACCESS_RECHECK_SECONDS),
        decision_row(scale.decisions, decisions, sockets),
        fanout_row(fanout, recheck=f"≤ {settings.WS_ACCESS_RECHECK_SECONDS} s"),
        fanout_row(every, recheck="on every event", judged=False),
    ]


def _say_sockets(r: SocketsResult) -> str:
    per = (r.rss_open - r.rss_before) / max(r.opened, 1)
    return (
        f"  {r.opened}/{r.wanted} sockets open in {r.open_seconds:.1f} s; worker RSS "
        f"{r.rss_before / 1024:.0f} → {r.rss_open / 1024:.0f} MiB ({per:.1f} KiB/socket), "
        f"{r.rss_delivered / 1024:.0f} MiB after the burst; burst delivered "
        f"{len(r.burst)}/{r.wanted} in {r.burst_seconds:.2f} s (p50 "
        f"{percentile(r.burst, 50):.0f} ms, p99 {percentile(r.burst, 99):.0f} ms); one at a "
        f"time {len(r.one_by_one)}/{r.sample} (p50 {percentile(r.one_by_one, 50):.1f} ms, "
        f"p99 {percentile(r.one_by_one, 99):.1f} ms); {r.alive_at_end} still open at the end"
        + (f"; failures: {r.failures[:3]}" if r.failures else "")
    )


def _say_fanout(r: FanoutResult, how: str) -> str:
    return (
        f"  fan-out ({how}): {r.opened}/{r.moderators} moderator sockets; post → last socket "
        f"p50 {percentile(r.last, 50):.1f} ms, p95 {percentile(r.last, 95):.1f} ms, p99 "
        f"{percentile(r.last, 99):.1f} ms over {len(r.last)} posts; median socket p50 "
        f"{percentile(r.median, 50):.1f} ms; POST itself p50 {percentile(r.requests, 50):.1f} "
        f"ms; lost {r.lost}" + (f"; failures: {r.failures[:3]}" if r.failures else "")
    )


def sockets_rows(r: SocketsResult, recheck: int) -> list[Row]:
    n = r.wanted
    opened = Row(
        "rt_sockets",
        f"{n:,} notification sockets open on one worker, a burst to all of them",
        "all open, all delivered",
        stat="p99",
    )
    per = (r.rss_open - r.rss_before) / max(r.opened, 1)
    opened.samples = r.burst
    opened.value = (
        f"{r.opened:,}/{n:,} open in {r.open_seconds:.1f} s; {per:.0f} KiB/socket "
        f"(RSS {r.rss_before / 1024:.0f} → {r.rss_open / 1024:.0f} MiB); burst "
        f"{len(r.burst):,}/{n:,} in {r.burst_seconds:.2f} s; {r.alive_at_end:,} open at the end"
    )
    opened.passed = r.opened == n and len(r.burst) == n and r.alive_at_end == n
    single = Row(
        "rt_single",
        f"Notification → socket, one at a time, {n:,} sockets open (re-check ≤ {recheck} s)",
        f"p99 < {LIMIT_MS:.0f} ms",
        LIMIT_MS,
        stat="p99",
    )
    single.samples = r.one_by_one
    single.judge()
    if len(r.one_by_one) < r.sample:
        single.passed = False
        single.value += f", {r.sample - len(r.one_by_one)} lost"
    return [opened, single]


def decision_row(result: dict, decisions: int, sockets: int) -> Row:
    row = Row(
        "rt_decision",
        f"Decision (worker B) → author's socket (worker A, {sockets:,} other sockets open)",
        f"p99 < {LIMIT_MS:.0f} ms",
        LIMIT_MS,
        stat="p99",
    )
    if not decisions or not result:
        row.value = "not run (--decisions 0)"
        return row
    row.samples = result["samples"]
    row.judge()
    row.value += (
        f" over {len(row.samples)} decisions (the decide request itself: p50 "
        f"{percentile(result['requests'], 50):.1f} ms)"
    )
    if result["lost"]:
        row.passed = False
        row.value += f", {result['lost']} lost"
    return row


def fanout_row(r: FanoutResult, *, recheck: str, judged: bool = True) -> Row:
    row = Row(
        "rt_fanout" if judged else "rt_fanout_recheck",
        f"New post → all {r.moderators} moderators' queue sockets (permission re-check {recheck})",
        f"all {r.moderators} within {LIMIT_MS:.0f} ms, p99" if judged else "— (its cost)",
        LIMIT_MS if judged else None,
        stat="p99",
    )
    row.samples = r.last
    row.judge()
    if not judged:
        row.value = f"p99 {row.p(99):.1f} ms" if r.last else ""
    row.value += f"; median socket p50 {percentile(r.median, 50):.1f} ms, {len(r.last)} posts"
    if r.lost or r.opened < r.moderators:
        row.passed = False
        row.value += f", {r.lost} arrivals lost, {r.opened}/{r.moderators} open"
    return row
