"""Server-side latency of the public API, measured in-process, and the results table.

Requests go through Django's test Client: URL routing, middleware, DRF, serialisers and the
database, without a network or an HTTP server in front. Each series starts with warm-up
requests, whose queries are counted (CaptureQueriesContext); the timed requests then run
with DEBUG off so that query logging does not slow them down.
"""

import gc
import json
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.http.request import validate_host
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.models import User
from accounts.services import api_token_for
from benchmark import data, text
from benchmark import words as w
from cities.models import District
from moderation.models import ModerationState
from participation.models import Comment, Problem
from planning.models import Axis, Plan

PUBLISHED = ModerationState.PUBLISHED


def percentile(samples: list[float], q: float) -> float:
    """The q-th percentile (0–100) with linear interpolation between ranks."""
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Row:
    """One line of the results table."""

    key: str
    label: str
    target: str
    limit_ms: float | None = None  # latency target, compared with `stat`
    stat: str = "p95"
    samples: list[float] = field(default_factory=list)
    # In-process: each request's time including its work after the answer.
    totals: list[float] = field(default_factory=list)
    late_queries: list[int] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    value: str = ""  # the measured figure of a row that is not a latency
    passed: bool | None = None  # None: no target, or not measured

    def p(self, q: float) -> float:
        return percentile(self.samples, q)

    def judge(self) -> None:
        if self.limit_ms is not None and self.samples:
            measured = self.p(float(self.stat[1:]))
            self.value = f"{self.stat} {measured:.1f} ms"
            self.passed = measured < self.limit_ms

    @property
    def queries_text(self) -> str:
        if not self.queries:
            return "—"
        low, high = min(self.queries), max(self.queries)
        return str(low) if low == high else f"{low}–{high}"

    @property
    def result(self) -> str:
        return {True: "PASS", False: "MISS", None: "—"}[self.passed]


def _late_work_row(submit: Row) -> Row:
    """The submission again, timed to the end of the work after its answer (the duplicate
    hint and the moderators' live event): not what the author waits for, but what the worker
    spends on it."""
    row = Row(
        "submit_late",
        "… with its work after the answer (duplicate hint, live queue event)",
        "— (after the answer)",
        samples=list(submit.totals),
        queries=[a + b for a, b in zip(submit.queries, submit.late_queries, strict=False)],
    )
    row.value = f"p95 {row.p(95):.1f} ms" if row.samples else ""
    return row


def _answer_ms(response, total_ms: float) -> float:
    """The answer's time from benchmark.middleware's Server-Timing, else the client's."""
    timing = response.get("Server-Timing", "") if hasattr(response, "get") else ""
    if "dur=" in timing:
        return float(timing.split("dur=", 1)[1].split(";", 1)[0])
    return total_ms


class InProcess:
    """Runs every in-process series against one plan and returns the table's rows."""

    def __init__(self, plan: Plan, *, requests: int, warmup: int, seed: int, say):
        self.plan = plan
        self.n = requests
        self.warmup = warmup
        self.rng = random.Random(seed)
        self.say = say
        host = "testserver"
        if not validate_host(host, settings.ALLOWED_HOSTS):
            host = next(h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*")
        self.client = Client(SERVER_NAME=host)
        self.submitted: list[int] = []

    # Inputs --------------------------------------------------------------------------

    def _inputs(self) -> None:
        rng, n = self.rng, self.n + self.warmup
        published = list(
            Problem.objects.filter(plan=self.plan, moderation_state=PUBLISHED).values_list(
                "pk", flat=True
            )
        )
        if not published:
            raise ValueError("the plan has no published problems: run bench_data first")
        self.problem_ids = rng.choices(published, k=n)
        threads = list(
            Comment.objects.filter(
                plan=self.plan, problem__isnull=False, moderation_state=PUBLISHED
            )
            .values("problem")
            .annotate(n=Count("pk"))
            .filter(n=data.THREAD_SIZE)
            .values_list("problem", flat=True)[:10]
        )
        if not threads:  # not a bench_data plan: the busiest thread instead
            threads = [
                Comment.objects.filter(plan=self.plan, problem__isnull=False)
                .values("problem")
                .annotate(n=Count("pk"))
                .order_by("-n")
                .values_list("problem", flat=True)
                .first()
                or published[0]
            ]
        self.threads = threads
        self.thread_size = Comment.objects.filter(
            problem=threads[0], moderation_state=PUBLISHED
        ).count()
        self.queries = [text.search_query(rng) for _ in range(n)]
        axes = len(w.AXES)
        self.similar_texts = [text.problem_title(rng, rng.randrange(axes)) for _ in range(n)]
        # Pins where published problems are: the nearby part of the lookup has work to do.
        pinned = list(
            Problem.objects.filter(
                plan=self.plan, moderation_state=PUBLISHED, latitude__isnull=False
            ).values_list("latitude", "longitude")[: n * 5]
        )
        self.similar_points = [rng.choice(pinned) for _ in range(n)] if pinned else []
        self.axis_ids = list(Axis.objects.filter(city=self.plan.city).values_list("pk", flat=True))
        self.district_ids = list(
            District.objects.filter(city=self.plan.city).values_list("pk", flat=True)
        )
        author, _ = User.objects.get_or_create(
            username=data.AUTHOR, defaults={"display_name": data.AUTHOR}
        )
        self.token = api_token_for(user=author)

    # Requests ------------------------------------------------------------------------

    def _get(self, path: str, params: dict | None = None):
        return self.client.get(path, params or {})

    def _submit(self, _i: int):
        rng = self.rng
        axis = rng.randrange(len(w.AXES))
        title, paragraphs = text.problem_text(rng, axis, rng.randrange(1, 9))
        payload = {"plan": self.plan.pk, "title": title, "body": "\n\n".join(paragraphs)}
        if self.axis_ids:
            payload["axis"] = self.axis_ids[axis % len(self.axis_ids)]
        if self.district_ids:
            payload["district"] = rng.choice(self.district_ids)
        response = self.client.post(
            "/api/v1/problems/",
            json.dumps(payload),
            content_type="application/json",
            headers={"Authorization": f"Token {self.token}"},
        )
        if response.status_code == 201:
            self.submitted.append(response.json()["id"])
        return response

    def _series(self, row: Row, make: Callable[[int], object], expect: int = 200) -> Row:
        """Warm-up requests (queries counted), then the timed ones."""
        for i in range(self.warmup):
            with CaptureQueriesContext(connection) as queries:
                response = make(i)
            self._check(row, response, expect)
            # The answer's own statements (benchmark.middleware), not those run after it.
            answered = response.get("X-Bench-Queries") if hasattr(response, "get") else None
            row.queries.append(int(answered) if answered else len(queries))
            if answered:
                row.late_queries.append(len(queries) - int(answered))
        gc.collect()
        with override_settings(DEBUG=False):
            for i in range(self.warmup, self.warmup + self.n):
                started = time.perf_counter()
                response = make(i)
                total = (time.perf_counter() - started) * 1000
                # Server-side time is the answer's own (first middleware to last, as over
                # HTTP); the client's total also holds the work that runs after the answer
                # has gone (backend/afterresponse.py), kept apart in `row.totals`.
                row.samples.append(_answer_ms(response, total))
                row.totals.append(total)
                self._check(row, response, expect)
        row.judge()
        self.say(
            f"  {row.label}: p50 {row.p(50):.1f} ms, p95 {row.p(95):.1f} ms, "
            f"p99 {row.p(99):.1f} ms, {row.queries_text} queries"
        )
        return row

    @staticmethod
    def _check(row: Row, response, expect: int) -> None:
        if response.status_code != expect:
            raise RuntimeError(
                f"{row.label}: HTTP {response.status_code} instead of {expect}: "
                f"{response.content[:300]!r}"
            )

    # The series ----------------------------------------------------------------------

    def run(self) -> list[Row]:
        self._inputs()
        plan = self.plan.pk
        problems = "/api/v1/problems/"
        rows: list[Row] = []
        # One account submits every timed problem: the posting limit stays checked (its
        # count query is part of the cost) but high enough never to refuse.
        unlimited = {kind: 10**9 for kind in settings.POSTING_LIMITS}
        timed = ["benchmark.middleware.ServerTimingMiddleware", *settings.MIDDLEWARE]
        with override_settings(
            ROOT_URLCONF="benchmark.urls", POSTING_LIMITS=unlimited, MIDDLEWARE=timed
        ):
            rows.append(
                self._series(
                    Row("list", f"GET {problems}?plan= (newest, page 1)", "p95 < 30 ms", 30),
                    lambda _i: self._get(problems, {"plan": plan}),
                )
            )
            rows.append(
                self._series(
                    Row(
                        "list_supported",
                        f"GET {problems}?plan=&ordering=most_supported",
                        "p95 < 30 ms",
                        30,
                    ),
                    lambda _i: self._get(problems, {"plan": plan, "ordering": "most_supported"}),
                )
            )
            rows.append(
                self._series(
                    Row("list_search", f"GET {problems}?plan=&q= (1–2 words)", "p95 < 30 ms", 30),
                    lambda i: self._get(problems, {"plan": plan, "q": self.queries[i]}),
                )
            )
            rows.append(
                self._series(
                    Row("detail", f"GET {problems}{{id}}/", "p95 < 30 ms", 30),
                    lambda i: self._get(f"{problems}{self.problem_ids[i]}/"),
                )
            )
            rows.append(
                self._series(
                    Row("tree", "GET /api/v1/plans/{id}/items/ (whole tree)", "p95 < 30 ms", 30),
                    lambda _i: self._get(f"/api/v1/plans/{plan}/items/"),
                )
            )
            rows.append(
                self._series(
                    Row("similar", f"GET {problems}similar/?plan=&text=", "p95 < 50 ms", 50),
                    lambda i: self._get(
                        f"{problems}similar/", {"plan": plan, "text": self.similar_texts[i]}
                    ),
                )
            )
            if self.similar_points:
                rows.append(
                    self._series(
                        Row(
                            "similar_near",
                            f"GET {problems}similar/?plan=&text=&latitude=&longitude=",
                            "p95 < 50 ms",
                            50,
                        ),
                        lambda i: self._get(
                            f"{problems}similar/",
                            {
                                "plan": plan,
                                "text": self.similar_texts[i],
                                "latitude": self.similar_points[i][0],
                                "longitude": self.similar_points[i][1],
                            },
                        ),
                    )
                )
            try:
                submit = self._series(
                    Row("submit", f"POST {problems} (submission)", "p95 < 80 ms", 80),
                    self._submit,
                    expect=201,
                )
                rows.append(submit)
                rows.append(_late_work_row(submit))
            finally:
                self._clean_up()
            threads = self.threads
            rows.append(
                self._series(
                    Row(
                        "thread",
                        f"GET /api/v1/comments/?problem= ({self.thread_size}-comment thread)",
                        "p95 < 50 ms (10× past 0.5 s)",
                        50,
                    ),
                    lambda i: self._get(
                        "/api/v1/comments/",
                        {"problem": threads[i % len(threads)], "page_size": data.THREAD_SIZE},
                    ),
                )
            )
            bare = self._series(
                Row("bare", "GET /bench/bare/ (bare DRF APIView, baseline)", "—"),
                lambda _i: self._get("/bench/bare/"),
            )
            rows.append(bare)
            rows.append(self._constant_queries())
        rows.append(throughput_row(rows[0], bare))
        return rows

    def _constant_queries(self) -> Row:
        """The list costs the same number of queries for 1 row as for 100."""
        counts = []
        for size in (1, 100):
            with CaptureQueriesContext(connection) as queries:
                response = self._get("/api/v1/problems/", {"plan": self.plan.pk, "page_size": size})
            assert response.status_code == 200
            counts.append(len(queries))
        row = Row("constant", "Problem list queries, page_size=1 vs 100", "equal")
        row.queries = counts
        row.value = f"{counts[0]} vs {counts[1]}"
        row.passed = counts[0] == counts[1]
        return row

    def _clean_up(self) -> None:
        """Submitted problems (and their queue entries) are removed again."""
        if self.submitted:
            Problem.objects.filter(pk__in=self.submitted).delete()
            self.say(f"  removed the {len(self.submitted)} submitted problems")
            self.submitted.clear()


def throughput_row(listing: Row, bare: Row) -> Row:
    """Sequential requests in one process: throughput is the inverse of mean latency."""
    row = Row("throughput", "Public list throughput ÷ bare DRF (in-process)", "≥ 50 %")
    if listing.samples and bare.samples:
        list_rps = 1000 / statistics.fmean(listing.samples)
        bare_rps = 1000 / statistics.fmean(bare.samples)
        ratio = list_rps / bare_rps
        row.value = f"{ratio:.0%} ({list_rps:.0f} vs {bare_rps:.0f} req/s)"
        row.passed = ratio >= 0.5
    return row


# The table -----------------------------------------------------------------------------

HEADER = (
    "| Measurement | Target | Measured | p50 ms | p95 ms | p99 ms | Queries/request | Result |\n"
    "|---|---|---|---:|---:|---:|---:|---|"
)


def _ms(row: Row, q: float) -> str:
    return f"{row.p(q):.1f}" if row.samples else "—"


def table(rows: list[Row]) -> str:
    lines = [HEADER]
    for row in rows:
        lines.append(
            f"| {row.label} | {row.target} | {row.value or '—'} | {_ms(row, 50)} | "
            f"{_ms(row, 95)} | {_ms(row, 99)} | {row.queries_text} | {row.result} |"
        )
    return "\n".join(lines)
