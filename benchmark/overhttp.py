"""The benchmark over HTTP: uvicorn workers in production shape, driven by benchmark.loadgen
at concurrency 1 and 16, for every public path, the submission, and the two baselines.

Phases, each with workers of its own (started and stopped here):
- **main** — one worker as production runs it (WSGI on threads, the public cache on): every
  series at concurrency 1 and 16;
- **uncached** — one worker with `PUBLIC_CACHE_SECONDS=0`: the public API series again,
  every answer computed;
- **asgi** — one worker with `HTTP_HANDLER=asgi` (Django's ASGI handler): the baselines and
  the public list, for the comparison that chose the WSGI path;
- **scale-out** — one worker, then N workers behind one client, the public list (cached and
  uncached) and the bare endpoint at concurrency 16; with a replica URL also N workers whose
  public reads go to the replica.

Each answer carries its time inside Django (`Server-Timing`) and its query count
(benchmark.middleware); RSS is read from /proc for each worker after each phase.
"""

import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote_plus

from django.db.models import Count

from benchmark import live, load, loadgen, text
from benchmark import words as w
from benchmark.measure import percentile
from budget.models import Project
from inventory.models import InventoryEntry
from moderation.models import ModerationState
from monitoring.models import Indicator
from participation.models import Comment, Problem, Proposal
from planning.models import Axis, Plan, PlanItem

PUBLISHED = ModerationState.PUBLISHED
CONCURRENCIES = (1, 16)
JSON = {"Accept": "application/json"}


@dataclass
class Series:
    key: str
    label: str
    make: Callable[[int], loadgen.Request]
    kind: str  # "api" (public API read), "page" (public HTML page), "write", "base"
    expect: tuple[int, ...] = (200,)
    results: dict[str, loadgen.Result] = field(default_factory=dict)  # "<phase> c<n>"


@dataclass
class Phase:
    name: str
    description: str
    workers: int
    rss_mb: list[float] = field(default_factory=list)


def worker_pid(port: int) -> int | None:
    """The pid of the uvicorn worker started with `--port <port>` (from /proc)."""
    wanted = f"--port\0{port}\0".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if wanted in (entry / "cmdline").read_bytes():
                return int(entry.name)
        except OSError:
            continue
    return None


def rss_mb(pid: int | None) -> float:
    if pid is None:
        return float("nan")
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return float("nan")


def _cpu_times() -> tuple[int, int] | None:
    """The machine's CPU time busy and in all since boot, in ticks, from /proc/stat (None
    off Linux)."""
    try:
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields) - idle, sum(fields)


def settle(quiet: float = 0.15, window: float = 0.25, most: float = 5.0) -> None:
    """Wait (at most `most` seconds) until the machine is quiet: less than `quiet` of its
    CPU busy over `window`. A warm-up may set off work that runs once, after the answers
    (a plan's stem count for similar problems, ~2 s of PostgreSQL at 100k): a timed series
    measures the steady state, not that work competing for the same cores."""
    deadline = time.monotonic() + most
    before = _cpu_times()
    while before is not None and time.monotonic() < deadline:
        time.sleep(window)
        after = _cpu_times()
        if after is None:
            return
        busy, total = after[0] - before[0], after[1] - before[1]
        if total <= 0 or busy / total < quiet:
            return
        before = after


class OverHttp:
    """Builds the series for one plan, runs the phases, and renders BENCHMARKS.md's part."""

    def __init__(
        self,
        plan: Plan,
        *,
        requests: int,
        seed: int,
        workers: int = 2,
        replica_url: str = "",
        phases: tuple[str, ...] = ("main", "uncached", "asgi", "scale"),
        static_root: str = "",
        say=print,
        settle_seconds: float = 5.0,
    ):
        self.plan = plan
        self.n = requests
        self.rng = random.Random(seed)
        self.workers = workers
        self.replica_url = replica_url
        self.only = phases
        # Static files collected already (collectstatic, DEBUG off) for the workers to serve;
        # without, the run collects its own into a temporary folder.
        self.static_root = static_root
        self.say = say
        # How long before a timed series to wait at most for the machine to go quiet.
        self.settle_seconds = settle_seconds
        self.run_id = load.new_run_id()
        self.phases: list[Phase] = []
        self.series: list[Series] = []
        self.scale: list[tuple[str, int, str, loadgen.Result]] = []

    # Inputs ------------------------------------------------------------------------------

    def _build(self) -> None:  # noqa: PLR0915 — one list of every public path
        # Inputs for 2n timed requests (c1 uses the first n) and n more for the warm-ups.
        plan, rng, n = self.plan, self.rng, self.n * 3
        published = list(
            Problem.objects.filter(plan=plan, moderation_state=PUBLISHED).values_list(
                "pk", flat=True
            )
        )
        if not published:
            raise ValueError("the plan has no published problems: run bench_data first")
        ids = rng.choices(published, k=n)
        queries = [text.search_query(rng) for _ in range(n)]
        titles = [text.problem_title(rng, rng.randrange(len(w.AXES))) for _ in range(n)]
        thread = (
            Comment.objects.filter(plan=plan, problem__isnull=False, moderation_state=PUBLISHED)
            .values("problem")
            .annotate(c=Count("pk"))
            .order_by("-c")
            .values_list("problem", flat=True)
            .first()
        )
        items = list(
            PlanItem.objects.filter(plan=plan)
            .annotate(links=Count("addresses"))
            .order_by("-links", "pk")
            .values_list("pk", flat=True)[:20]
        )
        entry = InventoryEntry.objects.filter(plan=plan).order_by("pk").first()
        proposal = Proposal.objects.filter(plan=plan, moderation_state=PUBLISHED).first()
        indicator = Indicator.objects.filter(plan=plan).order_by("pk").first()
        project = Project.objects.filter(plan=plan).order_by("pk").first()
        axis = Axis.objects.filter(city=plan.city).order_by("pk").first()
        p, api = plan.pk, "/api/v1"

        def fixed(path, headers=None):
            return lambda _i: loadgen.get(path, headers)

        def each(pattern, values, headers=None):
            return lambda i: loadgen.get(pattern.format(values[i % len(values)]), headers)

        quoted = [quote_plus(q) for q in queries]
        s = [
            Series("django", "bare Django view `/bench/django/`", fixed("/bench/django/"), "base"),
            Series("bare", "bare DRF endpoint `/bench/bare/`", fixed("/bench/bare/", JSON), "base"),
            Series(
                "list", "API problem list, newest", fixed(f"{api}/problems/?plan={p}", JSON), "api"
            ),
            Series(
                "list_supported",
                "API problem list, most supported",
                fixed(f"{api}/problems/?plan={p}&ordering=most_supported", JSON),
                "api",
            ),
            Series(
                "list_axis",
                "API problem list, one axis",
                fixed(f"{api}/problems/?plan={p}&axis={axis.pk if axis else ''}", JSON),
                "api",
            ),
            Series(
                "search",
                "API problem search `q=` (1–2 words)",
                each(f"{api}/problems/?plan={p}&q={{}}", quoted, JSON),
                "api",
            ),
            Series("detail", "API problem detail", each(f"{api}/problems/{{}}/", ids, JSON), "api"),
            Series("tree", "API plan tree", fixed(f"{api}/plans/{p}/items/", JSON), "api"),
            Series(
                "thread",
                "API comment thread (the longest)",
                fixed(f"{api}/comments/?problem={thread}&page_size=50", JSON),
                "api",
            ),
            Series(
                "similar",
                "API similar problems",
                each(
                    f"{api}/problems/similar/?plan={p}&text={{}}",
                    [quote_plus(t) for t in titles],
                    JSON,
                ),
                "api",
            ),
            Series(
                "inventory_api", "API inventory", fixed(f"{api}/inventory/?plan={p}", JSON), "api"
            ),
            Series("plans_api", "API plans", fixed(f"{api}/plans/", JSON), "api"),
            Series("home", "page: home", fixed("/"), "page"),
            Series("plans", "page: plans", fixed("/plans/"), "page"),
            Series("plan", "page: plan tree", fixed(f"/plans/{p}/"), "page"),
            Series("problems", "page: problem list", fixed(f"/problems/?plan={p}"), "page"),
            Series(
                "problems_search",
                "page: problem search `q=`",
                each(f"/problems/?plan={p}&q={{}}", quoted),
                "page",
            ),
            Series("problem", "page: problem", each("/problems/{}/", ids), "page"),
            Series("item", "page: plan item (most linked)", each("/plan-items/{}/", items), "page"),
            Series("inventory", "page: inventory", fixed(f"/plans/{p}/inventory/"), "page"),
            Series("map", "page: map", fixed(f"/plans/{p}/map/"), "page"),
            Series("monitoring", "page: monitoring", fixed(f"/plans/{p}/monitoring/"), "page"),
            Series("budget", "page: budget", fixed(f"/plans/{p}/budget/"), "page"),
            Series("rules", "page: rules", fixed("/rules/"), "page"),
            Series("transparency", "page: transparency", fixed("/transparency/"), "page"),
        ]
        if entry:
            s.append(
                Series("entry", "page: inventory entry", fixed(f"/inventory/{entry.pk}/"), "page")
            )
        if proposal:
            s.append(
                Series("proposal", "page: proposal", fixed(f"/proposals/{proposal.pk}/"), "page")
            )
        if indicator:
            s.append(
                Series(
                    "indicator", "page: indicator", fixed(f"/indicators/{indicator.pk}/"), "page"
                )
            )
        if project:
            s.append(
                Series(
                    "project",
                    "page: budget project",
                    fixed(f"/budget/projects/{project.pk}/"),
                    "page",
                )
            )
        s.append(Series("submit", "API submission (POST)", self._submission(), "write", (201,)))
        self.series = s

    def _submission(self) -> Callable[[int], loadgen.Request]:
        """One new citizen per submission (POST /api/v1/problems/ with a token and an
        Idempotency-Key), so posting limits do not refuse; removed after the run."""
        count = self.n + self.n * 2  # c=1 and c=16 in the main phase, with warm-ups
        citizens = load.make_citizens(self.run_id, "s", count, sessions=False)
        axes = list(Axis.objects.filter(city=self.plan.city).values_list("pk", flat=True))
        used = [0]

        def make(i: int) -> loadgen.Request:
            citizen = citizens[used[0] % len(citizens)]
            used[0] += 1
            payload = load.submission(random.Random(i), self.plan, f"[{self.run_id}]")
            if axes:
                payload["axis"] = axes[i % len(axes)]
            headers = {
                "Authorization": f"Token {citizen.token}",
                "Content-Type": "application/json",
                "Accept": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            }
            return ("POST", "/api/v1/problems/", headers, json.dumps(payload).encode())

        return make

    # Running -----------------------------------------------------------------------------

    def _measure(
        self, series: Series, phase: str, addresses, concurrency: int, share: float = 1.0
    ) -> None:
        requests = max(4, int((self.n if concurrency == 1 else self.n * 2) * share))
        # A warm-up at the same concurrency: connections, the pool, caches of the worker.
        # Its inputs (ids, texts) are not among the timed ones, so no timed answer was put
        # in the public cache by the warm-up.
        warm_from = self.n * 2

        def warm(i: int) -> loadgen.Request:
            return series.make(warm_from + i)

        loadgen.run(
            addresses,
            warm,
            requests=max(2, requests // 10),
            concurrency=concurrency,
            expect=series.expect,
        )
        if self.settle_seconds > 0:
            settle(most=self.settle_seconds)
        result = loadgen.run(
            addresses, series.make, requests=requests, concurrency=concurrency, expect=series.expect
        )
        if result.errors:
            self.say(
                f"    {series.key} c{concurrency}: {len(result.errors)} errors: {result.errors[0]}"
            )
        series.results[f"{phase} c{concurrency}"] = result
        server = percentile(result.server_ms, 95)
        self.say(
            f"    {series.key:<16} c{concurrency:<2} {result.rate:7.0f} req/s  client p50 "
            f"{percentile(result.client_ms, 50):6.1f} p95 {percentile(result.client_ms, 95):6.1f}"
            f"  server p95 {server:6.1f} ms  queries {_range(result.queries)}"
        )

    def _phase(
        self, phase: Phase, env: dict[str, str], keys: set[str] | None, page_share: float = 1.0
    ) -> None:
        self.say(f"  phase {phase.name}: {phase.description}")
        with self._workers(phase.workers, env) as started:
            addresses = [("127.0.0.1", port) for port, _process in started]
            pids = [process.pid for _port, process in started]
            for series in self.series:
                if keys is not None and series.key not in keys:
                    continue
                share = page_share if series.kind == "page" else 1.0
                for concurrency in CONCURRENCIES:
                    self._measure(series, phase.name, addresses, concurrency, share)
            phase.rss_mb = [rss_mb(pid) for pid in pids]
        self.phases.append(phase)

    def _workers(self, count: int, env: dict[str, str]):
        """Workers on the static files collected once for the run (collectstatic with brotli
        takes a while; every phase's workers serve the same files)."""
        return live.worker_processes(
            count, say=self.say, env={**env, "STATIC_ROOT": self.static_root}, collect_static=False
        )

    def _scale(self, label: str, workers: int, env: dict[str, str]) -> None:
        keys = ("bare", "list", "detail")
        with self._workers(workers, env) as started:
            addresses = [("127.0.0.1", port) for port, _process in started]
            for series in self.series:
                if series.key not in keys:
                    continue
                loadgen.run(addresses, series.make, requests=self.n // 2, concurrency=16)
                result = loadgen.run(addresses, series.make, requests=self.n * 4, concurrency=16)
                self.scale.append((label, workers, series.key, result))
                self.say(f"    {label} ×{workers} {series.key}: {result.rate:.0f} req/s")

    def run(self) -> None:
        if self.static_root:
            self._run()
            return
        with tempfile.TemporaryDirectory(prefix="bench-static-") as static_root:
            self.static_root = static_root
            live.collect_static_files(static_root)
            self._run()

    def _run(self) -> None:
        self._build()
        base = {"POSTING_LIMIT_PROBLEM": str(10**6), "HTTP_THREADS": "10"}
        reads = {s.key for s in self.series if s.kind in ("api", "page", "base")}
        uncached = {**base, "PUBLIC_CACHE_SECONDS": "0"}
        try:
            if "main" in self.only:
                main = Phase("main", "1 worker, WSGI on threads, public cache on", 1)
                self._phase(main, base, None)
            if "uncached" in self.only:
                phase = Phase("uncached", "1 worker, public cache off (every answer computed)", 1)
                # Computed pages are slow: a quarter of the requests for them.
                self._phase(phase, uncached, reads, page_share=0.25)
            if "asgi" in self.only:
                phase = Phase("asgi", "1 worker, Django's ASGI handler (HTTP_HANDLER=asgi)", 1)
                self._phase(phase, {**uncached, "HTTP_HANDLER": "asgi"}, {"django", "bare", "list"})
            if "scale" in self.only:
                self.say("  scale-out (concurrency 16):")
                self._scale("uncached", 1, uncached)
                self._scale("uncached", self.workers, uncached)
                self._scale("cached", self.workers, base)
                if self.replica_url:
                    replica = {**uncached, "DATABASE_REPLICA_URLS": self.replica_url}
                    self._scale("uncached, replica", self.workers, replica)
        finally:
            self.say(f"  {load.clean_up(self.run_id)}")

    # The report --------------------------------------------------------------------------

    def _get(self, key: str) -> Series | None:
        return next((s for s in self.series if s.key == key), None)

    def rate(self, key: str, phase: str, concurrency: int = 16) -> float:
        series = self._get(key)
        result = series.results.get(f"{phase} c{concurrency}") if series else None
        return result.rate if result else float("nan")

    def headline(self) -> list[tuple[str, str, str, bool | None]]:
        """(measurement, target, measured, passed) for the acceptance figures."""
        rows = []
        bare, django_ = self.rate("bare", "main"), self.rate("django", "main")
        rows.append(
            (
                "Bare DRF endpoint ÷ bare Django view (1 worker, c16)",
                "within 1.5×",
                f"{django_ / bare:.2f}× ({bare:.0f} vs {django_:.0f} req/s)",
                django_ / bare <= 1.5,
            )
        )
        for phase, note in (("main", "cache on"), ("uncached", "cache off")):
            listing = self.rate("list", phase)
            bare_phase = self.rate("bare", phase)
            rows.append(
                (
                    f"Public list ÷ bare DRF endpoint (1 worker, c16, {note})",
                    "≥ 50 %",
                    f"{listing / bare_phase:.0%} ({listing:.0f} vs {bare_phase:.0f} req/s)",
                    listing / bare_phase >= 0.5,
                )
            )
        for phase, note in (("main", "public cache on"), ("uncached", "every answer computed")):
            slow, measured = [], 0
            for series in self.series:
                result = series.results.get(f"{phase} c1")
                if series.kind not in ("api", "page") or result is None:
                    continue
                measured += 1
                p95 = percentile(result.server_ms, 95)
                if not p95 < 30:
                    slow.append(f"{series.key} {p95:.0f}")
            if measured:
                rows.append(
                    (
                        f"Every public read, server-side p95 at c1 ({note})",
                        "< 30 ms",
                        f"all {measured}"
                        if not slow
                        else f"{len(slow)} of {measured} over (ms): " + ", ".join(slow),
                        not slow,
                    )
                )
        submit = self._get("submit")
        result = submit.results.get("main c1") if submit else None
        if result:
            p95 = percentile(result.server_ms, 95)
            rows.append(("Submission, server-side p95 at c1", "< 80 ms", f"{p95:.1f} ms", p95 < 80))
        return rows

    def markdown(self) -> str:
        out = ["## Over HTTP", ""]
        out.append(
            "Client: benchmark.loadgen (asyncio, keep-alive HTTP/1.1, on the same cores). "
            "*Client* times are send → last byte; *server* times are the worker's own "
            "`Server-Timing` (first middleware → last). Queries per request from the worker's "
            "count (min–max); *cache* = share of answers from the public cache."
        )
        out.append("")
        out.append("| Phase | workers | RSS per worker (MB, after) |")
        out.append("|---|---:|---|")
        for phase in self.phases:
            rss = ", ".join(f"{value:.0f}" for value in phase.rss_mb)
            out.append(f"| {phase.name}: {phase.description} | {phase.workers} | {rss} |")
        out.append("")
        out.append("### Headline")
        out.append("")
        out.append("| Measurement | Target | Measured | Result |")
        out.append("|---|---|---|---|")
        for label, target, measured, passed in self.headline():
            out.append(f"| {label} | {target} | {measured} | {_verdict(passed)} |")
        out.append("")
        out.append("### Every series")
        out.append("")
        out.append(
            "| Path | phase | c | req/s | ÷ bare | client p50 | p95 | p99 | server p50 | p95 "
            "| p99 | queries | cache |"
        )
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for series in self.series:
            for name, result in series.results.items():
                phase, concurrency = name.split()
                bare = self.rate("bare", phase, int(concurrency[1:]))
                ratio = result.rate / bare if bare == bare and bare else float("nan")
                hits = result.cache.get("hit", 0) / max(1, sum(result.cache.values()))
                out.append(
                    f"| {series.label} | {phase} | {concurrency[1:]} | {result.rate:.0f} | "
                    f"{_pct(ratio)} | {_ms(result.client_ms, 50)} | {_ms(result.client_ms, 95)} | "
                    f"{_ms(result.client_ms, 99)} | {_ms(result.server_ms, 50)} | "
                    f"{_ms(result.server_ms, 95)} | {_ms(result.server_ms, 99)} | "
                    f"{_range(result.queries)} | {hits:.0%} |"
                    + (f" {len(result.errors)} errors" if result.errors else "")
                )
        out.append("")
        if self.scale:
            out.append("### Scale-out (concurrency 16, the client on the same cores)")
            out.append("")
            out.append("| Setup | workers | path | req/s | per core | client p50 | p95 |")
            out.append("|---|---:|---|---:|---:|---:|---:|")
            cores = os.cpu_count() or 1
            for label, workers, key, result in self.scale:
                out.append(
                    f"| {label} | {workers} | {key} | {result.rate:.0f} | "
                    f"{result.rate / min(workers, cores):.0f} | {_ms(result.client_ms, 50)} | "
                    f"{_ms(result.client_ms, 95)} |"
                )
            out.append("")
        return "\n".join(out)


def _ms(samples: list[float], q: float) -> str:
    return f"{percentile(samples, q):.1f}" if samples else "—"


def _pct(value: float) -> str:
    return f"{value:.0%}" if value == value else "—"


def _range(values: list[int]) -> str:
    if not values:
        return "—"
    low, high = min(values), max(values)
    return str(low) if low == high else f"{low}–{high}"


def _verdict(passed: bool | None) -> str:
    return {True: "PASS", False: "MISS", None: "—"}[passed]


def mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else float("nan")
