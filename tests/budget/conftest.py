"""A small budgeted plan of Arak: goal 1 → strategy 1.1 → policy 1.1.1 → schemes 1.1.1.1 and
1.1.1.2; goal 2 → … → scheme 2.1.1.1. make_project and make_line build through the services."""

import pytest

from budget import services
from tests.factories import PlanItemFactory, StaffRoleFactory


@pytest.fixture
def planner2(arak):
    return StaffRoleFactory(city=arak, role="planner").user


def _chain(plan, goal_code):
    goal = PlanItemFactory(plan=plan, code=goal_code, kind="goal")
    strategy = PlanItemFactory(plan=plan, parent=goal, code=f"{goal_code}.1", kind="strategy")
    policy = PlanItemFactory(plan=plan, parent=strategy, code=f"{goal_code}.1.1", kind="policy")
    return goal, strategy, policy


@pytest.fixture
def tree(plan):
    goal, strategy, policy = _chain(plan, "1")
    scheme = PlanItemFactory(plan=plan, parent=policy, code="1.1.1.1", kind="project")
    scheme2 = PlanItemFactory(plan=plan, parent=policy, code="1.1.1.2", kind="project")
    goal2, _strategy2, policy2 = _chain(plan, "2")
    scheme3 = PlanItemFactory(plan=plan, parent=policy2, code="2.1.1.1", kind="project")
    return {
        "goal": goal,
        "strategy": strategy,
        "policy": policy,
        "scheme": scheme,
        "scheme2": scheme2,
        "goal2": goal2,
        "scheme3": scheme3,
    }


@pytest.fixture
def scheme(tree):
    return tree["scheme"]


@pytest.fixture
def make_project(planner, plan):
    """make_project(scheme, code, **fields) → a project of 1404 by default."""

    def _make(scheme, code, *, year=1404, title=None, **fields):
        return services.project_create(
            actor=planner,
            plan=plan,
            scheme=scheme,
            year=year,
            code=code,
            title=title or f"پروژه {code}",
            **fields,
        )

    return _make


@pytest.fixture
def make_line(planner, arak):
    """make_line(code, approved, **fields) → a budget line of Arak for 1404 by default."""

    def _make(code, approved=0, *, year=1404, title=None, **fields):
        return services.line_create(
            actor=planner,
            city=arak,
            year=year,
            code=code,
            title=title or f"ردیف {code}",
            approved=approved,
            **fields,
        )

    return _make
