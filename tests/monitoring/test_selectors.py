"""Monitoring's reads: freshness and the overdue list, and query counts that do not grow
with the number of indicators or measurements (pages read the stored roll-up)."""

import jdatetime
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from monitoring.selectors import (
    due_date,
    indicator_detail,
    overdue_indicators,
    plan_dashboard,
    plan_item_indicators,
)
from monitoring.services import baseline_set, indicator_link_set, target_set

pytestmark = pytest.mark.django_db


def jalali(year, month, day):
    return jdatetime.date(year, month, day).togregorian()


def count(function, *args, **kwargs):
    with CaptureQueriesContext(connection) as context:
        function(*args, **kwargs)
    return len(context.captured_queries)


def test_due_date_is_the_tenth_of_the_next_month(settings):
    assert due_date("monthly", 1404, 1) == jalali(1404, 2, 10)
    assert due_date("quarterly", 1404, 4) == jalali(1405, 1, 10)
    assert due_date("yearly", 1404, 0) == jalali(1405, 1, 10)
    settings.MONITORING_DUE_DAY = 5
    assert due_date("monthly", 1404, 12) == jalali(1405, 1, 5)


def test_overdue_list_and_freshness(plan, goal, planner, make_indicator, verified):
    indicator = make_indicator("e_services")
    make_indicator("draft_only", publish=False)
    indicator_link_set(actor=planner, indicator=indicator, plan_item=goal, weight=1)
    today = jalali(1404, 3, 15)
    (row,) = overdue_indicators(plan, today=today)
    assert row["indicator"] == indicator
    assert row["overdue_days"] == 36
    assert row["missing_periods"] == [[1404, 1], [1404, 2]]
    verified(indicator, 1404, 1, 5)
    (row,) = overdue_indicators(plan, today=today)
    assert row["overdue_days"] == 5
    assert row["missing_periods"] == [[1404, 2]]
    assert row["last_period"] == [1404, 1]
    (dashboard_goal,) = plan_dashboard(plan, 1404, today=today)["goals"]
    assert dashboard_goal["overdue_days"] == 5
    assert dashboard_goal["last_measured_at"]
    assert overdue_indicators(plan, today=jalali(1404, 3, 9)) == []


def _indicators(planner, plan, goal, rows, verified):
    from monitoring.services import indicator_create, indicator_version_publish, rollups_deferred

    # As bulk writers write: the plan's roll-up is stored once at the end, not again after
    # every write (which made 20 indicators quadratic).
    with rollups_deferred():
        for i in range(rows):
            indicator = indicator_create(actor=planner, plan=plan, code=f"i{i}", title=f"شاخص {i}")
            indicator_version_publish(actor=planner, version=indicator.versions.get())
            indicator_link_set(actor=planner, indicator=indicator, plan_item=goal, weight=1)
            baseline_set(actor=planner, indicator=indicator, value=0, year=1403)
            target_set(actor=planner, indicator=indicator, year=1404, value=10)
            verified(indicator, 1404, 1, i)


READS = {
    "dashboard": lambda plan, goal: plan_dashboard(plan, 1404),
    "overdue": lambda plan, goal: overdue_indicators(plan),
    "plan_item": lambda plan, goal: plan_item_indicators(goal, 1404),
}


def test_query_count_does_not_grow_with_indicators(arak, planner, verified):
    """Each read costs as many queries over 20 indicators as over 1. Building the two plans
    through the services is nearly all of the time, so the three reads share them; each read
    runs in a savepoint rolled back after it, so none sees what another might have stored."""
    from tests.factories import PlanFactory, PlanItemFactory

    counts: dict[str, list[int]] = {name: [] for name in READS}
    for rows in (1, 20):
        plan = PlanFactory(city=arak)
        goal = PlanItemFactory(plan=plan, code="1")
        _indicators(planner, plan, goal, rows, verified)
        for name, read in READS.items():
            with transaction.atomic():
                counts[name].append(count(read, plan, goal))
                transaction.set_rollback(True)
    assert {name: one for name, (one, _) in counts.items()} == {
        name: twenty for name, (_, twenty) in counts.items()
    }


def test_indicator_detail_query_count_does_not_grow_with_measurements(
    planner, plan, goal, make_indicator, verified
):
    from monitoring.services import measurement_correct

    one, many = make_indicator("one"), make_indicator("many")
    verified(one, 1404, 1, 1)
    for month in range(1, 13):
        row = verified(many, 1404, month, month)
    measurement_correct(actor=planner, measurement=row, value=1, reason="اصلاح")
    for indicator in (one, many):
        indicator_link_set(actor=planner, indicator=indicator, plan_item=goal, weight=2)
    assert count(indicator_detail, one) == count(indicator_detail, many)
    detail = indicator_detail(many)
    assert len(detail["periods"]) == 12
    assert detail["periods"][-1]["current"].value == 1
    assert detail["current_version"].number == 1


def test_plan_item_indicators_shows_weights_and_figures(
    planner, plan, goal, make_indicator, verified
):
    indicator = make_indicator("e_services")
    indicator_link_set(actor=planner, indicator=indicator, plan_item=goal, weight="۲٫۵")
    baseline_set(actor=planner, indicator=indicator, value=0, year=1403)
    target_set(actor=planner, indicator=indicator, year=1404, value=10)
    verified(indicator, 1404, 1, 5)
    shown = plan_item_indicators(goal, 1404)
    (row,) = shown["indicators"]
    assert str(row["weight"]) == "2.500"
    assert row["figure"]["value"] == "0.5000"
    assert shown["figure"] == {"value": "0.5000", "coverage": "1.0000"}
