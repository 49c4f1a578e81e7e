"""Who may keep a plan's monitoring: its city's planners, and an indicator's owner for that
indicator's measurements.

Every predicate finds the city from the object it is about: a Plan has `city_id`; a PlanItem,
Indicator or Snapshot has a plan; an IndicatorVersion or Measurement has an indicator.
"""

from typing import Any

import rules

from accounts.rules import is_city_admin, is_city_planner
from backend.authz import permission


def _plan(obj: Any) -> Any:
    if obj is None:
        return None
    indicator = getattr(obj, "indicator", None)
    if indicator is not None:
        return indicator.plan
    plan = getattr(obj, "plan", None)
    return plan if plan is not None else obj


def _city_id(obj: Any) -> int | None:
    plan = _plan(obj)
    return getattr(plan, "city_id", None)


def _indicator(obj: Any) -> Any:
    return getattr(obj, "indicator", None) or obj


@rules.predicate
def is_planner_of_its_city(user: Any, obj: Any) -> bool:
    city_id = _city_id(obj)
    return city_id is not None and is_city_planner.test(user, city_id)


@rules.predicate
def is_city_admin_of_its_city(user: Any, obj: Any) -> bool:
    city_id = _city_id(obj)
    return city_id is not None and is_city_admin.test(user, city_id)


@rules.predicate
def is_indicator_owner(user: Any, obj: Any) -> bool:
    """The indicator's owner (obj: the Indicator or one of its Measurements)."""
    if not getattr(user, "is_authenticated", False) or obj is None:
        return False
    owner_id = getattr(_indicator(obj), "owner_id", None)
    return owner_id is not None and owner_id == user.pk


@rules.predicate
def entered_it(user: Any, measurement: Any) -> bool:
    """The person who entered the measurement (a second pair of eyes verifies it)."""
    if not getattr(user, "is_authenticated", False) or measurement is None:
        return False
    entered_by_id = getattr(measurement, "entered_by_id", None)
    return entered_by_id is not None and entered_by_id == user.pk


# Define indicators, versions, links, weights, baselines, targets and the monitoring state of
# plan items (obj: the Plan, an Indicator, an IndicatorVersion or a PlanItem).
permission(
    "monitoring.manage_indicators",
    is_planner_of_its_city,
    message="شاخص‌های این برنامه را فقط برنامه‌ریزان همین شهر تعریف می‌کنند.",
    code="not_city_planner",
)
# Enter and submit measurements (obj: the Indicator, or the Measurement).
permission(
    "monitoring.enter_measurement",
    is_indicator_owner | is_planner_of_its_city,
    message="مقدار این شاخص را فقط مسئول آن یا برنامه‌ریزان همین شهر ثبت می‌کنند.",
    code="not_indicator_owner",
)
# Verify a submitted measurement (obj: the Measurement): a planner of the city other than
# the person who entered it.
permission(
    "monitoring.verify_measurement",
    is_planner_of_its_city & ~entered_it,
    message="مقدار را برنامه‌ریزی از همین شهر تأیید می‌کند که خودش آن را ثبت نکرده باشد.",
    code="not_verifier",
)
# Correct a verified measurement with a new row and a reason (obj: the Measurement).
permission(
    "monitoring.correct_measurement",
    is_planner_of_its_city,
    message="مقدار تأییدشده را فقط برنامه‌ریزان همین شهر اصلاح می‌کنند.",
    code="not_city_planner",
)
# Close a period and freeze its figures (obj: the Plan).
permission(
    "monitoring.close_snapshot",
    is_planner_of_its_city | is_city_admin_of_its_city,
    message="بستن دوره با برنامه‌ریزان یا مدیران همین شهر است.",
    code="not_city_planner",
)
