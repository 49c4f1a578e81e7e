"""Who may do what with accounts, as django-rules predicates registered as permissions.

Staff powers are per city: every predicate that speaks of a role takes the city (or an
object with a `city_id`, or a city id) as its argument. Services enforce the permissions
with `backend.authz.authorise`; pages, the API and templates ask the same names.
"""

from collections.abc import Iterable
from typing import Any

import rules

from accounts.models import Membership, StaffRole
from backend.authz import permission


def city_roles(user: Any) -> set[tuple[int, str]]:
    """The (city_id, role) pairs a user holds, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_city_roles_cache", None)
    if cached is None:
        cached = set(StaffRole.objects.filter(user=user).values_list("city_id", "role"))
        user._city_roles_cache = cached
    return cached


def remember_city_roles(user: Any, staff_roles: Iterable[StaffRole]) -> None:
    """Prime the per-user cache with roles already loaded (saves the predicates a query)."""
    if getattr(user, "is_authenticated", False):
        user._city_roles_cache = {(r.city_id, r.role) for r in staff_roles}


def forget_city_roles(user: Any) -> None:
    """Drop the cache after a role is granted or revoked."""
    if hasattr(user, "_city_roles_cache"):
        del user._city_roles_cache


def _city_id(target: Any) -> int | None:
    if target is None or isinstance(target, bool):
        return None
    if isinstance(target, int):
        return target
    if hasattr(target, "city_id"):
        return target.city_id
    return getattr(target, "pk", None)


def has_city_role(user: Any, target: Any, role: str) -> bool:
    city_id = _city_id(target)
    return city_id is not None and (city_id, role) in city_roles(user)


@rules.predicate
def is_city_moderator(user: Any, target: Any) -> bool:
    return has_city_role(user, target, StaffRole.Role.MODERATOR)


@rules.predicate
def is_city_planner(user: Any, target: Any) -> bool:
    return has_city_role(user, target, StaffRole.Role.PLANNER)


@rules.predicate
def is_city_admin(user: Any, target: Any) -> bool:
    return has_city_role(user, target, StaffRole.Role.CITY_ADMIN)


@rules.predicate
def is_city_admin_anywhere(user: Any) -> bool:
    return any(role == StaffRole.Role.CITY_ADMIN for _city, role in city_roles(user))


@rules.predicate
def is_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_superuser)


@rules.predicate
def is_organisation_member(user: Any, organisation: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    return Membership.objects.filter(user=user, organisation=organisation).exists()


@rules.predicate
def is_organisation_admin(user: Any, organisation: Any) -> bool:
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return False
    return Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.ADMIN
    ).exists()


@rules.predicate
def is_invitee(user: Any, invitation: Any) -> bool:
    """The person signed in with the invited mobile number (obj: an Invitation)."""
    if not getattr(user, "is_authenticated", False) or invitation is None:
        return False
    return bool(user.phone) and user.phone == invitation.phone


# A city admin of the organisation's city decides its status, never for an NGO they joined.
# Membership needs their own consent (an invitation they accepted), so nobody can block a
# city admin by inviting them: a pending or declined invitation is not a membership.
permission(
    "accounts.verify_organisation",
    is_city_admin & ~is_organisation_member,
    message="فقط مدیر شهرِ این سازمان، که عضو آن نباشد، وضعیتش را تعیین می‌کند.",
    code="not_city_admin",
)
permission(
    "accounts.manage_members",
    is_organisation_admin,
    message="فقط مدیر سازمان اعضا را مدیریت می‌کند.",
    code="not_organisation_admin",
)
# Invitations are sent by the organisation's admins (obj: the organisation) …
permission(
    "accounts.invite_member",
    is_organisation_admin,
    message="فقط مدیر سازمان عضو دعوت می‌کند.",
    code="not_organisation_admin",
)
# … and answered only by the person with the invited number (obj: the invitation).
permission(
    "accounts.answer_invitation",
    is_invitee,
    message="این دعوت برای شماره‌ی شما نیست.",
    code="not_invitee",
)
# A member may leave an organisation on their own (obj: the organisation).
permission(
    "accounts.leave_organisation",
    is_organisation_member,
    message="شما عضو این سازمان نیستید.",
    code="not_member",
)
# The review page and its header link: a city admin of any city.
permission(
    "accounts.review_organisations",
    is_city_admin_anywhere,
    message="این صفحه برای مدیران شهر است.",
    code="not_city_admin",
)
# A city's activity log: its city admins (obj: the city or its id).
permission(
    "accounts.read_activity",
    is_city_admin,
    message="دفتر رویدادهای این شهر را فقط مدیران همین شهر می‌بینند.",
    code="not_city_admin",
)
# The expert badge is platform-wide (obj: the user to badge).
permission(
    "accounts.verify_expertise",
    is_superuser,
    message="فقط مدیر سامانه تخصص را تأیید می‌کند.",
    code="not_superuser",
)
# Staff roles of a city are given and taken by the platform's superusers (obj: the city).
permission(
    "accounts.grant_staff_role",
    is_superuser,
    message="فقط مدیر سامانه نقش کارکنان را می‌دهد یا می‌گیرد.",
    code="not_superuser",
)
# A city's boundary and its districts' (obj: the city): its city admins, or a superuser.
# It lives here, not in `cities`, because roles are an accounts matter and `cities` sits
# below accounts on the ladder.
permission(
    "cities.import_boundaries",
    is_city_admin | is_superuser,
    message="مرزهای شهر را فقط مدیر همین شهر یا مدیر سامانه وارد می‌کند.",
    code="not_city_admin",
)
