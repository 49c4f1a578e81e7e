"""Budget reads: the three figures side by side, the roll-ups, the slice, a project's page —
each in a constant number of queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budget import selectors, services
from inventory.models import InventoryEntry
from monitoring.services import (
    baseline_set,
    indicator_create,
    indicator_link_set,
    indicator_version_publish,
    measurement_enter,
    measurement_verify,
    target_set,
)
from tests.factories import (
    AxisFactory,
    CommitteeFactory,
    DistrictFactory,
    ProblemFactory,
    StaffRoleFactory,
)

pytestmark = pytest.mark.django_db


def row(data, code):
    return next(item for item in data["items"] if item["code"] == code)


@pytest.fixture
def funded(planner, tree, make_project, make_line):
    """Scheme 1.1.1.1: P1 (cost 1,000; 1 of 4 milestone weight done) drawing 60% of line 101
    and all of 102; scheme 1.1.1.2: P2 (cost 3,000; manual 50%) drawing 40% of 101."""
    p1 = make_project(tree["scheme"], "P1", planned_cost=1_000)
    p2 = make_project(
        tree["scheme2"],
        "P2",
        planned_cost=3_000,
        progress_mode="manual",
        manual_progress="50",
        progress_note="گزارش ناظر مقیم",
    )
    l101 = make_line("101", 10_000, spent=9_500, committed=9_800)
    l102 = make_line("102", 2_000, spent=100)
    services.funding_set(actor=planner, line=l101, project=p1, share="60")
    services.funding_set(actor=planner, line=l102, project=p1, share="100")
    services.funding_set(actor=planner, line=l101, project=p2, share="40")
    design = services.milestone_add(actor=planner, project=p1, title="طراحی", weight=1)
    services.milestone_add(actor=planner, project=p1, title="اجرا", weight=3)
    services.milestone_update(actor=planner, milestone=design, done_on="1404/02/01")
    return {"p1": p1, "p2": p2, "l101": l101, "l102": l102}


@pytest.fixture
def measured(planner, plan, tree, arak):
    """An indicator on scheme 1.1.1.2: baseline 0, target 100 in 1404, measured 40 → 40%."""
    checker = StaffRoleFactory(city=arak, role="planner").user
    indicator = indicator_create(
        actor=planner, plan=plan, code="paved", title="معابر بهسازی‌شده", periodicity="yearly"
    )
    indicator_version_publish(actor=planner, version=indicator.versions.get())
    indicator_link_set(actor=planner, indicator=indicator, plan_item=tree["scheme2"], weight=1)
    baseline_set(actor=planner, indicator=indicator, value=0, year=1403)
    target_set(actor=planner, indicator=indicator, year=1404, value=100)
    value = measurement_enter(
        actor=planner, indicator=indicator, year=1404, period=0, value=40, submit=True
    )
    measurement_verify(actor=checker, measurement=value)
    return indicator


class TestThreeFigures:
    def test_money_physical_and_realisation_side_by_side(self, plan, funded, measured):
        data = selectors.plan_budget(plan, 1404)
        scheme = row(data, "1.1.1.1")
        assert scheme["money"] == {
            "planned": 1_000,
            "approved": 8_000,
            "current": 8_000,
            "committed": 5_880,
            "spent": 5_800,
        }
        assert (scheme["spent"], scheme["physical"], scheme["realisation"]) == (
            "0.7250",
            "0.2500",
            None,
        )
        scheme2 = row(data, "1.1.1.2")
        assert (scheme2["spent"], scheme2["physical"], scheme2["realisation"]) == (
            "0.9500",
            "0.5000",
            "0.4000",
        )

    def test_the_gap_flags_follow_the_published_rule(self, plan, funded, measured, settings):
        scheme2 = row(selectors.plan_budget(plan, 1404), "1.1.1.2")
        assert scheme2["flags"] == ["money_ahead_of_results", "money_ahead_of_work"]
        settings.BUDGET_GAP_SPENT = 96
        assert row(selectors.plan_budget(plan, 1404), "1.1.1.2")["flags"] == []
        settings.BUDGET_GAP_SPENT, settings.BUDGET_GAP_RESULT = 90, 40
        assert row(selectors.plan_budget(plan, 1404), "1.1.1.2")["flags"] == []
        assert selectors.plan_budget(plan, 1404)["rule"] == {"spent": "0.9000", "result": "0.4000"}

    def test_a_goal_sums_its_subtree_and_weights_progress_by_cost(self, plan, funded):
        data = selectors.plan_budget(plan, 1404)
        goal = row(data, "1")
        assert goal["money"]["current"] == 12_000
        assert goal["money"]["spent"] == 9_600
        assert goal["spent"] == "0.8000"
        assert goal["physical"] == "0.4375"  # (25 × 1,000 + 50 × 3,000) / 4,000
        assert data["total"]["money"]["current"] == 12_000
        assert row(data, "2")["money"]["current"] == 0
        assert row(data, "2")["spent"] is None  # no allocation is unknown, not 0%

    def test_cancelled_projects_leave_the_averages_but_keep_their_money(
        self, planner, plan, funded
    ):
        services.project_update(actor=planner, project=funded["p1"], status="cancelled")
        goal = row(selectors.plan_budget(plan, 1404), "1")
        assert goal["physical"] == "0.5000"  # P2 alone
        assert goal["money"]["spent"] == 9_600
        assert (goal["projects"], goal["projects_counted"]) == (2, 1)

    def test_another_year_has_its_own_figures(self, plan, funded):
        data = selectors.plan_budget(plan, 1405)
        assert data["total"]["money"]["current"] == 0
        assert data["total"]["physical"] is None


class TestGoalPage:
    def test_a_goal_sees_only_its_subtree(self, planner, plan, tree, funded, make_project):
        make_project(tree["scheme3"], "P3", planned_cost=7)
        data = selectors.goal_budget(plan, 1404, tree["goal2"])
        assert data["goal"]["code"] == "2"
        assert [row["code"] for row in data["items"]] == ["2", "2.1", "2.1.1", "2.1.1.1"]
        assert [project["code"] for project in data["projects"]] == ["P3"]
        assert data["total"]["money"]["planned"] == 7
        assert data["total"]["projects"] == 1
        goal1 = selectors.goal_budget(plan, 1404, tree["goal"])
        assert {p["code"]: p["money"]["current"] for p in goal1["projects"]} == {
            "P1": 8_000,
            "P2": 4_000,
        }


class TestGroups:
    def test_roll_ups_by_axis_committee_and_district(self, planner, plan, tree, arak, funded):
        transport = AxisFactory(city=arak, title="حمل‌ونقل")
        tree["goal"].axes.add(transport)
        committee = CommitteeFactory(city=arak, title="کمیته‌ی حمل‌ونقل")
        tree["scheme2"].committee = committee
        tree["scheme2"].save()
        district = DistrictFactory(city=arak, name="منطقه ۲")
        services.project_update(actor=planner, project=funded["p2"], district=district.pk)
        data = selectors.plan_budget(plan, 1404)
        [axis] = data["by_axis"]
        assert (axis["name"], axis["money"]["current"]) == ("حمل‌ونقل", 12_000)
        committees = {group["name"]: group["money"]["current"] for group in data["by_committee"]}
        assert committees == {"کمیته‌ی حمل‌ونقل": 4_000, "": 8_000}
        districts = {group["id"]: group["money"]["spent"] for group in data["by_district"]}
        assert districts == {district.pk: 3_800, None: 5_800}


class TestSlice:
    def test_plan_items_against_the_budget_lines(self, planner, plan, tree, funded, make_line):
        make_line("900", 5_000, title="حقوق و دستمزد")
        data = selectors.budget_slice(plan, 1404)
        schemes = {scheme["code"]: scheme for scheme in data["schemes"]}
        assert set(schemes) == {"1.1.1.1", "1.1.1.2"}
        first = schemes["1.1.1.1"]
        assert first["money"]["planned"] == 1_000
        assert first["money"]["current"] == 8_000
        assert first["gap"] == 7_000
        assert [(line["code"], line["share"], line["current"]) for line in first["lines"]] == [
            ("101", 6_000, 6_000),
            ("102", 10_000, 2_000),
        ]
        assert [scheme["code"] for scheme in data["unfunded"]] == ["2.1.1.1"]
        assert [line["code"] for line in data["lines_outside"]] == ["900"]
        assert data["totals"]["budget"] == 17_000
        assert data["totals"]["in_plan"] == 12_000

    def test_year_over_year(self, planner, plan, tree, funded, make_project, make_line):
        later = make_project(tree["scheme"], "P1-1405", year=1405, planned_cost=500)
        line = make_line("101", 16_000, year=1405)
        services.funding_set(actor=planner, line=line, project=later, share="75")
        data = selectors.budget_slice(plan, 1405)
        [first] = data["schemes"]
        assert first["before"]["current"] == 8_000
        assert first["money"]["current"] == 12_000
        assert first["change"] == "0.5000"
        lines = {entry["code"]: entry for entry in data["lines"]}
        assert lines["101"]["before"] == {"current": 10_000, "spent": 9_500}
        assert lines["101"]["change"] == "0.6000"
        assert data["before"] == {"year": 1404, "current": 12_000, "budget": 12_000}


class TestProjectPage:
    def test_milestones_money_indicators_and_problems(self, plan, tree, funded, measured, arak):
        entry = InventoryEntry.objects.create(plan=plan, code="T-3", title="گره ترافیکی میدان")
        entry.addressed_by.add(tree["policy"])
        ProblemFactory(plan=plan, inventory_entry=entry)
        ProblemFactory(plan=plan, inventory_entry=entry, moderation_state="pending")
        detail = selectors.project_detail(selectors.project_get(funded["p2"].pk))
        assert detail["money"]["current"] == 4_000
        assert detail["spent"] == "0.9500"
        assert detail["physical"] == "0.5000"
        assert [row["indicator"].code for row in detail["indicators"]["indicators"]] == ["paved"]
        assert detail["entries"] == [
            {
                "id": entry.pk,
                "code": "T-3",
                "title": "گره ترافیکی میدان",
                "status": entry.status,
                "published_problems": 1,
            }
        ]


class TestQueryCounts:
    @staticmethod
    def grow(planner, tree, make_project, make_line, start, stop):
        """Projects under scheme 2.1.1.1, each with a milestone and half of a line of its own."""
        for i in range(start, stop):
            project = make_project(tree["scheme3"], f"G{i}", planned_cost=100 * (i + 1))
            line = make_line(f"G{i}", 1_000, spent=10 * i)
            services.funding_set(actor=planner, line=line, project=project, share=50)
            services.milestone_add(actor=planner, project=project, title="گام")

    @pytest.mark.parametrize(
        "read",
        [
            lambda plan, tree: selectors.plan_budget(plan, 1404),
            lambda plan, tree: selectors.goal_budget(plan, 1404, tree["goal2"]),
            lambda plan, tree: selectors.budget_slice(plan, 1404),
        ],
        ids=["plan_budget", "goal_budget", "budget_slice"],
    )
    def test_constant_whatever_the_number_of_projects_and_lines(
        self, planner, plan, tree, make_project, make_line, django_assert_num_queries, read
    ):
        self.grow(planner, tree, make_project, make_line, 0, 2)
        with CaptureQueriesContext(connection) as few:
            read(plan, tree)
        self.grow(planner, tree, make_project, make_line, 2, 10)
        with django_assert_num_queries(len(few)):
            read(plan, tree)

    def test_a_project_page_is_constant(
        self, planner, plan, funded, make_line, django_assert_num_queries
    ):
        with CaptureQueriesContext(connection) as few:
            selectors.project_detail(selectors.project_get(funded["p1"].pk))
        for i in range(6):
            services.funding_set(
                actor=planner, line=make_line(f"X{i}", 100), project=funded["p1"], share=10
            )
            services.milestone_add(actor=planner, project=funded["p1"], title=f"گام {i}")
        with django_assert_num_queries(len(few)):
            selectors.project_detail(selectors.project_get(funded["p1"].pk))


def test_money_never_becomes_a_float(plan, funded):
    data = selectors.plan_budget(plan, 1404)
    for item in data["items"]:
        assert all(isinstance(value, int) for value in item["money"].values())
    assert isinstance(Decimal(row(data, "1")["spent"]), Decimal)


def test_a_scheme_inherits_the_committee_of_an_item_above_it(plan, tree, arak, make_project):
    tree["goal"].committee = CommitteeFactory(city=arak, title="کمیته‌ی بافت")
    tree["goal"].save()
    make_project(tree["scheme"], "P1", planned_cost=10)
    for data in (
        selectors.plan_budget(plan, 1404),
        selectors.goal_budget(plan, 1404, tree["scheme"]),
    ):
        assert [group["name"] for group in data["by_committee"]] == ["کمیته‌ی بافت"]
