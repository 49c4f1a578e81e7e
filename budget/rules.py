"""Who may keep a city's budget slice: its planners. Reading is public (the council, NGOs and
citizens see where the money goes).

The predicates find the city from the object: a City is itself, a Plan or BudgetLine has
`city_id`, a Project has a plan, a Milestone or Funding has a project (a Funding also a line).
"""

from typing import Any

import rules

from accounts.rules import is_city_planner
from backend.authz import permission
from budget.models import Funding, Milestone, Project
from cities.models import City


def _city_id(obj: Any) -> int | None:
    if obj is None or isinstance(obj, bool):
        return None
    if isinstance(obj, int):
        return obj
    if isinstance(obj, City):
        return obj.pk
    if isinstance(obj, Milestone | Funding):
        return _city_id(obj.project)
    if isinstance(obj, Project):
        return obj.plan.city_id
    return getattr(obj, "city_id", None)  # a Plan or a BudgetLine


@rules.predicate
def is_planner_of_its_city(user: Any, obj: Any) -> bool:
    city_id = _city_id(obj)
    return city_id is not None and is_city_planner.test(user, city_id)


# Create and change projects, milestones, progress, budget lines, fundings, the import
# mapping and imports (obj: the City, a Plan, a Project, a BudgetLine, a Milestone or a
# Funding).
permission(
    "budget.manage",
    is_planner_of_its_city,
    message="پروژه‌ها و ردیف‌های بودجه‌ی این شهر را فقط برنامه‌ریزان همین شهر ثبت می‌کنند.",
    code="not_city_planner",
)
