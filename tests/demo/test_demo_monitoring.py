"""The demo's plan monitoring and budget slice: the demo loaded once (tests/conftest.py's
`demo_once`, as in test_demo_load.py) and only read by the tests, except one, which loads the
demo again inside its own savepoint. The budget tests share that load because the budget's gap
case reads the monitoring demo's realisation."""

from decimal import Decimal

import pytest
from django.db.models import Count
from django.test import override_settings

from accounts.models import Activity
from budget import selectors as budget_selectors
from budget.models import BudgetLine, Funding, Milestone, Project
from demo import budget_plan
from demo import monitoring_plan as data
from demo.budget_loader import load_budget
from demo.loader import load_demo
from monitoring import selectors
from monitoring.models import (
    Baseline,
    Indicator,
    IndicatorLink,
    IndicatorVersion,
    ItemMonitoring,
    Measurement,
    Snapshot,
    Target,
)
from monitoring.realisation import indicator_realisation
from planning.models import Plan, PlanItem

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEASURED = [spec for spec in data.INDICATORS if spec["kind"] == "measured"]
COMPUTED = [spec for spec in data.INDICATORS if spec["kind"] == "computed"]


@pytest.fixture
def loaded(db, demo_once):
    return demo_once


@pytest.fixture
def plan(loaded):
    return Plan.objects.filter(city__slug="arak").order_by("id").first()


def _counts(plan):
    rows = Measurement.objects.filter(indicator__plan=plan)
    return {
        "indicators": Indicator.objects.filter(plan=plan).count(),
        "versions": IndicatorVersion.objects.filter(indicator__plan=plan).count(),
        "links": IndicatorLink.objects.filter(indicator__plan=plan).count(),
        "baselines": Baseline.objects.filter(indicator__plan=plan).count(),
        "targets": Target.objects.filter(indicator__plan=plan).count(),
        "measurements": rows.count(),
        "verified": rows.filter(state="verified").count(),
        "snapshots": Snapshot.objects.filter(plan=plan).count(),
        "cancelled": ItemMonitoring.objects.filter(plan_item__plan=plan).count(),
        **_budget_counts(plan),
    }


def _budget_counts(plan):
    return {
        "budget_lines": BudgetLine.objects.filter(city=plan.city).count(),
        "projects": Project.objects.filter(plan=plan).count(),
        "milestones": Milestone.objects.filter(project__plan=plan).count(),
        "done_milestones": Milestone.objects.filter(
            project__plan=plan, done_on__isnull=False
        ).count(),
        "fundings": Funding.objects.filter(project__plan=plan).count(),
        "budget_activity": Activity.objects.filter(
            city=plan.city, action__startswith="budget."
        ).count(),
    }


def test_indicators_with_published_versions_links_baselines_targets(plan, loaded):
    assert loaded["monitoring"]["indicators"] == len(data.INDICATORS)
    counts = _counts(plan)
    assert counts["indicators"] == counts["versions"] == len(data.INDICATORS)
    assert not IndicatorVersion.objects.filter(
        indicator__plan=plan, published_at__isnull=True
    ).exists()
    assert counts["links"] == sum(len(spec["links"]) for spec in data.INDICATORS)
    assert counts["baselines"] == len(data.INDICATORS)
    assert counts["targets"] == 5 * len(data.INDICATORS)
    horizons = Target.objects.filter(indicator__plan=plan, is_horizon=True)
    assert set(horizons.values_list("year", flat=True)) == {data.HORIZON_YEAR}
    assert horizons.count() == len(data.INDICATORS)


def test_measured_values_and_their_states(plan):
    records = data.measurements()
    measured = Measurement.objects.filter(indicator__plan=plan, version__kind="measured")
    # one row per record, plus the one correction
    assert measured.count() == len(records) + 1
    submitted = [record for record in records if record["state"] == "submitted"]
    assert measured.filter(state="submitted").count() == len(submitted)
    assert set(measured.filter(state="submitted").values_list("indicator__code", flat=True)) == set(
        data.SUBMITTED_LATEST
    )
    verified = measured.filter(state="verified", supersedes__isnull=True)
    assert verified.count() == len(records) - len(submitted)
    # entered by one planner, verified by the other
    assert not verified.exclude(entered_by__username="planner").exists()
    assert not verified.exclude(verified_by__username="planner2").exists()


def test_computed_indicators_are_recomputed_by_the_service(plan):
    for spec in COMPUTED:
        rows = Measurement.objects.current().filter(
            indicator__code=spec["code"], indicator__plan=plan
        )
        assert rows.exists(), spec["code"]
        assert not rows.exclude(entered_by=None).exists()
    # no value where the indicator it reads is overdue: missing is not zero
    rate = Measurement.objects.current().filter(
        indicator__plan=plan, indicator__code="accident_rate_per_100k", year=1405
    )
    assert set(rate.values_list("period", flat=True)) == set(range(1, 7))


def test_the_correction_supersedes_with_its_reason(plan):
    spec = data.CORRECTION
    correction = Measurement.objects.get(
        indicator__plan=plan,
        indicator__code=spec["code"],
        year=spec["year"],
        period=spec["period"],
        supersedes__isnull=False,
    )
    assert correction.reason == spec["reason"]
    assert correction.value == Decimal(spec["value"])
    assert correction.state == "verified"
    original = correction.supersedes
    assert original.state == "verified"
    assert original.value != correction.value
    assert Measurement.objects.current().filter(pk=correction.pk).exists()
    assert not Measurement.objects.current().filter(pk=original.pk).exists()


def test_snapshots_closed_and_the_correction_beside_the_first(plan):
    snapshots = list(Snapshot.objects.filter(plan=plan).order_by("year", "through_month"))
    assert [(s.year, s.period) for s in snapshots] == [(1404, "Y"), (1405, "H1")]
    shown = selectors.snapshot_with_corrections(snapshots[0])
    assert [row.indicator.code for row in shown["corrections"]] == [data.CORRECTION["code"]]
    assert shown["now"] is not None
    assert selectors.snapshot_with_corrections(snapshots[1])["corrections"] == []


def test_the_cancelled_item(plan):
    rows = ItemMonitoring.objects.filter(plan_item__plan=plan)
    assert {(row.plan_item.code, row.state) for row in rows} == {
        (code, "cancelled") for code in data.CANCELLED_ITEMS
    }
    figures = selectors.stored_figures(plan, 1405)
    cancelled = rows.get().plan_item_id
    assert str(cancelled) not in figures["items"]


def test_overdue_indicators_are_overdue(plan):
    overdue = {row["indicator"].code: row for row in selectors.overdue_indicators(plan)}
    for code in data.OVERDUE:
        assert code in overdue
        assert overdue[code]["overdue_days"] > 0
        assert len(overdue[code]["missing_periods"]) >= 2
    on_time = {spec["code"] for spec in MEASURED} - set(data.OVERDUE)
    assert not on_time & set(overdue)


def test_dashboard_realisation_with_partial_coverage(plan):
    dashboard = selectors.plan_dashboard(plan, 1405)
    realisation = dashboard["realisation"]
    assert realisation["value"] is not None
    assert Decimal(0) < Decimal(realisation["value"]) < Decimal(2)
    assert Decimal(0) < Decimal(realisation["coverage"]) < Decimal(1)
    assert len(dashboard["snapshots"]) == 2


def test_e_services_latest_value_over_achieves_1405(plan):
    """Its latest month already beats the 1405 target (shown above 100%, not clipped); the
    year's declared aggregation is the mean, so the year to date is still below it."""
    indicator = Indicator.objects.get(plan=plan, code=data.OVER_ACHIEVER)
    latest = Measurement.objects.current().filter(indicator=indicator, year=1405).last()
    version = indicator.current_version
    value = indicator_realisation(
        actual=latest.value,
        baseline=indicator.baseline.value,
        target=Target.objects.get(indicator=indicator, year=1405).value,
        direction=version.direction,
    )
    assert value > 1
    figure = selectors.stored_figures(plan, 1405)["indicators"][str(indicator.pk)]
    assert Decimal(figure["value"]) > Decimal("0.5")


def test_second_load_changes_nothing(plan):
    before = _counts(plan)
    with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHERS):
        again = load_demo()
    assert again["monitoring"] == {}
    assert again["budget"] == {}
    assert _counts(plan) == before


# The budget slice ----------------------------------------------------------------------


def _row(rows, code):
    return next(row for row in rows if row["code"] == code)


def test_budget_lines_and_projects_in_both_years(plan, loaded):
    counts = _budget_counts(plan)
    assert loaded["budget"] == {
        "lines": counts["budget_lines"],
        "projects": counts["projects"],
        "milestones": counts["milestones"],
        "fundings": counts["fundings"],
    }
    for year in budget_plan.YEARS:
        lines = BudgetLine.objects.filter(city=plan.city, year=year)
        assert lines.count() == len(budget_plan.LINES[year])
        assert Project.objects.filter(plan=plan, year=year).count() >= 5
        sources = set(lines.values_list("source", flat=True))
        assert {"own", "transfer", "loan"} <= sources
    assert set(BudgetLine.objects.filter(city=plan.city).values_list("source", flat=True)) == {
        "own",
        "transfer",
        "loan",
        "participation",
    }
    statuses = list(Project.objects.filter(plan=plan).values_list("status", flat=True))
    assert {"planned", "running", "done", "stopped", "cancelled"} <= set(statuses)
    assert statuses.count("cancelled") == 1
    # projects under several schemes, each with its responsible unit; most in a district
    projects = Project.objects.filter(plan=plan)
    assert projects.values("scheme").distinct().count() >= 5
    assert not projects.filter(responsible_unit="").exists()
    assert projects.filter(district__isnull=False).count() > projects.count() // 2
    # a finished project is at 100%; progress from milestones otherwise, one entered by hand
    assert not projects.filter(status="done").exclude(physical_progress=100).exists()
    manual = projects.get(progress_mode="manual")
    assert manual.physical_progress == manual.manual_progress
    assert manual.progress_note


def test_budget_is_written_through_the_services_by_the_planner(plan):
    activity = Activity.objects.filter(city=plan.city, action__startswith="budget.")
    assert set(activity.values_list("actor__username", flat=True)) == {"planner"}
    counts = _budget_counts(plan)
    actions = dict(
        activity.values_list("action").annotate(n=Count("pk")).values_list("action", "n")
    )
    assert actions["budget.line_create"] == counts["budget_lines"]
    assert actions["budget.project_create"] == counts["projects"]
    assert actions["budget.milestone_add"] == counts["milestones"]
    assert actions["budget.milestone_update"] == counts["done_milestones"]
    assert actions["budget.funding_set"] == counts["fundings"]
    assert actions["budget.project_update"] > 0  # status moves after the milestones


def test_the_gap_case_is_flagged_for_its_scheme(plan):
    figures = budget_selectors.plan_budget(plan, budget_plan.GAP_YEAR)
    gap = _row(figures["items"], budget_plan.GAP_SCHEME)
    assert Decimal(gap["spent"]) >= Decimal("0.9")
    assert Decimal(gap["realisation"]) < Decimal("0.6")
    assert Decimal(gap["physical"]) >= Decimal("0.6")  # the work was done; results lag
    assert gap["flags"] == ["money_ahead_of_results"]
    flagged = {row["code"] for row in figures["items"] if row["flags"]}
    assert flagged == {budget_plan.GAP_SCHEME}
    # the goal's page shows it too
    goal = PlanItem.objects.get(plan=plan, code=budget_plan.GAP_SCHEME.split(".")[0])
    page = budget_selectors.goal_budget(plan, budget_plan.GAP_YEAR, goal)
    assert _row(page["items"], budget_plan.GAP_SCHEME)["flags"] == ["money_ahead_of_results"]


def test_two_line_projects_and_lines_funding_several_projects(plan):
    two_lines = (
        Project.objects.filter(plan=plan)
        .annotate(n=Count("fundings"))
        .filter(n__gte=2)
        .values_list("code", flat=True)
    )
    assert set(two_lines) == set(budget_plan.TWO_LINE_PROJECTS)
    several = (
        BudgetLine.objects.filter(city=plan.city)
        .annotate(n=Count("fundings"))
        .filter(n__gte=2)
        .values_list("year", "code")
    )
    assert set(several) == set(budget_plan.TWO_PROJECT_LINES)
    # one of them funds projects under two different schemes
    line = BudgetLine.objects.get(city=plan.city, year=1404, code="6030101")
    assert line.fundings.values("project__scheme").distinct().count() == 2


def test_the_slice_lines_outside_the_plan_unfunded_scheme_and_change(plan):
    for year in budget_plan.YEARS:
        cut = budget_selectors.budget_slice(plan, year)
        outside = {line["code"] for line in cut["lines_outside"]}
        assert outside == set(budget_plan.OUTSIDE_PLAN)
        assert cut["totals"]["budget"] > cut["totals"]["in_plan"] > 0
    earlier = budget_selectors.budget_slice(plan, budget_plan.UNFUNDED_YEAR - 1)
    assert budget_plan.UNFUNDED_SCHEME in {row["code"] for row in earlier["schemes"]}
    cut = budget_selectors.budget_slice(plan, budget_plan.UNFUNDED_YEAR)
    unfunded = _row(cut["unfunded"], budget_plan.UNFUNDED_SCHEME)
    assert unfunded["projects"] == 1
    assert unfunded["money"]["planned"] > 0
    assert unfunded["money"]["current"] == 0
    # 1405 against 1404: per scheme and per line code, up and down
    changes = [Decimal(row["change"]) for row in cut["schemes"] if row["change"] is not None]
    assert any(change > 0 for change in changes)
    assert any(change < 0 for change in changes)
    assert _row(cut["lines"], "10101")["change"] is not None
    assert _row(cut["lines"], "2010301")["before"] is None  # a new line of 1405
    assert cut["before"]["year"] == 1404
    assert cut["before"]["budget"] < cut["totals"]["budget"]


def test_a_missing_budget_row_is_put_back_alone(plan):
    """Row by row: a project deleted since the last load comes back with its milestones and
    fundings; nothing else is written again."""
    before = _budget_counts(plan)
    Project.objects.filter(plan=plan, year=1404, code="1404-05").delete()
    again = load_budget(plan)
    assert again == {"projects": 1, "milestones": 5, "fundings": 2}
    after = _budget_counts(plan)
    assert {key: after[key] for key in after if key != "budget_activity"} == {
        key: before[key] for key in before if key != "budget_activity"
    }
