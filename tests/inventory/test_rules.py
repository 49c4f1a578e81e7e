"""The inventory's permissions: role × object (× state) matrices. Who may is the planners of
the object's city; the state of a problem never widens or narrows that (the triage service
refuses a problem that is not new with a 409, not a 403)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.authz import allowed, authorise, registered_permissions
from backend.errors import Refused
from inventory.models import InventoryEntry
from tests.factories import (
    CommitteeFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    StaffRoleFactory,
    UserFactory,
)

ROLES = ["anonymous", "citizen", "planner", "qom_planner", "moderator", "city_admin", "member"]
PLANNER_ONLY = {"planner"}


@pytest.fixture
def world(arak, qom):
    plan = PlanFactory(city=arak)
    committee = CommitteeFactory(city=arak)
    member = UserFactory()
    committee.members.add(member)
    users = {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "planner": StaffRoleFactory(city=arak, role="planner").user,
        "qom_planner": StaffRoleFactory(city=qom, role="planner").user,
        "moderator": StaffRoleFactory(city=arak, role="moderator").user,
        "city_admin": StaffRoleFactory(city=arak, role="city_admin").user,
        "member": member,
    }
    return {"plan": plan, "committee": committee, "users": users}


def test_names_are_registered():
    assert {"inventory.triage", "inventory.manage", "inventory.view_committee"} <= set(
        registered_permissions()
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("moderation_state", "triage_state"),
    [
        ("published", "new"),
        ("published", "accepted"),
        ("published", "merged"),
        ("published", "out_of_scope"),
        ("pending", "new"),
        ("hidden", "new"),
    ],
)
def test_triage_a_problem(world, role, moderation_state, triage_state):
    problem = ProblemFactory(
        plan=world["plan"], moderation_state=moderation_state, triage_state=triage_state
    )
    user = world["users"][role]
    assert allowed(user, "inventory.triage", problem) is (role in PLANNER_ONLY)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_triage_a_plan_queue(world, role):
    user = world["users"][role]
    assert allowed(user, "inventory.triage", world["plan"]) is (role in PLANNER_ONLY)
    if role not in PLANNER_ONLY:
        with pytest.raises(Refused) as refused:
            authorise(user, "inventory.triage", world["plan"])
        assert refused.value.message == "شما برنامه‌ریز این شهر نیستید."


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("kind", ["plan", "entry", "plan_item"])
@pytest.mark.parametrize("status", [s for s, _ in InventoryEntry.Status.choices])
def test_manage(world, role, kind, status):
    plan = world["plan"]
    target = {
        "plan": lambda: plan,
        "entry": lambda: InventoryEntry.objects.create(
            plan=plan, code="001", title="x", status=status
        ),
        "plan_item": lambda: PlanItemFactory(plan=plan),
    }[kind]()
    assert allowed(world["users"][role], "inventory.manage", target) is (role in PLANNER_ONLY)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_view_committee(world, role, qom):
    user = world["users"][role]
    expected = role in {"planner", "member"}
    assert allowed(user, "inventory.view_committee", world["committee"]) is expected
    # Another committee of the same city: its members only, and the city's planners.
    other = CommitteeFactory(city=world["committee"].city)
    assert allowed(user, "inventory.view_committee", other) is (role == "planner")
    # A committee of Qom: only Qom's planner.
    qom_committee = CommitteeFactory(city=qom)
    assert allowed(user, "inventory.view_committee", qom_committee) is (role == "qom_planner")


@pytest.mark.django_db
def test_nothing_is_nobody(world):
    planner = world["users"]["planner"]
    for name in ("inventory.triage", "inventory.manage", "inventory.view_committee"):
        assert allowed(planner, name, None) is False
