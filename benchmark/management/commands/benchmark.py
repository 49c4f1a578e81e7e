"""manage.py benchmark: measure the DESIGN §7 targets against the configured database."""

import os
import platform
import sqlite3
from pathlib import Path

import django
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from benchmark import budget, data, live, maps, monitoring, overhttp, pages, realtime
from benchmark.measure import InProcess, Row, percentile, table
from moderation.models import ModerationState
from participation.models import Comment, Problem, Support
from planning.models import Plan


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def load_average() -> str:
    try:
        return " / ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


def database_version() -> str:
    if connection.vendor == "sqlite":
        return f"SQLite {sqlite3.sqlite_version}"
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return f"PostgreSQL {cursor.fetchone()[0]}"


class Command(BaseCommand):
    help = (
        "Measure server-side latency, query counts and throughput of the public API (and, "
        "with --ws, decision → websocket latency across two worker processes) against the "
        "configured database; compare with DESIGN §7."
    )

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=200, help="timed requests per series")
        parser.add_argument("--warmup", type=int, help="warm-up requests per series (counted)")
        parser.add_argument("--plan", type=int, help="plan id (default: bench_data's plan)")
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--output", default="benchmark-results.md", help="Markdown file")
        parser.add_argument(
            "--ws",
            action="store_true",
            help="also start two uvicorn workers (needs REDIS_URL): decision → websocket "
            "latency and HTTP throughput",
        )
        parser.add_argument(
            "--decisions", type=int, default=200, help="--ws, --realtime: decisions timed"
        )
        parser.add_argument("--http-seconds", type=float, default=5.0, help="--ws: per endpoint")
        parser.add_argument("--http-threads", type=int, default=8, help="--ws: client threads")
        parser.add_argument(
            "--http",
            action="store_true",
            help="also drive uvicorn workers with the load generator at concurrency 1 and 16 "
            "for every public path, the submission and the baselines (needs PostgreSQL)",
        )
        parser.add_argument(
            "--http-requests", type=int, default=200, help="--http: requests per series at c1"
        )
        parser.add_argument(
            "--workers", type=int, default=2, help="--http: workers in the scale-out series"
        )
        parser.add_argument(
            "--replica-url",
            default=os.environ.get("BENCH_REPLICA_URL", ""),
            help="--http: a streaming replica's URL for the scale-out series (scripts/pg-replica)",
        )
        parser.add_argument(
            "--realtime",
            action="store_true",
            help="also realtime at scale (needs REDIS_URL): --sockets notification sockets on "
            "one worker, decisions with them open, --moderators queue sockets fed by new posts",
        )
        parser.add_argument("--sockets", type=int, default=2000, help="--realtime: sockets")
        parser.add_argument("--moderators", type=int, default=50, help="--realtime: moderators")

    def handle(self, *args, **options):
        say = self.stdout.write
        plan = self._plan(options["plan"])
        requests = options["requests"]
        if requests < 1:
            raise CommandError("--requests must be at least 1.")
        warmup = (
            options["warmup"] if options["warmup"] is not None else min(20, max(3, requests // 10))
        )
        if options["ws"] and not settings.REDIS_URL:
            raise CommandError(
                "--ws needs REDIS_URL: the two workers share events only through Redis."
            )
        if options["realtime"] and not settings.REDIS_URL:
            raise CommandError(
                "--realtime needs REDIS_URL: the workers share events only through Redis."
            )
        if options["realtime"] and (
            options["sockets"] < 1 or options["moderators"] < 1 or options["decisions"] < 0
        ):
            raise CommandError(
                "--sockets and --moderators must be at least 1, --decisions 0 or more."
            )
        context = self._context(plan, requests, warmup)
        say(context)
        say("In-process series:")
        try:
            rows = InProcess(
                plan, requests=requests, warmup=warmup, seed=options["seed"], say=say
            ).run()
        except (RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from error
        say("Monitoring selectors:")
        rows.extend(
            monitoring.monitoring_rows(
                plan, requests=requests, warmup=warmup, seed=options["seed"], say=say
            )
        )
        say("Budget selectors and pages:")
        rows.extend(
            budget.budget_rows(
                plan, requests=requests, warmup=warmup, seed=options["seed"], say=say
            )
        )
        say("The problem map:")
        rows.extend(
            maps.map_rows(plan, requests=requests, warmup=warmup, seed=options["seed"], say=say)
        )
        say("Pages that grow with the data:")
        rows.extend(
            pages.page_rows(plan, requests=requests, warmup=warmup, seed=options["seed"], say=say)
        )
        rows.extend(self._live(plan, options, say))
        http_part = ""
        if options["http"]:
            say("Over HTTP (load generator):")
            over = overhttp.OverHttp(
                plan,
                requests=options["http_requests"],
                seed=options["seed"],
                workers=options["workers"],
                replica_url=options["replica_url"],
                say=say,
            )
            try:
                over.run()
            except (RuntimeError, ValueError) as error:
                raise CommandError(str(error)) from error
            http_part = "\n" + over.markdown() + "\n"
        if options["realtime"]:
            say("Realtime at scale:")
            rows.extend(
                realtime.realtime_rows(
                    plan,
                    sockets=options["sockets"],
                    moderators=options["moderators"],
                    decisions=options["decisions"],
                    seed=options["seed"],
                    say=say,
                )
            )
        notes = self._notes(rows) + f" Load average at the end: {load_average()}."
        report = f"{context}\n{http_part}\n## In process and realtime\n\n{table(rows)}\n{notes}"
        say("")
        say(table(rows))
        Path(options["output"]).write_text(report + "\n", encoding="utf-8")
        misses = [row.label for row in rows if row.passed is False]
        say(f"\nWritten to {options['output']}.")
        if misses:
            say(self.style.WARNING("Missed: " + "; ".join(misses)))
        else:
            say(self.style.SUCCESS("Every measured target met."))

    def _plan(self, plan_id: int | None) -> Plan:
        if plan_id is not None:
            plan = Plan.objects.select_related("city").filter(pk=plan_id).first()
        else:
            plan = data.bench_plan()
        if plan is None:
            raise CommandError("No benchmark plan: run `manage.py bench_data --yes` first.")
        return plan

    def _context(self, plan: Plan, requests: int, warmup: int) -> str:
        problems = Problem.objects.filter(plan=plan)
        published = problems.filter(moderation_state=ModerationState.PUBLISHED).count()
        total = problems.count()
        supports = Support.objects.filter(problem__plan=plan).count()
        comments = Comment.objects.filter(plan=plan).count()
        layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
        return "\n".join(
            [
                "# Benchmark results",
                "",
                f"- Date: {timezone.localtime():%Y-%m-%d %H:%M} {settings.TIME_ZONE} "
                f"({timezone.now():%Y-%m-%d %H:%M} UTC)",
                f"- Machine: {os.cpu_count()} cores ({cpu_model()}), {platform.system()}, "
                f"Python {platform.python_version()}, Django {django.get_version()}; "
                f"load average at start {load_average()} (other work on the same cores "
                "shows up in the tails)",
                f"- Database: {database_version()} `{connection.settings_dict['NAME']}`; "
                f"channel layer: {layer}",
                f"- Data: plan #{plan.pk} «{plan.title}» ({plan.items.count()} items); "
                f"{total:,} problems ({published:,} published), {supports:,} supports, "
                f"{comments:,} comments",
                f"- Method: {requests} timed requests per series after {warmup} warm-up requests "
                "(their queries counted); in-process Django test Client = server-side time "
                "(routing, middleware, DRF, database; no network), DEBUG off while timing; "
                "anonymous reads, token-authenticated submission.",
                "",
            ]
        )

    def _live(self, plan: Plan, options, say) -> list[Row]:
        ws = Row(
            "ws",
            "Decision → author's websocket (2 uvicorn workers, Redis)",
            "p99 < 150 ms",
            150,
            stat="p99",
        )
        http = Row("http", "Public list throughput ÷ bare DRF (HTTP, 2 workers)", "≥ 50 %")
        if not options["ws"]:
            ws.value = http.value = "not run (--ws)"
            return [ws, http]
        say("Across processes:")
        # The websocket and the two JSON series need no static files: no collectstatic (with
        # brotli it took most of this part's time).
        with live.workers(2, say=say, collect_static=False) as ports:
            result = live.decision_latency(
                ports,
                plan=plan,
                decisions=options["decisions"],
                warmup=min(5, options["decisions"]),
                seed=options["seed"],
                say=say,
            )
            ws.samples = result["samples"]
            ws.judge()
            if result["lost"]:
                ws.passed = False
                ws.value += f", {result['lost']} lost"
            if ws.samples:
                say(
                    f"  {ws.label}: p50 {ws.p(50):.1f} ms, p95 {ws.p(95):.1f} ms, "
                    f"p99 {ws.p(99):.1f} ms (decide request itself: p50 "
                    f"{percentile(result['requests'], 50):.1f} ms); lost {result['lost']}"
                )
            rates = live.http_throughput(
                ports,
                plan=plan,
                seconds=options["http_seconds"],
                threads=options["http_threads"],
                say=say,
            )
        ratio = rates["list"] / rates["bare"]
        http.value = f"{ratio:.0%} ({rates['list']:.0f} vs {rates['bare']:.0f} req/s)"
        http.passed = ratio >= 0.5
        return [ws, http]

    @staticmethod
    def _notes(rows: list[Row]) -> str:  # noqa: ARG004 — one signature for every note
        return (
            "\nQueries/request: counted over the warm-up requests (min–max). Throughput "
            "in-process = sequential requests in one process (1 / mean latency); over HTTP = "
            "several client threads with keep-alive against both workers, the client running "
            "on the same cores."
        )
