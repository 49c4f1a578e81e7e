"""The budget's permission: planners of the object's city keep its projects, lines, fundings,
mapping and imports; nobody else does (reading is public and needs no permission)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.authz import allowed, authorise, registered_permissions
from backend.errors import Refused
from budget.models import BudgetLine, Funding, Milestone, Project
from tests.factories import PlanFactory, PlanItemFactory, StaffRoleFactory, UserFactory

ROLES = ["anonymous", "citizen", "planner", "qom_planner", "moderator", "city_admin", "superuser"]


@pytest.fixture
def world(arak, qom):
    plan = PlanFactory(city=arak)
    goal = PlanItemFactory(plan=plan, code="1")
    strategy = PlanItemFactory(plan=plan, parent=goal, code="1.1", kind="strategy")
    policy = PlanItemFactory(plan=plan, parent=strategy, code="1.1.1", kind="policy")
    scheme = PlanItemFactory(plan=plan, parent=policy, code="1.1.1.1", kind="project")
    project = Project.objects.create(plan=plan, scheme=scheme, year=1404, code="P", title="پ")
    line = BudgetLine.objects.create(city=arak, year=1404, code="101", title="ر")
    users = {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "planner": StaffRoleFactory(city=arak, role="planner").user,
        "qom_planner": StaffRoleFactory(city=qom, role="planner").user,
        "moderator": StaffRoleFactory(city=arak, role="moderator").user,
        "city_admin": StaffRoleFactory(city=arak, role="city_admin").user,
        "superuser": UserFactory(is_superuser=True, is_staff=True),
    }
    return {
        "city": arak,
        "city_id": arak.pk,
        "plan": plan,
        "project": project,
        "line": line,
        "milestone": Milestone.objects.create(project=project, title="گام"),
        "funding": Funding.objects.create(line=line, project=project, share=100),
        "users": users,
    }


def test_the_name_is_registered():
    assert "budget.manage" in registered_permissions()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "target", ["city", "city_id", "plan", "project", "line", "milestone", "funding"]
)
def test_manage(world, role, target):
    assert allowed(world["users"][role], "budget.manage", world[target]) is (role == "planner")


@pytest.mark.django_db
def test_nothing_is_nobodys(world):
    assert allowed(world["users"]["planner"], "budget.manage", None) is False


@pytest.mark.django_db
def test_refusals_are_persian(world):
    with pytest.raises(Refused) as error:
        authorise(world["users"]["qom_planner"], "budget.manage", world["project"])
    assert "برنامه‌ریزان" in error.value.message
    assert error.value.code == "not_city_planner"
