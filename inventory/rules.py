"""Who may triage and keep the problem inventory: the planners of the plan's city, in that
city only; a committee's members (and the city's planners) read its inventory.

Every predicate takes the object it is about and finds the city from it:
- a Plan or a Committee has `city_id`;
- a Problem, InventoryEntry or PlanItem belongs to a plan, whose city it is.
"""

from typing import Any

import rules

from accounts.rules import is_city_planner
from backend.authz import permission


def _city_id(obj: Any) -> int | None:
    """The city an inventory object belongs to (through its plan when it has one)."""
    if obj is None:
        return None
    plan = getattr(obj, "plan", None)
    if plan is not None:
        return plan.city_id
    return getattr(obj, "city_id", None)


@rules.predicate
def is_planner_of_its_city(user: Any, obj: Any) -> bool:
    city_id = _city_id(obj)
    return city_id is not None and is_city_planner.test(user, city_id)


@rules.predicate
def is_committee_member(user: Any, committee: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or committee is None:
        return False
    return committee.members.filter(pk=user.pk).exists()


# Triage a citizen problem (obj: the Problem, or the Plan whose queue it is).
permission(
    "inventory.triage",
    is_planner_of_its_city,
    message="شما برنامه‌ریز این شهر نیستید.",
    code="not_city_planner",
)
# Create and edit entries and link plan items (obj: Plan, InventoryEntry or PlanItem).
permission(
    "inventory.manage",
    is_planner_of_its_city,
    message="شما برنامه‌ریز این شهر نیستید.",
    code="not_city_planner",
)
# Read a committee's inventory (obj: the Committee).
permission(
    "inventory.view_committee",
    is_committee_member | is_planner_of_its_city,
    message="این فهرست برای اعضای کمیته و برنامه‌ریزان شهر است.",
    code="not_committee_member",
)
