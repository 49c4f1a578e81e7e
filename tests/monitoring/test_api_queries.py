"""Every monitoring list (and the pages holding lists) costs the same number of queries for
1 row as for 20: the dashboard, indicators, measurements, the overdue list, snapshots, a
plan item's indicators, an indicator's page and the export."""

from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitoring.services import (
    indicator_create,
    indicator_link_set,
    indicator_version_publish,
    measurement_enter,
    measurement_verify,
    rollups_deferred,
    snapshot_close,
    target_set,
)
from tests.factories import PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db

SNAPSHOT_LABELS = [f"M{m}" for m in range(1, 13)] + ["Q1", "Q2", "Q3", "Q4", "H1", "H2", "Y"]
PERIODS = [(1404, m) for m in range(1, 13)] + [(1405, m) for m in range(1, 9)]


def _indicator(planner, plan, code, item=None):
    indicator = indicator_create(actor=planner, plan=plan, code=code, title=f"شاخص {code}")
    indicator_version_publish(actor=planner, version=indicator.versions.get())
    if item is not None:
        indicator_link_set(actor=planner, indicator=indicator, plan_item=item, weight=1)
    target_set(actor=planner, indicator=indicator, year=1404, value=10)
    return indicator


def _measure(planner, planner2, indicator, year, month, value=5):
    row = measurement_enter(
        actor=planner,
        indicator=indicator,
        year=year,
        period=month,
        value=value,
        submit=True,
        note="یادداشت",
    )
    return measurement_verify(actor=planner2, measurement=row)


def results(body) -> int:
    return len(body["results"])


def dashboard(planner, planner2, plan, rows):
    for i in range(rows):
        goal = PlanItemFactory(plan=plan, code=str(i + 1))
        _measure(planner, planner2, _indicator(planner, plan, f"i{i}", goal), 1404, 1)
    return f"/api/v1/plans/{plan.pk}/monitoring/", {"year": 1404}, lambda b: len(b["goals"])


def indicators(planner, _planner2, plan, rows):
    item = PlanItemFactory(plan=plan)
    for i in range(rows):
        _indicator(planner, plan, f"i{i}", item)
    return "/api/v1/indicators/", {"plan": plan.pk, "page_size": 100}, results


def measurements(planner, planner2, plan, rows):
    indicator = _indicator(planner, plan, "m")
    for year, month in PERIODS[:rows]:
        _measure(planner, planner2, indicator, year, month)
    url = f"/api/v1/indicators/{indicator.pk}/measurements/"
    return url, {"page_size": 100}, results


def indicator_page(planner, planner2, plan, rows):
    indicator = _indicator(planner, plan, "m")
    for year, month in PERIODS[:rows]:
        _measure(planner, planner2, indicator, year, month)
    for i in range(rows):
        indicator_link_set(
            actor=planner, indicator=indicator, plan_item=PlanItemFactory(plan=plan), weight=i + 1
        )
    return f"/api/v1/indicators/{indicator.pk}/", {}, lambda b: len(b["periods"])


def overdue(planner, _planner2, plan, rows):
    for i in range(rows):
        _indicator(planner, plan, f"i{i}")
    return f"/api/v1/plans/{plan.pk}/monitoring/overdue/", {"page_size": 100}, results


def snapshots(planner, _planner2, plan, rows):
    keys = [(1404, label) for label in SNAPSHOT_LABELS] + [(1405, "M1")]
    for year, label in keys[:rows]:
        snapshot_close(actor=planner, plan=plan, year=year, period=label)
    return f"/api/v1/plans/{plan.pk}/snapshots/", {"page_size": 100}, results


def item_indicators(planner, planner2, plan, rows):
    item = PlanItemFactory(plan=plan)
    for i in range(rows):
        _measure(planner, planner2, _indicator(planner, plan, f"i{i}", item), 1404, 1)
    url = f"/api/v1/plan-items/{item.pk}/indicators/"
    return url, {"year": 1404}, lambda b: len(b["indicators"])


def export(planner, planner2, plan, rows):
    indicator = _indicator(planner, plan, "m")
    for year, month in PERIODS[:rows]:
        _measure(planner, planner2, indicator, year, month)
    return f"/api/v1/plans/{plan.pk}/monitoring/export/", {"format": "csv"}, None


CASES: dict[str, Callable] = {
    "dashboard": dashboard,
    "indicators": indicators,
    "measurements": measurements,
    "indicator-page": indicator_page,
    "overdue": overdue,
    "snapshots": snapshots,
    "item-indicators": item_indicators,
    "export": export,
}


def _count(client, url, params, rows, counter) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
        assert response.status_code == 200, response.content[:400]
        if counter is None:
            content = b"".join(response.streaming_content).decode("utf-8")
            assert len(content.strip().splitlines()) == rows + 1
        else:
            assert counter(response.json()) == rows
    return len(queries)


@pytest.mark.parametrize("name", list(CASES))
def test_same_queries_for_1_and_20_rows(name, arak, planner, planner2, as_user):
    build = CASES[name]
    client = as_user(planner)
    # Built as bulk writers write (services.rollups_deferred): each plan's roll-up is stored
    # once at the end, not again after every write (20 indicators made that quadratic).
    with rollups_deferred():
        one = build(planner, planner2, PlanFactory(city=arak), 1)
        twenty = build(planner, planner2, PlanFactory(city=arak), 20)
    _count(client, *one[:2], 1, one[2])  # warm the caches once (the decoded roll-ups too)
    _count(client, *twenty[:2], 20, twenty[2])
    assert _count(client, *one[:2], 1, one[2]) == _count(client, *twenty[:2], 20, twenty[2])
