"""Reads in accounts."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from accounts.models import (
    Activity,
    Invitation,
    Membership,
    Notification,
    Organisation,
    StaffRole,
    User,
)


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


def invitations_for(*, user) -> QuerySet[Invitation]:
    """Every invitation to the user's mobile number (matched on the normalised number, so an
    invitation sent before they signed up is theirs too)."""
    if user is None or not user.is_authenticated or not user.phone:
        return Invitation.objects.none()
    return (
        Invitation.objects.filter(phone=user.phone)
        .select_related("organisation", "organisation__city")
        .order_by("-created_at", "-id")
    )


def pending_invitations(*, user) -> QuerySet[Invitation]:
    return invitations_for(user=user).filter(status=Invitation.Status.PENDING)


def organisation_review_list(*, user) -> QuerySet[Organisation]:
    """Organisations of the cities where the user is a city admin, any status, pending
    first (for verification)."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    cities = StaffRole.objects.filter(user=user, role=StaffRole.Role.CITY_ADMIN).values("city_id")
    return (
        Organisation.objects.filter(city_id__in=cities)
        .select_related("city", "status_changed_by")
        .annotate(members_count=Count("memberships"))
        .order_by("status", "created_at", "id")
    )


def _day_start(day: datetime.date | datetime.datetime) -> datetime.datetime:
    """A date is the start of that day in the project's time zone; a datetime is itself."""
    if isinstance(day, datetime.datetime):
        return day if timezone.is_aware(day) else timezone.make_aware(day)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def activity_list(
    *,
    city_id: int,
    action: str | None = None,
    actor_id: int | None = None,
    object_type: str | None = None,
    created_after: datetime.date | datetime.datetime | None = None,
    created_before: datetime.date | datetime.datetime | None = None,
) -> QuerySet[Activity]:
    """A city's activity log, newest first. Date bounds are whole days (Tehran) and both
    inclusive: `created_before=1404/01/05` keeps everything of that day."""
    queryset = Activity.objects.filter(city_id=city_id)
    if action:
        queryset = queryset.filter(action=action)
    if actor_id is not None:
        queryset = queryset.filter(actor_id=actor_id)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    if created_after is not None:
        queryset = queryset.filter(created_at__gte=_day_start(created_after))
    if created_before is not None:
        if isinstance(created_before, datetime.datetime):
            queryset = queryset.filter(created_at__lte=_day_start(created_before))
        else:
            end = _day_start(created_before + datetime.timedelta(days=1))
            queryset = queryset.filter(created_at__lt=end)
    return queryset.select_related("actor", "city").order_by("-created_at", "-id")


def api_tokens(*, user: User):
    """The user's live API tokens (one per signed-in client), newest first."""
    now = timezone.now()
    return (
        AuthToken.objects.filter(user=user)
        .filter(Q(expiry__isnull=True) | Q(expiry__gt=now))
        .order_by("-created", "-digest")
    )
