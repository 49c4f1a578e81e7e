import pytest

from tests.factories import AxisFactory, CommitteeFactory, DistrictFactory, PlanFactory


@pytest.fixture
def plan(arak):
    return PlanFactory(city=arak, title="برنامه‌ی دوم اراک")


@pytest.fixture
def axis(arak):
    return AxisFactory(city=arak, title="حمل‌ونقل و ترافیک")


@pytest.fixture
def committee(arak, axis):
    committee = CommitteeFactory(city=arak, title="کمیته‌ی امور فنی و مهندسی شهری")
    committee.axes.add(axis)
    return committee


@pytest.fixture
def districts(arak):
    return [DistrictFactory(city=arak, name=f"منطقه‌ی {i}", number=i) for i in (1, 2, 3)]


@pytest.fixture
def qom_planner(qom):
    from tests.factories import StaffRoleFactory

    return StaffRoleFactory(city=qom, role="planner").user
