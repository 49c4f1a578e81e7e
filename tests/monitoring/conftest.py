"""A small monitored plan: goal 1 with a strategy 1.1, goal 2; published indicators."""

import pytest

from monitoring.services import indicator_create, indicator_version_publish
from tests.factories import PlanItemFactory, StaffRoleFactory, UserFactory


@pytest.fixture
def planner2(arak):
    """A second planner of Arak (verifies what the first one entered)."""
    return StaffRoleFactory(city=arak, role="planner").user


@pytest.fixture
def owner(db):
    return UserFactory(username="owner")


@pytest.fixture
def goal(plan):
    return PlanItemFactory(plan=plan, code="1", kind="goal")


@pytest.fixture
def strategy(goal):
    return PlanItemFactory(plan=goal.plan, parent=goal, code="1.1", kind="strategy")


@pytest.fixture
def goal2(plan):
    return PlanItemFactory(plan=plan, code="2", kind="goal")


@pytest.fixture
def make_indicator(planner, plan):
    """make_indicator(code, **fields) → a published indicator of the plan."""

    def _make(code, *, publish=True, owner=None, **fields):
        fields.setdefault("title", f"شاخص {code}")
        indicator = indicator_create(actor=planner, plan=plan, code=code, owner=owner, **fields)
        if publish:
            indicator_version_publish(actor=planner, version=indicator.versions.get())
        return indicator

    return _make


@pytest.fixture
def verified(planner, planner2):
    """verified(indicator, year, period, value) → a verified measurement."""
    from monitoring.services import measurement_enter, measurement_verify

    def _verified(indicator, year, period, value):
        row = measurement_enter(
            actor=planner, indicator=indicator, year=year, period=period, value=value, submit=True
        )
        return measurement_verify(actor=planner2, measurement=row)

    return _verified
