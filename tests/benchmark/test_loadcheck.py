"""manage.py loadcheck: its guards and its report section (the load itself is not a test)."""

import pytest
from django.core.management import CommandError, call_command

from benchmark import load
from benchmark.management.commands.loadcheck import write_section


def test_only_local_urls():
    assert load.Target.from_url("http://127.0.0.1:8001").addresses == [("127.0.0.1", 8001)]
    for url in ("http://example.com:80", "https://127.0.0.1:8000", "http://10.0.0.5:8000"):
        with pytest.raises(ValueError, match="local"):
            load.Target.from_url(url)


@pytest.mark.django_db
def test_refuses_without_postgres(settings):
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("runs on SQLite only")
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("loadcheck", "--scenario", "burst")


def test_report_section_is_replaced_not_duplicated(tmp_path):
    report = tmp_path / "benchmark-results.md"
    report.write_text("# Benchmark results\n\n| a | b |\n\n## Other\n\nkept\n")
    write_section(report, "## Load check\n\nfirst")
    write_section(report, "## Load check\n\nsecond")
    text = report.read_text()
    assert text.count("## Load check") == 1
    assert "second" in text
    assert "first" not in text
    assert "| a | b |" in text
    assert "kept" in text
