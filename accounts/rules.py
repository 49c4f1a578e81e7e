"""Who may do what with accounts, as django-rules predicates.

Staff powers are per city: every predicate that speaks of a role takes the city (or an
object with a `city_id`) as its argument.
"""

import rules

from accounts.models import Membership, StaffRole


def city_roles(user) -> set[tuple[int, str]]:
    """The (city_id, role) pairs a user holds, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_city_roles_cache", None)
    if cached is None:
        cached = set(StaffRole.objects.filter(user=user).values_list("city_id", "role"))
        user._city_roles_cache = cached
    return cached


def _city_id(target) -> int | None:
    if target is None:
        return None
    if isinstance(target, int):
        return target
    if hasattr(target, "city_id"):
        return target.city_id
    return getattr(target, "pk", None)


def has_city_role(user, target, role: str) -> bool:
    city_id = _city_id(target)
    return city_id is not None and (city_id, role) in city_roles(user)


@rules.predicate
def is_city_moderator(user, target) -> bool:
    return has_city_role(user, target, StaffRole.Role.MODERATOR)


@rules.predicate
def is_city_planner(user, target) -> bool:
    return has_city_role(user, target, StaffRole.Role.PLANNER)


@rules.predicate
def is_city_admin(user, target) -> bool:
    return has_city_role(user, target, StaffRole.Role.CITY_ADMIN)


@rules.predicate
def is_organisation_member(user, organisation) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()


@rules.predicate
def is_organisation_admin(user, organisation) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.ADMIN
    ).exists()


# A city admin of the organisation's city decides its status, never for their own NGO.
rules.add_rule("accounts.set_organisation_status", is_city_admin & ~is_organisation_member)
rules.add_rule("accounts.manage_members", is_organisation_admin)
