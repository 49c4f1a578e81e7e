"""Following: the follow button of problems, plan items and plans, and «what I follow».

The button posts a plain form (works without JavaScript: back to the page with a message)
or, with htmx, gets the button and the count back. The services enforce the rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backend.errors import DomainError, Missing
from frontend.web import parse, renders_errors_with
from participation import selectors, services
from participation import serializers as s
from planning.models import Plan, PlanItem

FOLLOWS_PER_PAGE = 20
_PAGES = {"problem": "frontend:problem", "plan_item": "frontend:plan_item", "plan": "frontend:plan"}


def _target(request, kind: str, pk: int):
    """The problem (as the user may see it), plan item or plan; else 404."""
    if kind == "problem":
        found = selectors.problem_list(user=request.user).filter(pk=pk).first()
    elif kind == "plan_item":
        found = PlanItem.objects.select_related("plan").filter(pk=pk).first()
    else:
        found = Plan.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _back(request, kind: str, pk: int):
    following = request.POST.get("next", "")
    if following and url_has_allowed_host_and_scheme(following, {request.get_host()}):
        return redirect(following)
    return redirect(_PAGES[kind], pk)


def _follow_again(request, error: DomainError, kind: str, pk: int) -> HttpResponse:
    if isinstance(error, Missing):
        raise Http404
    target = _target(request, kind, pk)
    if request.htmx:
        context = {"target": target, "follow_error": error.message}
        return render(request, "frontend/partials/follow_button.html", context)
    return render(
        request, "frontend/refused.html", {"error": error.message, "status": error.status}
    )


@login_required
@require_POST
@renders_errors_with(_follow_again)
def follow_toggle(request, kind: str, pk: int):
    target = _target(request, kind, pk)
    action = parse(s.FollowIn, request.POST)["action"]
    if action == "unfollow":
        services.unfollow(user=request.user, target=target)
    else:
        services.follow(user=request.user, target=target)
    if request.htmx:
        return render(request, "frontend/partials/follow_button.html", {"target": target})
    if action == "unfollow":
        messages.success(request, _("دیگر دنبالش نمی‌کنید."))
    else:
        messages.success(request, _("دنبالش می‌کنید؛ تغییرهایش در اعلان‌های شما می‌آید."))
    return _back(request, kind, pk)


@login_required
@require_GET
def following(request):
    """What the person follows, newest first, twenty a page, each with «دنبال نکردن»."""
    page = Paginator(selectors.follow_list(user=request.user), FOLLOWS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "frontend/following.html", {"page": page, "follows": page.object_list})
