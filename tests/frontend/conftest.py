"""A budgeted plan of Arak for the budget pages (tests/frontend/test_pages_budget*.py).

Goal 1 «حمل‌ونقل» → 1.1 → 1.1.1 → schemes 1.1.1.1 and 1.1.1.2; goal 2 → … → scheme 2.1.1.1
with no budget. In 1404:
- line 100 (10 billion rials, 9.6 billion spent) funds the whole of project P1 under scheme
  1.1.1.1 (two milestones of equal weight, one done: 50%), in district 1;
- line 200 (2 billion, 100 million spent) funds half of project P2 under scheme 1.1.1.2
  (running, 40% entered by hand with evidence); P3 under the same scheme is cancelled;
- line 300 (700 million) funds nothing in the plan.
Line 100 of 1403 had 8 billion (the year before, +25%). An indicator linked to scheme
1.1.1.1 goes from 10 (1403) to a 1404 target of 20 and is verified at 13: realisation 30%.
So scheme 1.1.1.1 has spent 96% with 50% physical progress and 30% realisation: both gap
flags."""

from types import SimpleNamespace

import pytest

from budget import services
from monitoring import services as monitoring_services
from tests.factories import PlanItemFactory, StaffRoleFactory

YEAR = 1404
BILLION = 10**9


@pytest.fixture
def budget_planner2(arak):
    return StaffRoleFactory(city=arak, role="planner").user


def _chain(plan, code, title, **goal_fields):
    goal = PlanItemFactory(plan=plan, code=code, kind="goal", title=title, **goal_fields)
    strategy = PlanItemFactory(
        plan=plan, parent=goal, code=f"{code}.1", kind="strategy", title=f"راهبرد {code}.1"
    )
    policy = PlanItemFactory(
        plan=plan, parent=strategy, code=f"{code}.1.1", kind="policy", title=f"سیاست {code}.1.1"
    )
    return goal, strategy, policy


def realised_indicator(planner, checker, plan, item, *, base=10, target=20, value=13):
    indicator = monitoring_services.indicator_create(
        actor=planner, plan=plan, code="transit_share", title="سهم سفر با همگانی", unit="درصد"
    )
    monitoring_services.indicator_version_publish(actor=planner, version=indicator.versions.get())
    monitoring_services.baseline_set(actor=planner, indicator=indicator, value=base, year=1403)
    monitoring_services.target_set(actor=planner, indicator=indicator, year=YEAR, value=target)
    monitoring_services.indicator_link_set(
        actor=planner, indicator=indicator, plan_item=item, weight=1
    )
    row = monitoring_services.measurement_enter(
        actor=planner, indicator=indicator, year=YEAR, period=1, value=value, submit=True
    )
    monitoring_services.measurement_verify(actor=checker, measurement=row)
    return indicator


@pytest.fixture
def budget_world(plan, planner, budget_planner2, arak, axis, committee, district):
    goal, strategy, policy = _chain(plan, "1", "حمل‌ونقل پایدار", committee=committee)
    goal.axes.add(axis)
    scheme = PlanItemFactory(
        plan=plan, parent=policy, code="1.1.1.1", kind="project", title="خط اتوبوس تندرو"
    )
    scheme2 = PlanItemFactory(
        plan=plan, parent=policy, code="1.1.1.2", kind="project", title="پیاده‌راه مرکز"
    )
    goal2, _strategy2, policy2 = _chain(plan, "2", "فضای سبز")
    scheme3 = PlanItemFactory(
        plan=plan, parent=policy2, code="2.1.1.1", kind="project", title="بوستان محله‌ای"
    )
    indicator = realised_indicator(planner, budget_planner2, plan, scheme)

    def project(scheme, code, **fields):
        return services.project_create(
            actor=planner, plan=plan, scheme=scheme, year=YEAR, code=code, **fields
        )

    def line(code, approved, year=YEAR, **fields):
        return services.line_create(
            actor=planner,
            city=arak,
            year=year,
            code=code,
            title=f"ردیف {code}",
            approved=approved,
            **fields,
        )

    p1 = project(
        scheme,
        "P1",
        title="ساخت ایستگاه‌های خط یک",
        planned_cost=9 * BILLION,
        district=district.pk,
        responsible_unit="معاونت حمل‌ونقل",
        planned_start="1404/01/15",
        planned_end="1404/12/20",
    )
    m1 = services.milestone_add(actor=planner, project=p1, title="طراحی", due_on="1404/03/01")
    m2 = services.milestone_add(actor=planner, project=p1, title="ساخت", due_on="1404/09/01")
    services.milestone_update(actor=planner, milestone=m1, done_on="1404/02/28")
    p2 = project(
        scheme2,
        "P2",
        title="سنگ‌فرش خیابان امام",
        planned_cost=BILLION,
        status="running",
        progress_mode="manual",
        manual_progress="40",
        progress_evidence="https://example.org/report.pdf",
    )
    p3 = project(scheme2, "P3", title="پروژه‌ی کنارگذاشته", status="cancelled")
    line100 = line("100", 10 * BILLION, spent=9_600_000_000, committed=9 * BILLION)
    line200 = line("200", 2 * BILLION, spent=100_000_000)
    line300 = line("300", 700_000_000)
    line("100", 8 * BILLION, year=1403)
    services.funding_set(actor=planner, line=line100, project=p1, share="100")
    services.funding_set(actor=planner, line=line200, project=p2, share="50")
    return SimpleNamespace(
        plan=plan,
        goal=goal,
        strategy=strategy,
        policy=policy,
        scheme=scheme,
        scheme2=scheme2,
        goal2=goal2,
        scheme3=scheme3,
        indicator=indicator,
        p1=p1,
        p2=p2,
        p3=p3,
        m1=m1,
        m2=m2,
        line100=line100,
        line200=line200,
        line300=line300,
    )
