"""Monitoring's services: versions, measurements, corrections, realisation through the stored
roll-up, item states, snapshots, permissions and the activity log."""

from decimal import Decimal as D

import pytest

from accounts.models import Activity
from backend.errors import Conflict, DomainError, Refused
from monitoring.models import IndicatorVersion, Measurement, Rollup, Snapshot
from monitoring.selectors import (
    indicator_detail,
    plan_dashboard,
    snapshot_with_corrections,
)
from monitoring.services import (
    baseline_set,
    indicator_link_set,
    indicator_version_draft,
    indicator_version_publish,
    item_monitoring_set,
    measurement_correct,
    measurement_enter,
    measurement_submit,
    measurement_verify,
    snapshot_close,
    target_set,
)

pytestmark = pytest.mark.django_db


def actions():
    return list(Activity.objects.order_by("id").values_list("action", flat=True))


# Versions --------------------------------------------------------------------------------


def test_a_published_version_is_immutable(make_indicator):
    indicator = make_indicator("e_services")
    version = indicator.current_version
    assert version.number == 1
    assert version.published_at is not None
    version.title = "دیگر"
    with pytest.raises(PermissionError):
        version.save()
    with pytest.raises(PermissionError):
        IndicatorVersion.objects.filter(pk=version.pk).update(title="دیگر")
    with pytest.raises(PermissionError):
        IndicatorVersion.objects.filter(pk=version.pk).delete()
    version.refresh_from_db()
    assert version.title == "شاخص e_services"


def test_a_change_is_a_new_version_and_periodicity_is_frozen(planner, make_indicator):
    indicator = make_indicator("e_services", unit="درصد")
    draft = indicator_version_draft(actor=planner, indicator=indicator, title="خدمات الکترونیک")
    assert draft.number == 2
    assert draft.unit == "درصد"
    assert draft.published_at is None
    assert indicator.current_version.number == 1
    indicator_version_publish(actor=planner, version=draft)
    assert indicator.current_version.number == 2
    draft = indicator_version_draft(actor=planner, indicator=indicator, periodicity="yearly")
    with pytest.raises(DomainError) as error:
        indicator_version_publish(actor=planner, version=draft)
    assert error.value.code == "periodicity_frozen"
    with pytest.raises(Conflict):
        indicator_version_publish(actor=planner, version=indicator.versions.get(number=1))
    assert "monitoring.version_publish" in actions()


def test_indicator_codes_are_checked(planner, plan, make_indicator):
    from monitoring.services import indicator_create

    make_indicator("e_services")
    with pytest.raises(Conflict):
        indicator_create(actor=planner, plan=plan, code="e_services", title="تکرار")
    with pytest.raises(DomainError):
        indicator_create(actor=planner, plan=plan, code="شاخص", title="فارسی")


# Measurements ----------------------------------------------------------------------------


def test_enter_submit_verify_records_the_version_and_the_activity(
    planner, planner2, make_indicator
):
    indicator = make_indicator("e_services")
    row = measurement_enter(
        actor=planner, indicator=indicator, year=1404, period=3, value="۱۲٫۵", source="سامانه"
    )
    assert row.state == "draft"
    assert row.value == D("12.5")
    assert row.version.number == 1
    with pytest.raises(Conflict):
        measurement_enter(actor=planner, indicator=indicator, year=1404, period=3, value=1)
    measurement_submit(actor=planner, measurement=row)
    with pytest.raises(Refused):  # a second pair of eyes verifies
        measurement_verify(actor=planner, measurement=row)
    row = measurement_verify(actor=planner2, measurement=row)
    assert row.state == "verified"
    assert row.verified_by == planner2
    assert actions()[-3:] == [
        "monitoring.measurement_enter",
        "monitoring.measurement_submit",
        "monitoring.measurement_verify",
    ]
    entry = Activity.objects.filter(action="monitoring.measurement_verify").get()
    assert entry.before == {"state": "submitted"}
    assert entry.after == {"state": "verified", "value": "12.500000"}
    with pytest.raises(Conflict):
        measurement_enter(actor=planner, indicator=indicator, year=1404, period=3, value=1)


@pytest.mark.parametrize(
    ("year", "period", "code"),
    [(1403, 1, "year_outside_plan"), (1404, 13, "invalid_period"), (1408, 1, "future_period")],
)
def test_periods_are_checked(planner, make_indicator, year, period, code):
    indicator = make_indicator("e_services")
    with pytest.raises(DomainError) as error:
        measurement_enter(actor=planner, indicator=indicator, year=year, period=period, value=1)
    assert error.value.code == code


def test_a_value_must_be_a_number(planner, make_indicator):
    indicator = make_indicator("e_services")
    with pytest.raises(DomainError) as error:
        measurement_enter(actor=planner, indicator=indicator, year=1404, period=1, value="بسیار")
    assert "عدد" in error.value.message


def test_a_verified_value_is_immutable_and_corrected_by_a_new_row_with_a_reason(
    planner, make_indicator, verified
):
    indicator = make_indicator("e_services")
    old = verified(indicator, 1404, 1, 10)
    old.value = D(11)
    with pytest.raises(PermissionError):
        old.save()
    with pytest.raises(PermissionError):
        Measurement.objects.filter(pk=old.pk).update(value=11)
    with pytest.raises(DomainError):
        measurement_correct(actor=planner, measurement=old, value=12, reason="  ")
    new = measurement_correct(
        actor=planner, measurement=old, value=12, reason="خطای ورود داده در سامانه"
    )
    assert new.pk != old.pk
    assert new.supersedes_id == old.pk
    assert new.state == "verified"
    old.refresh_from_db()
    assert old.value == D(10)
    assert list(Measurement.objects.current().values_list("value", flat=True)) == [D(12)]
    with pytest.raises(Conflict):  # only the current value is corrected
        measurement_correct(actor=planner, measurement=old, value=13, reason="دوباره")
    entry = Activity.objects.get(action="monitoring.measurement_correct")
    assert entry.before["value"] == "10.000000"
    assert entry.after["reason"] == "خطای ورود داده در سامانه"
    detail = indicator_detail(indicator)
    (period,) = detail["periods"]
    assert period["current"] == new
    assert len(period["history"]) == 2


# Permissions -----------------------------------------------------------------------------


def test_the_owner_and_the_city_planners_enter_others_cannot(
    owner, qom_planner, citizen, make_indicator
):
    indicator = make_indicator("e_services", owner=owner)
    row = measurement_enter(actor=owner, indicator=indicator, year=1404, period=1, value=1)
    assert row.entered_by == owner
    for outsider in (qom_planner, citizen):
        with pytest.raises(Refused):
            measurement_enter(actor=outsider, indicator=indicator, year=1404, period=2, value=1)
    with pytest.raises(Refused):  # the owner enters; a planner verifies
        measurement_verify(actor=owner, measurement=row)


def test_other_city_planners_cannot_manage_indicators(qom_planner, plan, make_indicator):
    from monitoring.services import indicator_create

    with pytest.raises(Refused):
        indicator_create(actor=qom_planner, plan=plan, code="x", title="x")
    indicator = make_indicator("e_services")
    with pytest.raises(Refused):
        target_set(actor=qom_planner, indicator=indicator, year=1404, value=1)


# Realisation through the stored roll-up -----------------------------------------------------


@pytest.fixture
def monitored(planner, goal, strategy, goal2, make_indicator):
    """Goal 1 carries `a` (weight 3); its strategy carries `b`; goal 2 carries `c`."""
    a = make_indicator("a")
    b = make_indicator("b", direction="lower")
    c = make_indicator("c")
    for indicator, item, weight in ((a, goal, 3), (b, strategy, 1), (c, goal2, 1)):
        indicator_link_set(actor=planner, indicator=indicator, plan_item=item, weight=weight)
        baseline_set(actor=planner, indicator=indicator, value=100, year=1403)
    target_set(actor=planner, indicator=a, year=1404, value=200)
    target_set(actor=planner, indicator=b, year=1404, value=50)
    target_set(actor=planner, indicator=c, year=1404, value=100)  # hold the value
    return {"a": a, "b": b, "c": c}


def _goals(plan):
    return {goal["code"]: goal for goal in plan_dashboard(plan, 1404)["goals"]}


def test_dashboard_realisation_per_goal_with_coverage(plan, monitored, verified):
    goals = _goals(plan)
    assert goals["1"]["value"] is None
    assert goals["1"]["coverage"] == "0.0000"
    verified(monitored["a"], 1404, 1, 150)  # a: 50%
    goals = _goals(plan)
    # goal 1: a (weight 3) 50%; strategy 1.1 has no data → coverage 3/4
    assert goals["1"]["value"] == "0.5000"
    assert goals["1"]["coverage"] == "0.7500"
    verified(monitored["b"], 1404, 1, 25)  # lower is better: 150% (over-achieved)
    goals = _goals(plan)
    assert goals["1"]["value"] == "0.7500"
    assert goals["1"]["coverage"] == "1.0000"
    dashboard = plan_dashboard(plan, 1404)
    assert dashboard["indicators"][str(monitored["b"].pk)]["value"] == "1.5000"
    assert dashboard["realisation"] == {"value": "0.7500", "coverage": "0.5000"}
    verified(monitored["c"], 1404, 1, 100)  # target == baseline, met: 100%
    assert plan_dashboard(plan, 1404)["realisation"] == {"value": "0.8750", "coverage": "1.0000"}


def test_over_achievement_is_shown_and_capped_for_the_roll_up(plan, monitored, verified):
    verified(monitored["a"], 1404, 1, 400)  # 300%
    verified(monitored["b"], 1404, 1, 50)  # 100%
    dashboard = plan_dashboard(plan, 1404)
    assert dashboard["indicators"][str(monitored["a"].pk)]["value"] == "3.0000"
    # goal 1: (3 · 1.5 + 1 · 1) / 4
    assert _goals(plan)["1"]["value"] == "1.3750"


def test_cancelled_items_drop_out(planner, plan, strategy, monitored, verified):
    verified(monitored["a"], 1404, 1, 150)
    item_monitoring_set(
        actor=planner, plan_item=strategy, state="cancelled", reason="حذف از برنامه"
    )
    goals = _goals(plan)
    assert goals["1"]["value"] == "0.5000"
    assert goals["1"]["coverage"] == "1.0000"
    with pytest.raises(DomainError):
        item_monitoring_set(actor=planner, plan_item=strategy, state="not_applicable")
    entry = Activity.objects.get(action="monitoring.item_state")
    assert entry.before == {"state": "active"}
    assert entry.after["state"] == "cancelled"


def test_weights_are_public_and_change_the_figure(planner, plan, goal, monitored, verified):
    verified(monitored["a"], 1404, 1, 200)  # 100%
    verified(monitored["b"], 1404, 1, 100)  # 0%
    assert _goals(plan)["1"]["value"] == "0.7500"
    indicator_link_set(actor=planner, indicator=monitored["a"], plan_item=goal, weight=1)
    assert _goals(plan)["1"]["value"] == "0.5000"
    entry = Activity.objects.filter(action="monitoring.link_set").order_by("id").last()
    assert entry.before["weight"] == "3"
    assert entry.after["weight"] == "1"
    with pytest.raises(DomainError):
        indicator_link_set(actor=planner, indicator=monitored["a"], plan_item=goal, weight=0)


def test_aggregation_across_periods(planner, plan, goal, make_indicator, verified):
    indicator = make_indicator("trees", aggregation="sum")
    indicator_link_set(actor=planner, indicator=indicator, plan_item=goal, weight=1)
    baseline_set(actor=planner, indicator=indicator, value=0, year=1403)
    target_set(actor=planner, indicator=indicator, year=1404, value=100)
    verified(indicator, 1404, 1, 20)
    verified(indicator, 1404, 2, 30)
    assert plan_dashboard(plan, 1404)["indicators"][str(indicator.pk)]["actual"] == "50.000000"
    assert _goals(plan)["1"]["value"] == "0.5000"


def test_the_roll_up_is_stored_on_write(plan, monitored, verified):
    verified(monitored["a"], 1404, 1, 150)
    stored = Rollup.objects.get(plan=plan, year=1404)
    assert stored.data["plan"]["value"] is not None


def test_a_new_roll_up_is_read_not_the_one_decoded_before(plan, monitored, verified):
    """stored_figures keeps decoded roll-ups per process; the next verified value recomputes
    the row (a new computed_at), and the figures read next are the new ones."""
    from monitoring.selectors import stored_figures

    verified(monitored["a"], 1404, 1, 150)
    first = stored_figures(plan, 1404)
    assert stored_figures(plan, 1404) is first  # the same row: decoded once
    verified(monitored["a"], 1404, 2, 180)
    again = stored_figures(plan, 1404)
    assert again == Rollup.objects.get(plan=plan, year=1404).data
    assert again != first


# Snapshots ------------------------------------------------------------------------------


def test_a_snapshot_is_frozen_and_a_later_correction_shows_beside_it(
    planner, city_admin, citizen, plan, monitored, verified
):
    row = verified(monitored["a"], 1404, 1, 150)
    with pytest.raises(Refused):
        snapshot_close(actor=citizen, plan=plan, year=1404, period="H1")
    snapshot = snapshot_close(actor=city_admin, plan=plan, year=1404, period="H1")
    assert snapshot.through_month == 6
    assert snapshot.label == "1404-H1"
    frozen = snapshot.data["plan"]
    assert frozen["value"] == "0.5000"
    with pytest.raises(Conflict):
        snapshot_close(actor=planner, plan=plan, year=1404, period="H1")
    correction = measurement_correct(
        actor=planner, measurement=row, value=200, reason="شمارش دوباره"
    )
    snapshot = Snapshot.objects.get(pk=snapshot.pk)
    assert snapshot.data["plan"] == frozen
    with pytest.raises(PermissionError):
        snapshot.save()
    with pytest.raises(PermissionError):
        Snapshot.objects.filter(pk=snapshot.pk).update(data={})
    shown = snapshot_with_corrections(snapshot)
    assert shown["frozen"]["plan"] == frozen
    assert shown["corrections"] == [correction]
    assert shown["now"]["plan"]["value"] == "1.0000"
    assert "monitoring.snapshot_close" in actions()
    (listed,) = plan_dashboard(plan, 1404)["snapshots"]
    assert listed["period"] == "H1"
    assert listed["data__plan"] == frozen


def test_an_open_period_cannot_be_closed(planner, plan):
    with pytest.raises(DomainError) as error:
        snapshot_close(actor=planner, plan=plan, year=1408, period="Y")
    assert error.value.code == "period_not_ended"
    with pytest.raises(DomainError):
        snapshot_close(actor=planner, plan=plan, year=1404, period="H3")


def test_bulk_writers_defer_the_roll_up_to_one_refresh(planner, plan, goal, make_indicator):
    from monitoring.services import rollups_deferred

    indicator = make_indicator("e_services")
    Rollup.objects.all().delete()
    with rollups_deferred():
        indicator_link_set(actor=planner, indicator=indicator, plan_item=goal, weight=1)
        baseline_set(actor=planner, indicator=indicator, value=0, year=1403)
        assert not Rollup.objects.exists()
    assert Rollup.objects.filter(plan=plan).count() == 5
