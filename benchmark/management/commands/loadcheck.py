"""manage.py loadcheck: 300 concurrent requests and 1,000 retried submissions over HTTP.

See benchmark/load.py for the two scenarios. Results go to the «Load check» section of the
benchmark report (--output, default benchmark-results.md; other sections are kept).
"""

import os
import re
from contextlib import contextmanager, nullcontext
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from benchmark import data, live, load
from benchmark.management.commands.benchmark import database_version
from benchmark.measure import Row, table
from planning.models import Plan

SECTION = "## Load check"


def write_section(path: Path, section: str) -> None:
    """Replace (or append) the «Load check» section, leaving the rest of the report."""
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmark results\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _m: section + "\n", old)
    else:
        new = old.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(new, encoding="utf-8")


class Command(BaseCommand):
    help = (
        "Load check over HTTP on 127.0.0.1: N uvicorn workers on the configured PostgreSQL "
        "(or --url of a running server on the same database); a burst of concurrent page "
        "and API requests must give no server error, and submissions retried with the same "
        "Idempotency-Key must make exactly one row each."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workers", type=int, default=2, help="uvicorn workers to start")
        parser.add_argument("--url", help="a running server instead: http://127.0.0.1:PORT")
        parser.add_argument("--requests", type=int, default=300, help="burst size")
        parser.add_argument("--submissions", type=int, default=1000)
        parser.add_argument("--clients", type=int, default=200, help="concurrent submitters")
        parser.add_argument("--client-timeout", type=float, default=5.0, help="seconds")
        parser.add_argument(
            "--flaky", type=float, default=0.1, help="share of clients whose first answer is lost"
        )
        parser.add_argument("--retry-delay", type=float, default=0.5, help="seconds")
        parser.add_argument(
            "--scenario", choices=["all", "burst", "retries"], default="all", help="which to run"
        )
        parser.add_argument("--plan", type=int, help="plan id (default: bench_data's plan)")
        parser.add_argument("--seed", type=int, default=9)
        parser.add_argument("--output", default="benchmark-results.md")
        parser.add_argument("--keep", action="store_true", help="keep the run's users and rows")

    def handle(self, *args, **options):  # noqa: C901 — one linear report
        say = self.stdout.write
        if connection.vendor != "postgresql":
            raise CommandError("The load check needs PostgreSQL (DATABASE_URL=postgres://…).")
        bounds = (
            (options["requests"], 1, 2000, "--requests"),
            (options["submissions"], 0, 5000, "--submissions"),
            (options["clients"], 1, 1000, "--clients"),
            (options["workers"], 1, 16, "--workers"),
        )
        for value, low, high, name in bounds:
            if not low <= value <= high:
                raise CommandError(f"{name} must be between {low} and {high}.")
        if not 0 <= options["flaky"] <= 1:
            raise CommandError("--flaky is a share between 0 and 1.")
        plan = (
            Plan.objects.filter(pk=options["plan"]).first()
            if options["plan"]
            else data.bench_plan()
        )
        if plan is None:
            raise CommandError("No plan: run `manage.py bench_data --small --yes` first.")
        run = load.new_run_id()
        pool = self._pool_text()
        max_connections = show("max_connections")
        server = (
            f"a running server at {options['url']}"
            if options["url"]
            else f"{options['workers']} uvicorn workers started here"
        )
        say(f"Load check {run} against {server}; {pool}; max_connections {max_connections}")
        rows: list[Row] = []
        lines: list[str] = []
        cleanup_note = ""
        try:
            with self._target(options, say) as target:
                if options["scenario"] in {"all", "burst"}:
                    rows.append(self._burst(target, plan, run, options, say, lines))
                if options["scenario"] in {"all", "retries"} and options["submissions"]:
                    rows.append(self._retries(target, plan, run, options, say, lines))
        except (RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from error
        finally:
            if not options["keep"]:
                cleanup_note = load.clean_up(run)
                say(f"  {cleanup_note}")
        section = "\n".join(
            [
                SECTION,
                "",
                f"- Run `{run}`, {timezone.localtime():%Y-%m-%d %H:%M}: {server} on "
                f"{database_version()} (max_connections {max_connections}); {pool}.",
                f"- Plan #{plan.pk}; {os.cpu_count()} cores shared by the server and the "
                "clients; every request on its own connection, only 127.0.0.1.",
                *lines,
                "",
                table(rows),
            ]
        )
        write_section(Path(options["output"]), section)
        say("")
        say(table(rows))
        say(f"\nWritten to the «Load check» section of {options['output']}.")
        failed = [row.label for row in rows if row.passed is False]
        if failed:
            say(self.style.WARNING("Missed: " + "; ".join(failed)))
        else:
            say(self.style.SUCCESS("Load check passed."))

    @staticmethod
    def _pool_text() -> str:
        pool = connection.settings_dict.get("OPTIONS", {}).get("pool")
        if os.environ.get("DB_POOL", "").strip().lower() in {"0", "false", "no", "off"}:
            return "no connection pool (DB_POOL=0)"
        if not pool:
            return "no connection pool"
        return (
            f"psycopg pool per worker: min {pool['min_size']}, max {pool['max_size']}, "
            f"wait ≤ {pool['timeout']:.0f} s"
        )

    @staticmethod
    def _target(options, say):
        if options["url"]:
            return nullcontext(load.Target.from_url(options["url"]))
        return _started(options["workers"], say)

    def _burst(self, target, plan, run, options, say, lines) -> Row:
        n = options["requests"]
        say(f"Burst: {n} requests released at once …")
        result = load.burst(target, plan=plan, run=run, requests=n, seed=options["seed"])
        row = Row(
            "burst",
            f"{n} concurrent requests (pages, API reads, supports, submissions)",
            "0 server errors",
        )
        row.samples = [o.ms for o in result.outcomes]
        row.value = (
            f"{result.server_errors} server errors in {len(result.outcomes)} answers, "
            f"{result.seconds:.1f} s"
        )
        row.passed = result.server_errors == 0 and len(result.outcomes) == n
        say(f"  statuses: {result.statuses()}; {load.summary_ms(row.samples)}")
        for error in result.errors():
            say(self.style.WARNING(f"  {error}"))
        kinds = "; ".join(
            f"{kind}: " + ", ".join(f"{s}×{c}" for s, c in sorted(counts.items()))
            for kind, counts in sorted(result.by_kind().items())
        )
        lines.append(f"- Burst statuses: {result.statuses()} ({kinds}).")
        lines.append(f"- Burst latency (client side): {load.summary_ms(row.samples)}.")
        return row

    def _retries(self, target, plan, run, options, say, lines) -> Row:
        n = options["submissions"]
        say(
            f"Retries: {n} submissions by {n} citizens through {options['clients']} clients, "
            f"timeout {options['client_timeout']:.0f} s, {options['flaky']:.0%} on a flaky "
            "network …"
        )
        result = load.retries(
            target,
            plan=plan,
            run=run,
            submissions=n,
            clients=options["clients"],
            client_timeout=options["client_timeout"],
            flaky_share=options["flaky"],
            retry_delay=options["retry_delay"],
            seed=options["seed"],
        )
        row = Row(
            "retries",
            f"{n} submissions, one retry with the same Idempotency-Key after a timeout",
            f"exactly {n} rows",
        )
        row.samples = result.samples
        row.value = (
            f"{result.rows} rows ({result.duplicated_citizens} citizens with duplicates, "
            f"{result.missing_citizens} with none)"
        )
        row.passed = result.passed
        detail = (
            f"{result.retries} retries after a timeout ({result.flaky} flaky clients); "
            f"final answers {result.finals()}; {result.replay_mismatch} replayed answers "
            f"naming another row; {result.seconds:.1f} s"
        )
        say(f"  {row.value}; {detail}")
        lines.append(f"- Retries: {detail}.")
        if not result.passed:
            lines.append(
                "- Not met: retried submissions made new rows — the server does not (yet) "
                "honour `Idempotency-Key` on POST /api/v1/problems/."
            )
        return row


@contextmanager
def _started(count: int, say):
    with live.workers(count, say=say) as ports:
        yield load.Target.from_ports(ports)


def show(setting: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {setting}")
        return cursor.fetchone()[0]
