"""Reads in accounts."""

from django.db.models import Count, Q, QuerySet

from accounts.models import Membership, Notification, Organisation, StaffRole, User


def notification_list(*, user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def notification_unread_count(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def user_staff_roles(*, user: User) -> QuerySet[StaffRole]:
    return StaffRole.objects.filter(user=user).select_related("city").order_by("city__name", "role")


def user_memberships(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation", "organisation__city")
        .order_by("organisation__name")
    )


def organisation_list(*, user) -> QuerySet[Organisation]:
    """Verified organisations for everyone, plus any the user belongs to."""
    visible = Q(status=Organisation.Status.VERIFIED)
    if user is not None and user.is_authenticated:
        visible |= Q(pk__in=Membership.objects.filter(user=user).values("organisation_id"))
    return (
        Organisation.objects.filter(visible)
        .select_related("city")
        .annotate(members_count=Count("memberships"))
        .order_by("name", "id")
    )


def organisation_members(*, organisation: Organisation, viewer) -> QuerySet[Membership]:
    """Members are listed to the organisation's own members only."""
    if not Membership.objects.filter(user=viewer, organisation=organisation).exists():
        return Membership.objects.none()
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("role", "joined_at")
    )


def organisation_review_list(*, user) -> QuerySet[Organisation]:
    """Organisations of the cities where the user is a city admin, any status, pending
    first (for verification)."""
    from accounts.rules import city_roles

    cities = [city_id for city_id, role in city_roles(user) if role == StaffRole.Role.CITY_ADMIN]
    return (
        Organisation.objects.filter(city_id__in=cities)
        .select_related("city", "status_changed_by")
        .annotate(members_count=Count("memberships"))
        .order_by("status", "created_at", "id")
    )
