"""bench_data and benchmark run end to end on a tiny data set. Timings are never asserted
here: performance is measured by the benchmark command, not by tests (DESIGN §7)."""

import os
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, Sum

from benchmark import data
from participation.models import Comment, Problem, Support
from planning.models import PlanItem

TINY = ["--small", "--problems", "200", "--supports", "1500", "--comments", "600", "--users", "120"]

ROWS = [
    "GET /api/v1/problems/?plan= (newest, page 1)",
    "GET /api/v1/problems/?plan=&ordering=most_supported",
    "GET /api/v1/problems/?plan=&q= (1–2 words)",
    "GET /api/v1/problems/{id}/",
    "GET /api/v1/plans/{id}/items/ (whole tree)",
    "GET /api/v1/problems/similar/?plan=&text=",
    "GET /api/v1/problems/similar/?plan=&text=&latitude=&longitude=",
    "POST /api/v1/problems/ (submission)",
    "GET /api/v1/comments/?problem= (50-comment thread)",
    "GET /bench/bare/ (bare DRF APIView, baseline)",
    "Problem list queries, page_size=1 vs 100",
    "Public list throughput ÷ bare DRF (in-process)",
    "Decision → author's websocket (2 uvicorn workers, Redis)",
    "Public list throughput ÷ bare DRF (HTTP, 2 workers)",
    "GET /api/v1/plans/{id}/map/ city-wide (zoom 13)",
    "GET …/map/ a district (zoom 14)",
    "GET …/map/ a street, single problems (zoom 17)",
]


def bench_data(*extra: str) -> str:
    out = StringIO()
    call_command("bench_data", *TINY, *extra, stdout=out)
    return out.getvalue()


def benchmark(tmp_path, *extra: str, requests: int = 5) -> tuple[str, str]:
    out = StringIO()
    report = tmp_path / "results.md"
    options = ["--requests", str(requests), "--output", str(report)]
    call_command("benchmark", *options, *extra, stdout=out)
    return out.getvalue(), report.read_text(encoding="utf-8")


def table_rows(report: str) -> dict[str, list[str]]:
    rows = {}
    for line in report.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 8:
            rows[cells[0]] = cells
    return rows


@pytest.mark.django_db
def test_bench_data_refuses_without_yes():
    with pytest.raises(CommandError, match="--yes"):
        call_command("bench_data", *TINY, stdout=StringIO())
    assert not Problem.objects.exists()


@pytest.mark.django_db
def test_bench_data_writes_a_consistent_plan_and_refuses_a_full_database(monkeypatch):
    output = bench_data("--yes")
    assert "Done in" in output
    plan = data.bench_plan()
    kinds = dict(PlanItem.objects.filter(plan=plan).values_list("kind").annotate(n=Count("pk")))
    assert kinds["goal"] == 8
    assert kinds["policy"] == 81
    assert kinds["project"] == 270
    assert 16 <= kinds["strategy"] <= 32
    assert Problem.objects.filter(plan=plan).count() == 200
    # The denormalised counter matches the rows written.
    assert Support.objects.count() == 1500
    assert Problem.objects.aggregate(n=Sum("supports_count"))["n"] == 1500
    assert Comment.objects.filter(plan=plan).count() == 600

    monkeypatch.setattr(data, "REFUSE_ABOVE", 100)
    with pytest.raises(CommandError, match="--append"):
        bench_data("--yes")
    bench_data("--yes", "--append")
    assert Problem.objects.filter(plan=plan).count() == 400


@pytest.mark.django_db
def test_benchmark_reports_every_row_with_query_counts(tmp_path):
    bench_data("--yes")
    output, report = benchmark(tmp_path)
    rows = table_rows(report)
    for label in ROWS:
        assert label in rows, label
        assert label in output
    requests = [label for label in rows if re.match(r"(GET|POST) ", label)]
    # 10 API series, 3 map series and the 7 API series of the pages that grew with the data.
    assert len(requests) == 20
    for label in requests:
        assert re.fullmatch(r"\d+(–\d+)?", rows[label][6]), label  # queries per request
        assert all(re.fullmatch(r"\d+\.\d", cell) for cell in rows[label][3:6]), label
    assert rows[ROWS[0]][7] in {"PASS", "MISS"}  # judged against its target
    assert re.fullmatch(r"\d+ vs \d+", rows["Problem list queries, page_size=1 vs 100"][2])
    assert rows["Decision → author's websocket (2 uvicorn workers, Redis)"][2] == "not run (--ws)"
    # Without bench_data --monitoring or --budget those rows say so (they were
    # test_benchmark_without_monitoring_says_so, which ran the same command on the same data).
    assert rows["selectors.plan_dashboard (plan)"][2].startswith("not run")
    assert rows["selectors.budget_slice (plan, year)"][2].startswith("not run")
    # The benchmark's submissions are removed again.
    assert Problem.objects.count() == 200


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="--ws needs REDIS_URL")
@pytest.mark.django_db(transaction=True)
def test_benchmark_ws_times_decisions_across_two_workers(tmp_path):
    bench_data("--yes")
    # The in-process rows are covered above; here one request each keeps the test short.
    _, report = benchmark(
        tmp_path,
        *["--warmup", "1", "--ws", "--decisions", "5", "--http-seconds", "0.5"],
        *["--http-threads", "2"],
        requests=1,
    )
    rows = table_rows(report)
    websocket = rows["Decision → author's websocket (2 uvicorn workers, Redis)"]
    assert websocket[2].startswith("p99 ")
    assert "lost" not in websocket[2]
    assert all(re.fullmatch(r"\d+\.\d", cell) for cell in websocket[3:6])
    assert re.match(
        r"\d+% \(\d+ vs \d+ req/s\)", rows["Public list throughput ÷ bare DRF (HTTP, 2 workers)"][2]
    )
