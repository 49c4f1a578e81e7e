"""Web pages. Each view parses the request, calls one service or selector and renders."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from accounts.rules import city_roles
from backend.errors import DomainError
from backend.ids import parse_id
from moderation import selectors as moderation_selectors
from planning import selectors as planning_selectors


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


def _sign_in(request, user) -> None:
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")


def home(request):
    cities = planning_selectors.city_overview()
    return render(request, "frontend/home.html", {"cities": cities})


def signin(request):
    """Mobile number → one-time code → signed in; staff may use a password instead."""
    context = {"next": _safe_next(request), "step": "phone"}
    if request.method == "POST":
        step = request.POST.get("step")
        phone = request.POST.get("phone", "")
        context["phone"] = phone  # kept in the form when the number is refused
        try:
            if step == "request":
                issued = account_services.otp_request(
                    phone=phone, ip=request.META.get("REMOTE_ADDR")
                )
                context.update(
                    step="code", phone=issued.phone, expires_minutes=max(issued.expires_in // 60, 1)
                )
                if settings.DEBUG:
                    context["demo_code"] = issued.code
            elif step == "verify":
                context.update(step="code", phone=phone)
                user = account_services.otp_verify(phone=phone, code=request.POST.get("code", ""))
                _sign_in(request, user)
                return redirect(context["next"])
            elif step == "password":
                context["step"] = "password"
                user = account_services.password_login(
                    username=request.POST.get("username", ""),
                    password=request.POST.get("password", ""),
                )
                _sign_in(request, user)
                return redirect(context["next"])
        except DomainError as error:
            context["error"] = error.message
            status = error.status
            return render(request, "frontend/signin.html", context, status=status)
    return render(request, "frontend/signin.html", context)


@require_POST
def signout(request):
    logout(request)
    return redirect("/")


@login_required
def notifications(request):
    if request.method == "POST":
        account_services.notifications_mark_read(user=request.user)
        return redirect("frontend:notifications")
    items = account_selectors.notification_list(user=request.user)[:100]
    context = {
        "notifications": items,
        "appealed_decisions": moderation_selectors.appealed_decision_ids(user=request.user),
    }
    return render(request, "frontend/notifications.html", context)


@login_required
def profile(request):
    context = {}
    if request.method == "POST":
        account_services.profile_update(
            user=request.user,
            display_name=request.POST.get("display_name", ""),
            show_name_publicly=request.POST.get("show_name_publicly") == "on",
        )
        context["saved"] = True
    context["roles"] = account_selectors.user_staff_roles(user=request.user)
    context["memberships"] = account_selectors.user_memberships(user=request.user)
    return render(request, "frontend/profile.html", context)


@login_required
def organisations_review(request):
    """City admins verify or suspend the NGOs of their cities."""
    if request.method == "POST":
        organisation = (
            account_selectors.organisation_review_list(user=request.user)
            .filter(pk=parse_id(request.POST.get("organisation")))
            .first()
        )
        if organisation is None:
            raise Http404
        try:
            account_services.organisation_set_status(
                actor=request.user, organisation=organisation, status=request.POST.get("status", "")
            )
            messages.success(request, _("وضعیت «%(name)s» ثبت شد.") % {"name": organisation.name})
        except DomainError as error:
            messages.error(request, error.message)
        return redirect("frontend:organisations_review")
    if not any(role == "city_admin" for _city, role in city_roles(request.user)):
        context = {"error": _("این صفحه برای مدیران شهر است."), "status": 403}
        return render(request, "frontend/organisations_review.html", context, status=403)
    organisations = account_selectors.organisation_review_list(user=request.user)
    return render(request, "frontend/organisations_review.html", {"organisations": organisations})
