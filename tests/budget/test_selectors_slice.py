"""The slice over a plan with shared lines, two-line projects, a cancelled project, an
unfunded scheme, lines outside the plan and another plan drawing on the city's lines, in four
queries whatever the number of rows."""

import pytest

from budget import selectors, services
from planning.models import PlanItem
from tests.factories import (
    AxisFactory,
    CommitteeFactory,
    DistrictFactory,
    PlanFactory,
    PlanItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def budgeted(planner, plan, arak, tree, make_project, make_line):
    district = DistrictFactory(city=arak, name="منطقه‌ی ۱", number=1)
    tree["goal"].axes.add(AxisFactory(city=arak, title="حمل‌ونقل"))
    committee = CommitteeFactory(city=arak, title="کمیته‌ی فنی")
    PlanItem.objects.filter(pk=tree["goal2"].pk).update(committee=committee)
    # two plan years, so the slice of 1405 shows a change from 1404
    for year, scale in ((1404, 1), (1405, 2)):
        p1 = make_project(tree["scheme"], f"A{year}", year=year, planned_cost=1_000 * scale)
        p2 = make_project(
            tree["scheme"],
            f"B{year}",
            year=year,
            planned_cost=500,
            district=district.pk,
            status="running",
        )
        p3 = make_project(tree["scheme3"], f"C{year}", year=year, planned_cost=700)
        shared = make_line("101", 10_000 * scale, year=year, spent=9_000, committed=9_500)
        own = make_line("102", 3_000, year=year, revised=2_500 * scale, spent=100)
        make_line("900", 50_000, year=year, spent=40_000)  # outside the plan
        services.funding_set(actor=planner, line=shared, project=p1, share="37.5")
        services.funding_set(actor=planner, line=shared, project=p2, share="12.5")
        services.funding_set(actor=planner, line=own, project=p1, share="100")
        services.funding_set(actor=planner, line=shared, project=p3, share="33.33")
        step = services.milestone_add(actor=planner, project=p1, title="طراحی", weight=2)
        services.milestone_add(actor=planner, project=p1, title="اجرا", weight=3)
        services.milestone_update(actor=planner, milestone=step, done_on=f"{year}/02/01")
    services.project_update(
        actor=planner, project=selectors.project_list().get(code="C1404"), status="cancelled"
    )
    # scheme 1.1.1.2 has a project but no line: unfunded
    make_project(tree["scheme2"], "U1405", year=1405, planned_cost=900)
    # another plan of the city draws on the same line
    other = PlanFactory(city=arak, title="برنامه‌ی دیگر")
    other_goal = PlanItemFactory(plan=other, code="1", kind="goal")
    other_strategy = PlanItemFactory(plan=other, parent=other_goal, code="1.1", kind="strategy")
    other_policy = PlanItemFactory(plan=other, parent=other_strategy, code="1.1.1", kind="policy")
    other_scheme = PlanItemFactory(plan=other, parent=other_policy, code="1.1.1.1", kind="project")
    foreign = services.project_create(
        actor=planner, plan=other, scheme=other_scheme, year=1405, code="F1", title="پروژه‌ی دیگر"
    )
    line = selectors.line_list().get(year=1405, code="101")
    services.funding_set(actor=planner, line=line, project=foreign, share="10")
    return tree


def test_the_slice_shows_what_the_data_holds(plan, budgeted):
    cut = selectors.budget_slice(plan, 1405)
    assert [row["code"] for row in cut["unfunded"]] == ["1.1.1.2"]
    assert [line["code"] for line in cut["lines_outside"]] == ["900"]
    shared = next(line for line in cut["lines"] if line["code"] == "101")
    assert shared["shared"] == 3750 + 1250 + 3333 + 1000  # the other plan's share counts
    scheme = next(row for row in cut["schemes"] if row["code"] == "1.1.1.1")
    assert scheme["change"] is not None
    assert scheme["before"]["current"] > 0


class TestQueryCounts:
    @staticmethod
    def grow(planner, tree, make_project, make_line, start, stop):
        for i in range(start, stop):
            project = make_project(tree["scheme3"], f"G{i}", planned_cost=100 * (i + 1))
            line = make_line(f"G{i}", 1_000, spent=10 * i)
            services.funding_set(actor=planner, line=line, project=project, share=50)
            services.milestone_add(actor=planner, project=project, title="گام")

    def test_four_whatever_the_number_of_projects_and_lines(
        self, planner, plan, tree, make_project, make_line, django_assert_num_queries
    ):
        self.grow(planner, tree, make_project, make_line, 0, 2)
        with django_assert_num_queries(4):
            selectors.budget_slice(plan, 1404)
        self.grow(planner, tree, make_project, make_line, 2, 12)
        with django_assert_num_queries(4):
            selectors.budget_slice(plan, 1404)
