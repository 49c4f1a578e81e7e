import pytest

from tests.factories import AxisFactory, DistrictFactory, PlanFactory


@pytest.fixture
def plan(arak):
    return PlanFactory(city=arak, title="برنامه‌ی دوم اراک")


@pytest.fixture
def axis(arak):
    return AxisFactory(city=arak, title="حمل‌ونقل و ترافیک")


@pytest.fixture
def district(arak):
    return DistrictFactory(city=arak, name="منطقه‌ی ۱")
