"""Monitoring's permissions: role × object matrices. Planners of the plan's city manage
indicators and verify (never what they entered themselves); an indicator's owner or the
city's planners enter values; another city's planners never; planners or city admins close
a period."""

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.authz import allowed, authorise, registered_permissions
from backend.errors import Refused
from monitoring.models import Indicator, IndicatorVersion, Measurement
from tests.factories import PlanFactory, PlanItemFactory, StaffRoleFactory, UserFactory

ROLES = [
    "anonymous",
    "citizen",
    "owner",
    "planner",
    "planner2",
    "qom_planner",
    "moderator",
    "city_admin",
]


@pytest.fixture
def world(arak, qom):
    plan = PlanFactory(city=arak)
    users = {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "owner": UserFactory(),
        "planner": StaffRoleFactory(city=arak, role="planner").user,
        "planner2": StaffRoleFactory(city=arak, role="planner").user,
        "qom_planner": StaffRoleFactory(city=qom, role="planner").user,
        "moderator": StaffRoleFactory(city=arak, role="moderator").user,
        "city_admin": StaffRoleFactory(city=arak, role="city_admin").user,
    }
    indicator = Indicator.objects.create(plan=plan, code="a", owner=users["owner"])
    version = IndicatorVersion.objects.create(
        indicator=indicator, number=1, title="الف", published_at="2026-01-01T00:00Z"
    )
    measurement = Measurement.objects.create(
        indicator=indicator,
        version=version,
        year=1404,
        period=1,
        value=1,
        state="submitted",
        entered_by=users["planner"],
    )
    item = PlanItemFactory(plan=plan, code="1")
    return {
        "plan": plan,
        "item": item,
        "indicator": indicator,
        "version": version,
        "measurement": measurement,
        "users": users,
    }


NAMES = {
    "monitoring.manage_indicators",
    "monitoring.enter_measurement",
    "monitoring.verify_measurement",
    "monitoring.correct_measurement",
    "monitoring.close_snapshot",
}


def test_names_are_registered():
    assert set(registered_permissions()) >= NAMES


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["plan", "item", "indicator", "version"])
def test_manage_indicators(world, role, target):
    user, obj = world["users"][role], world[target]
    assert allowed(user, "monitoring.manage_indicators", obj) is (role in {"planner", "planner2"})


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["indicator", "measurement"])
def test_enter_measurement(world, role, target):
    expected = role in {"owner", "planner", "planner2"}
    user, obj = world["users"][role], world[target]
    assert allowed(user, "monitoring.enter_measurement", obj) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_verify_measurement_by_another_planner_of_the_city(world, role):
    # "planner" entered the measurement.
    user = world["users"][role]
    assert allowed(user, "monitoring.verify_measurement", world["measurement"]) is (
        role == "planner2"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_correct_measurement(world, role):
    user = world["users"][role]
    assert allowed(user, "monitoring.correct_measurement", world["measurement"]) is (
        role in {"planner", "planner2"}
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_close_snapshot(world, role):
    user = world["users"][role]
    assert allowed(user, "monitoring.close_snapshot", world["plan"]) is (
        role in {"planner", "planner2", "city_admin"}
    )


@pytest.mark.django_db
def test_refusals_are_persian(world):
    with pytest.raises(Refused) as error:
        authorise(world["users"]["qom_planner"], "monitoring.enter_measurement", world["indicator"])
    assert "مسئول" in error.value.message
