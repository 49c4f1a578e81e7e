"""benchmark.pages on a tiny bench_data set: every series of the pages that grow with the
data answers 200 for the benchmark's accounts and is reported with its queries. Timings are
never asserted (DESIGN §7)."""

from io import StringIO

import pytest
from django.core.management import call_command

from benchmark import data, pages
from tests.benchmark.test_benchmark_command import TINY


@pytest.mark.django_db
def test_every_page_series_is_measured():
    call_command("bench_data", *TINY, "--yes", stdout=StringIO())
    said: list[str] = []
    rows = pages.page_rows(data.bench_plan(), requests=2, warmup=1, seed=7, say=said.append)
    assert len(rows) == 15
    for row in rows:
        assert row.samples, (row.label, row.value)
        assert len(row.samples) == 2, row.label
        assert row.queries, row.label
        assert row.passed is not False or row.value.startswith("p95"), (row.label, row.value)
        assert row.target == "p95 < 30 ms"
    assert len({row.key for row in rows}) == 15
    assert len(said) == 15
