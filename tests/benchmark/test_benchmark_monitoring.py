"""bench_data --monitoring and the benchmark's monitoring rows on a tiny data set. Timings are
never asserted (the benchmark command measures them); the rows, their query counts and the
stored roll-up are."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from benchmark import data
from monitoring.models import Indicator, Measurement, Rollup, Target
from tests.benchmark.test_benchmark_command import TINY, benchmark, table_rows

DASHBOARD = "selectors.plan_dashboard (plan)"
DETAIL = "selectors.indicator_detail (one indicator)"


def bench_data(*extra: str) -> str:
    out = StringIO()
    call_command("bench_data", *TINY, *extra, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_bench_data_monitoring_writes_indicators_and_the_rollup():
    output = bench_data("--yes", "--monitoring", "--indicators", "12")
    assert "monitoring: 12 indicators" in output
    plan = data.bench_plan()
    assert Indicator.objects.filter(plan=plan).count() == 12
    # five plan years of monthly values each
    assert Measurement.objects.filter(indicator__plan=plan).count() == 12 * 5 * 12
    assert Target.objects.filter(indicator__plan=plan, is_horizon=True).count() == 12
    rollups = Rollup.objects.filter(plan=plan)
    assert rollups.count() == 5
    assert rollups.get(year=1404).data["plan"]["value"] is not None


@pytest.mark.django_db
def test_benchmark_times_the_monitoring_selectors(tmp_path):
    bench_data("--yes", "--monitoring", "--indicators", "12")
    output, report = benchmark(tmp_path)
    rows = table_rows(report)
    for label in (DASHBOARD, DETAIL):
        assert label in output
        assert re.fullmatch(r"\d+(–\d+)?", rows[label][6]), label
        assert all(re.fullmatch(r"\d+\.\d", cell) for cell in rows[label][3:6]), label
        assert rows[label][7] in {"PASS", "MISS"}
    # the dashboard reads the stored roll-up: a constant, small number of queries
    assert int(rows[DASHBOARD][6].split("–")[-1]) <= 5
