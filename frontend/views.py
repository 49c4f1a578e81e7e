"""Web pages for accounts: sign-in, the profile, notifications, organisations, their review
and a city's activity log. Each view parses the request with the API's serializer, asks the
permission rules, calls one service or selector and renders; refusals are answered by
`frontend.web` (the form again with the message, or the refusal page)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors as account_selectors
from accounts import serializers as account_serializers
from accounts import services as account_services
from accounts.activity import ACTIONS
from accounts.models import User
from backend.clientip import client_address
from backend.compression import compression_exempt
from backend.errors import DomainError, TooMany
from cities import selectors as city_selectors
from frontend import home as home_data
from frontend.paging import paged
from frontend.web import allowed, authorise, parse, renders_errors_with
from moderation import selectors as moderation_selectors

ACTIVITY_PER_PAGE = 20
NOTIFICATIONS_PER_PAGE = 20
ORGANISATIONS_PER_PAGE = 20


def _safe_next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _sign_in(request: HttpRequest, user) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")


def home(request: HttpRequest) -> HttpResponse:
    """Per city, its plan's open comment windows, problems, changes and figures; for a
    signed-in person, their next actions (frontend/home.py)."""
    context: dict = {"cities": home_data.public_cities()}
    if request.user.is_authenticated:
        context["actions"] = home_data.next_actions(request.user)
    return render(request, "frontend/home.html", context)


# Signing in --------------------------------------------------------------------------

# The form a posted step shows again when it is refused.
SIGNIN_STEP_SHOWN = {"request": "phone", "verify": "code", "password": "password"}


def _signin_context(request: HttpRequest) -> dict:
    return {
        "next": _safe_next(request),
        "step": SIGNIN_STEP_SHOWN.get(request.POST.get("step", ""), "phone"),
        "phone": request.POST.get("phone", ""),  # kept in the form when the number is refused
    }


def _signin_again(request: HttpRequest, error: DomainError) -> HttpResponse:
    context = {**_signin_context(request), "error": error.message}
    if request.POST.get("resend") and isinstance(error, TooMany):
        # «کد تازه بفرست» too soon: the code already sent still works, so stay on its step
        # and say how long to wait instead of sending the person back to the number.
        context.update(step="code", error=None, resend_wait=error.retry_after)
        if error.retry_after >= 120:
            context["resend_wait_minutes"] = -(-error.retry_after // 60)
    return render(request, "frontend/signin.html", context)


# Shows the one-time code (demo mode) beside the number typed: sent uncompressed (BREACH).
@compression_exempt
@renders_errors_with(_signin_again)
def signin(request: HttpRequest) -> HttpResponse:
    """Mobile number → one-time code → signed in; staff may use a password instead."""
    context = _signin_context(request)
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "request":
            data = parse(account_serializers.OtpRequestIn, request.POST)
            issued = account_services.otp_request(phone=data["phone"], ip=client_address(request))
            context.update(
                step="code", phone=issued.phone, expires_minutes=max(issued.expires_in // 60, 1)
            )
            if settings.DEBUG:
                context["demo_code"] = issued.code
        elif step == "verify":
            data = parse(account_serializers.OtpVerifyIn, request.POST)
            _sign_in(request, account_services.otp_verify(**data))
            return redirect(context["next"])
        elif step == "password":
            data = parse(account_serializers.PasswordLoginIn, request.POST)
            _sign_in(request, account_services.password_login(request=request, **data))
            return redirect(context["next"])
    return render(request, "frontend/signin.html", context)


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    """Ends this browser's session only; the user's API tokens (apps) are listed and revoked
    on «my sessions». Its live sockets close now, not at their next event."""
    user = request.user
    logout(request)  # flushes the session: its sockets fail their next check …
    account_services.session_ended(user=user, reason="signout")  # … which this forces now
    return redirect("/")


# The signed-in user's own pages --------------------------------------------------------


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """The inbox, newest first, a page at a time. Opening a page marks the notifications it
    shows read (only those: an unread one on a later page stays unread until it is seen);
    the ones that were unread keep their highlight on this showing."""
    if request.method == "POST":
        data = parse(account_serializers.NotificationsReadIn, request.POST)
        account_services.notifications_mark_read(user=request.user, ids=data.get("ids") or None)
        return redirect("frontend:notifications")
    rows = account_selectors.notification_list(user=request.user)
    listed = paged(request, rows, per_page=NOTIFICATIONS_PER_PAGE)
    unseen = [n.pk for n in listed.object_list if n.read_at is None]
    if unseen:
        account_services.notifications_mark_read(user=request.user, ids=unseen)
    context = {
        "paged": listed,
        "notifications": listed.object_list,
        "unseen": set(unseen),
        "appealed_decisions": moderation_selectors.appealed_decision_ids(user=request.user),
    }
    return render(request, "frontend/notifications.html", context)


@login_required
@require_GET
def notification_toast(request: HttpRequest, pk: int) -> HttpResponse:
    """One of the user's own notifications as a short toast (app.js shows it when the
    notification arrives live); anyone else's is a 404."""
    notification = get_object_or_404(account_selectors.notification_list(user=request.user), pk=pk)
    return render(request, "frontend/partials/notification_toast.html", {"n": notification})


def _profile_context(request: HttpRequest) -> dict:
    return {
        "digest_choices": User.Digest.choices,
        "roles": account_selectors.user_staff_roles(user=request.user),
        "memberships": account_selectors.user_memberships(user=request.user),
    }


def _profile_again(request: HttpRequest, error: DomainError) -> HttpResponse:
    context = {**_profile_context(request), "error": error.message}
    return render(request, "frontend/profile.html", context)


@login_required
@renders_errors_with(_profile_again)
def profile(request: HttpRequest) -> HttpResponse:
    context = {}
    if request.method == "POST":
        data = parse(account_serializers.MeUpdateIn, request.POST)
        account_services.profile_update(user=request.user, **data)
        context["saved"] = True
    context.update(_profile_context(request))
    return render(request, "frontend/profile.html", context)


def _sessions_context(request: HttpRequest) -> dict:
    return {"tokens": account_selectors.api_tokens(user=request.user)}


def _sessions_again(request: HttpRequest, error: DomainError) -> HttpResponse:
    context = {**_sessions_context(request), "error": error.message}
    return render(request, "frontend/sessions.html", context)


@login_required
@renders_errors_with(_sessions_again)
def sessions(request: HttpRequest) -> HttpResponse:
    """The user's signed-in apps (API tokens): when each began and expires; revoke one or all."""
    if request.method == "POST":
        data = parse(account_serializers.ApiTokenRevokeIn, request.POST)
        count = account_services.api_token_revoke_for(
            user=request.user, digest=None if data["all"] else data["token"]
        )
        messages.success(request, _("%(count)s نشست بسته شد.") % {"count": count})
        return redirect("frontend:sessions")
    return render(request, "frontend/sessions.html", _sessions_context(request))


# Organisations -----------------------------------------------------------------------


@require_GET
def organisations(request: HttpRequest) -> HttpResponse:
    listed = paged(
        request,
        account_selectors.organisation_list(user=request.user),
        per_page=ORGANISATIONS_PER_PAGE,
    )
    context = {"organisations": listed.object_list, "paged": listed}
    return render(request, "frontend/organisations.html", context)


def _organisation_new_again(request: HttpRequest, error: DomainError) -> HttpResponse:
    context = {
        "cities": city_selectors.city_list(),
        "values": request.POST,
        "error": error.message,
    }
    return render(request, "frontend/organisation_new.html", context)


@login_required
@renders_errors_with(_organisation_new_again)
def organisation_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        data = parse(account_serializers.OrganisationIn, request.POST)
        created = account_services.organisation_register(actor=request.user, **data)
        messages.success(
            request,
            _(
                "سازمان «%(name)s» ثبت شد و پس از تأیید مدیر شهر %(city)s می‌تواند "
                "از طرف خود حمایت و پیشنهاد ثبت کند."
            )
            % {"name": created.name, "city": created.city.name},
        )
        return redirect("frontend:organisations")
    context = {"cities": city_selectors.city_list(), "values": {}}
    return render(request, "frontend/organisation_new.html", context)


def _invitations_again(request: HttpRequest, error: DomainError) -> HttpResponse:
    context = {
        "invitations": account_selectors.pending_invitations(user=request.user),
        "error": error.message,
    }
    return render(request, "frontend/invitations.html", context)


@login_required
@renders_errors_with(_invitations_again)
def invitations(request: HttpRequest) -> HttpResponse:
    """The signed-in person's pending invitations to organisations: accept or decline."""
    if request.method == "POST":
        data = parse(account_serializers.InvitationAnswerIn, request.POST)
        invitation = get_object_or_404(
            account_selectors.invitations_for(user=request.user), pk=data["invitation"]
        )
        if data["answer"] == "accept":
            account_services.invitation_accept(actor=request.user, invitation=invitation)
            note = _("اکنون عضو «%(name)s» هستید.")
        else:
            account_services.invitation_decline(actor=request.user, invitation=invitation)
            note = _("دعوت «%(name)s» را نپذیرفتید.")
        messages.success(request, note % {"name": invitation.organisation.name})
        return redirect("frontend:invitations")
    context = {"invitations": account_selectors.pending_invitations(user=request.user)}
    return render(request, "frontend/invitations.html", context)


def _review_again(request: HttpRequest, error: DomainError) -> HttpResponse:
    context = {"error": error.message}
    if allowed(request.user, "accounts.review_organisations"):
        context["organisations"] = account_selectors.organisation_review_list(user=request.user)
    return render(request, "frontend/organisations_review.html", context)


@login_required
@renders_errors_with(_review_again)
def organisations_review(request: HttpRequest) -> HttpResponse:
    """City admins verify or suspend the NGOs of their cities."""
    authorise(request, "accounts.review_organisations")
    reviewable = account_selectors.organisation_review_list(user=request.user)
    if request.method == "POST":
        data = parse(account_serializers.OrganisationReviewIn, request.POST)
        organisation = get_object_or_404(reviewable, pk=data["organisation"])
        account_services.organisation_set_status(
            actor=request.user, organisation=organisation, status=data["status"]
        )
        messages.success(request, _("وضعیت «%(name)s» ثبت شد.") % {"name": organisation.name})
        return redirect("frontend:organisations_review")
    return render(request, "frontend/organisations_review.html", {"organisations": reviewable})


# A city's activity log ---------------------------------------------------------------


def _activity_context(request: HttpRequest, city) -> dict:
    return {"city": city, "actions": list(ACTIONS.items()), "values": request.GET}


def _activity_again(request: HttpRequest, error: DomainError, city_slug: str) -> HttpResponse:
    city = city_selectors.city_list().filter(slug=city_slug).first()
    context = {"error": error.message}
    if city is not None and allowed(request.user, "accounts.read_activity", city):
        context.update(_activity_context(request, city))  # the filters again, no rows
    return render(request, "frontend/activity.html", context)


@login_required
@require_GET
@renders_errors_with(_activity_again)
def activity(request: HttpRequest, city_slug: str) -> HttpResponse:
    """A city's activity log for its city admins: who did what, when, before and after."""
    city = get_object_or_404(city_selectors.city_list(), slug=city_slug)
    authorise(request, "accounts.read_activity", city)
    query = request.GET.copy()
    query["city"] = city.slug
    data = parse(account_serializers.ActivityQueryIn, query)
    rows = account_selectors.activity_list(
        city_id=city.pk,
        action=data.get("action") or None,
        actor_id=data.get("actor"),
        object_type=data.get("object_type") or None,
        created_after=data.get("created_after"),
        created_before=data.get("created_before"),
    )
    page = Paginator(rows, ACTIVITY_PER_PAGE).get_page(request.GET.get("page"))
    context = {**_activity_context(request, city), "page": page}
    return render(request, "frontend/activity.html", context)
