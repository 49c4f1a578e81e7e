"""Pages for plans, problems, proposals, comments and organisations.

Each view parses the request, calls the service or selectors it needs and renders. Services
enforce every rule and raise DomainError with a Persian message, shown with its status.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from backend.errors import DomainError
from backend.ids import parse_id
from cities import selectors as city_selectors
from frontend import views_moderation as moderation_pages
from frontend.form_input import pick
from inventory import selectors as inventory_selectors
from moderation.models import ModerationState
from participation import selectors, services
from participation.filters import ProblemFilter
from participation.models import Comment
from participation.similarity import similar_problems
from planning import selectors as planning_selectors
from planning.models import Plan, PlanItem

PROBLEMS_PER_PAGE = 20
# Phases in which a city asks for problems: the default plan of the new-problem form.
PROBLEM_PHASES = (Plan.Phase.CONSULTATION, Plan.Phase.PROBLEM_FINDING)


# Parsing helpers ---------------------------------------------------------------------


def _posted(request, *names) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in names}


def _pending_notice(obj, pending: str, published: str) -> str:
    return pending if obj.moderation_state == ModerationState.PENDING else published


# Plans -------------------------------------------------------------------------------


@require_GET
def plans(request):
    return render(request, "frontend/plans.html", {"plans": planning_selectors.plan_list()})


def _label_tree(nodes: list[dict]) -> list[dict]:
    """Add display labels to plan_items_tree() nodes (which carry raw choice values)."""
    for node in nodes:
        node["kind_label"] = PlanItem.Kind(node["kind"]).label
        node["status_label"] = PlanItem.Status(node["status"]).label
        _label_tree(node["children"])
    return nodes


@require_GET
def plan(request, pk: int):
    found = planning_selectors.plan_list().filter(pk=pk).first()
    if found is None:
        raise Http404
    tree = _label_tree(planning_selectors.plan_items_tree(plan=found))
    return render(request, "frontend/plan.html", {"plan": found, "tree": tree})


# Comments (shared by plan items, problems and proposals) ---------------------------------


def _load(request, target: str, pk: int):
    """The plan item, problem or proposal `pk` as the user may see it, else 404."""
    if target == "plan_item":
        found = inventory_selectors.plan_item_detail_list().filter(pk=pk).first()
    elif target == "problem":
        found = selectors.problem_get(pk=pk, user=request.user)
    else:
        found = selectors.proposal_get(pk=pk, user=request.user)
    if found is None:
        raise Http404
    return found


def _comments_context(request, target: str, obj, **extra) -> dict:
    # Plan items take comments inside their window; problems and proposals once published.
    accepting = obj.is_open_for_comment() if target == "plan_item" else obj.is_published
    context = {
        "comments": selectors.comment_thread(user=request.user, **{target: obj.pk}),
        "comment_action": reverse(f"frontend:{target}_comment", args=[obj.pk]),
        "comment_target": target,
        "comments_open": accepting,
        "stances": Comment.Stance.choices,
        "comment_values": {"stance": Comment.Stance.NEUTRAL},
    }
    context.update(extra)
    return context


@login_required
@require_POST
def comment_create(request, pk: int, target: str):
    """POST a comment or a reply; htmx gets the comments section back, plain forms a redirect."""
    obj = _load(request, target, pk)
    values = _posted(request, "body", "stance", "parent")
    try:
        parent = pick(
            selectors.comment_list(user=request.user),
            values["parent"],
            unknown=_("نظری که به آن پاسخ می‌دهید پیدا نشد."),
        )
        comment = services.comment_post(
            author=request.user,
            body=values["body"],
            stance=values["stance"] or Comment.Stance.NEUTRAL,
            parent=parent,
            **{target: obj},
        )
    except DomainError as error:
        extra = {"comment_error": error.message, "comment_values": values}
        if request.htmx:
            context = _comments_context(request, target, obj, **extra)
            return render(request, "frontend/partials/comments.html", context, status=error.status)
        return PAGES[target](request, obj, status=error.status, **extra)
    notice = _pending_notice(
        comment,
        _("نظر شما ثبت شد و پس از بررسی منتشر می‌شود."),
        _("نظر شما منتشر شد."),
    )
    if request.htmx:
        context = _comments_context(request, target, obj, comment_notice=notice)
        return render(request, "frontend/partials/comments.html", context)
    messages.success(request, notice)
    return redirect(reverse(f"frontend:{target}", args=[obj.pk]) + "#comments")


# Plan items --------------------------------------------------------------------------


def _render_plan_item(request, item, *, status: int = 200, **extra):
    context = {
        "item": item,
        "ancestors": planning_selectors.plan_item_ancestors(item=item),
        **_comments_context(request, "plan_item", item, **extra),
    }
    return render(request, "frontend/plan_item.html", context, status=status)


@require_GET
def plan_item(request, pk: int):
    return _render_plan_item(request, _load(request, "plan_item", pk))


# Problems ----------------------------------------------------------------------------


def _place_choices(plan) -> dict:
    """Axes and districts for the selects: the plan's city only, or every city's."""
    axes, districts = planning_selectors.axis_list(), city_selectors.district_list()
    if plan is not None:
        axes, districts = axes.filter(city_id=plan.city_id), districts.filter(city_id=plan.city_id)
    return {"axes": axes, "districts": districts}


@require_GET
def problems(request):
    filterset = ProblemFilter(
        request.GET, queryset=selectors.problem_list(user=request.user, with_places=True)
    )
    valid = filterset.is_valid()
    chosen_plan = filterset.form.cleaned_data.get("plan") if valid else None
    context = {
        "filter": filterset,
        "values": request.GET,
        "plans": planning_selectors.plan_list(),
        **_place_choices(chosen_plan),
    }
    if not valid:
        context["filter_errors"] = filterset.form.errors
        return render(request, "frontend/problems.html", context, status=400)
    context["page"] = Paginator(filterset.qs, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/problems.html", context)


def _render_problem(request, problem, *, status: int = 200, **extra):
    context = {
        "problem": problem,
        "proposals": selectors.proposal_list(user=request.user)
        .filter(problem=problem)
        .order_by("-created_at", "-id"),
        **_comments_context(request, "problem", problem, **extra),
    }
    return render(request, "frontend/problem.html", context, status=status)


@require_GET
def problem(request, pk: int):
    return _render_problem(request, _load(request, "problem", pk))


@login_required
@require_POST
def problem_support(request, pk: int):
    """Toggle «I have this problem too». htmx gets the button and count back; a plain form
    (also the «من هم این مسئله را دارم» button under similar problems) goes to the problem."""
    found = _load(request, "problem", pk)
    action = request.POST.get("action", "support")
    try:
        if action == "unsupport":
            services.problem_unsupport(user=request.user, problem=found)
        else:
            services.problem_support(user=request.user, problem=found)
    except DomainError as error:
        if request.htmx:
            context = {"problem": found, "support_error": error.message}
            return render(
                request, "frontend/partials/support_box.html", context, status=error.status
            )
        return _render_problem(request, found, status=error.status, support_error=error.message)
    if request.htmx:
        fresh = selectors.problem_get(pk=pk, user=request.user)
        return render(request, "frontend/partials/support_box.html", {"problem": fresh})
    if action == "unsupport":
        messages.success(request, _("پشتیبانی شما پس گرفته شد."))
    else:
        messages.success(request, _("پشتیبانی شما ثبت شد. لازم نیست همین مسئله را دوباره بنویسید."))
    return redirect("frontend:problem", pk=pk)


@require_GET
def problem_similar(request):
    """Partial: published problems of the plan like the title being typed (?plan=&text=)."""
    plan_id = parse_id(request.GET.get("plan"))
    text = request.GET.get("text") or request.GET.get("title") or ""
    found = similar_problems(plan_id=plan_id, text=text[:300]) if plan_id else []
    return render(request, "frontend/partials/similar_problems.html", {"similar": found})


def _default_plan(plans_qs, raw):
    """The plan the form starts with: ?plan= if it names one, else the first asking for
    problems, else the first."""
    plans_list = list(plans_qs)
    wanted = parse_id(raw)
    for candidate in plans_list:
        if candidate.pk == wanted:
            return candidate
    asking = [p for p in plans_list if p.phase in PROBLEM_PHASES]
    return (asking or plans_list or [None])[0]


@login_required
def problem_new(request):
    plans_qs = planning_selectors.plan_list()
    values = _posted(request, "plan", "title", "body", "axis", "district")
    chosen = _default_plan(plans_qs, values["plan"] or request.GET.get("plan"))
    status, error = 200, None
    if request.method == "POST":
        try:
            picked_plan = pick(plans_qs, values["plan"], unknown=_("برنامه‌ای با این شناسه نیست."))
            if picked_plan is None:
                raise DomainError(_("برنامه را انتخاب کنید."), code="plan_required")
            created = services.problem_submit(
                author=request.user,
                plan=picked_plan,
                title=values["title"],
                body=values["body"],
                axis=pick(
                    planning_selectors.axis_list(),
                    values["axis"],
                    unknown=_("محوری با این شناسه نیست."),
                ),
                district=pick(
                    city_selectors.district_list(),
                    values["district"],
                    unknown=_("منطقه‌ای با این شناسه نیست."),
                ),
            )
        except DomainError as failure:
            status, error = failure.status, failure.message
        else:
            messages.success(
                request,
                _pending_notice(
                    created,
                    _("مسئله‌ی شما ثبت شد و پس از بررسی ناظران منتشر می‌شود."),
                    _("مسئله‌ی شما ثبت و منتشر شد."),
                ),
            )
            return redirect("frontend:my_posts")
    context = {
        "plans": plans_qs,
        "chosen_plan": chosen,
        "values": values,
        "error": error,
        **_place_choices(chosen),
    }
    return render(request, "frontend/problem_new.html", context, status=status)


# Proposals ---------------------------------------------------------------------------


def _render_proposal(request, proposal, *, status: int = 200, **extra):
    mine = list(selectors.organisations_user_can_endorse_for(user=request.user))
    endorsed_ids = {e.organisation_id for e in proposal.endorsements.all()}
    context = {
        "proposal": proposal,
        # Offer only organisations that have not endorsed yet and did not write it.
        "endorse_choices": [
            o for o in mine if o.pk not in endorsed_ids and o.pk != proposal.organisation_id
        ],
        "my_organisation_ids": {o.pk for o in mine},
        "can_endorse": bool(mine),
        **_comments_context(request, "proposal", proposal, **extra),
    }
    return render(request, "frontend/proposal.html", context, status=status)


@require_GET
def proposal(request, pk: int):
    return _render_proposal(request, _load(request, "proposal", pk))


@login_required
@require_POST
def proposal_endorse(request, pk: int):
    found = _load(request, "proposal", pk)
    values = _posted(request, "organisation", "statement")
    try:
        organisation = pick(
            account_selectors.organisation_list(user=request.user),
            values["organisation"],
            unknown=_("سازمانی با این شناسه نیست."),
        )
        if organisation is None:
            raise DomainError(_("سازمان را انتخاب کنید."), code="organisation_required")
        services.proposal_endorse(
            user=request.user,
            proposal=found,
            organisation=organisation,
            statement=values["statement"],
        )
    except DomainError as error:
        return _render_proposal(
            request, found, status=error.status, endorse_error=error.message, endorse_values=values
        )
    messages.success(request, _("حمایت سازمان ثبت شد."))
    return redirect(reverse("frontend:proposal", args=[pk]) + "#endorsements")


@login_required
@require_POST
def proposal_unendorse(request, pk: int):
    found = _load(request, "proposal", pk)
    try:
        organisation = pick(
            account_selectors.organisation_list(user=request.user),
            request.POST.get("organisation"),
            unknown=_("سازمانی با این شناسه نیست."),
        )
        if organisation is None:
            raise DomainError(_("سازمان را انتخاب کنید."), code="organisation_required")
        services.proposal_unendorse(user=request.user, proposal=found, organisation=organisation)
    except DomainError as error:
        return _render_proposal(request, found, status=error.status, endorse_error=error.message)
    messages.success(request, _("حمایت سازمان پس گرفته شد."))
    return redirect(reverse("frontend:proposal", args=[pk]) + "#endorsements")


@login_required
def proposal_new(request):
    """A proposal for ?problem= and/or ?plan_item=; without either, the author picks a plan."""
    source = request.POST if request.method == "POST" else request.GET
    values = _posted(request, "title", "body", "organisation", "plan")
    status, error = 200, None
    problem_obj = item = None
    try:
        problem_obj = pick(
            selectors.problem_list(user=request.user),
            source.get("problem"),
            unknown=_("مسئله‌ای با این شناسه نیست."),
        )
        item = pick(
            planning_selectors.plan_item_list(),
            source.get("plan_item"),
            unknown=_("بندی با این شناسه نیست."),
        )
        if request.method == "POST":
            plan_obj = (
                getattr(problem_obj, "plan", None)
                or getattr(item, "plan", None)
                or pick(
                    planning_selectors.plan_list(),
                    values["plan"],
                    unknown=_("برنامه‌ای با این شناسه نیست."),
                )
            )
            if plan_obj is None:
                raise DomainError(_("برنامه را انتخاب کنید."), code="plan_required")
            created = services.proposal_submit(
                author=request.user,
                plan=plan_obj,
                title=values["title"],
                body=values["body"],
                problem=problem_obj,
                plan_item=item,
                organisation=pick(
                    account_selectors.organisation_list(user=request.user),
                    values["organisation"],
                    unknown=_("سازمانی با این شناسه نیست."),
                ),
            )
            messages.success(
                request,
                _pending_notice(
                    created,
                    _("پیشنهاد شما ثبت شد و پس از بررسی ناظران منتشر می‌شود."),
                    _("پیشنهاد شما ثبت و منتشر شد."),
                ),
            )
            return redirect("frontend:proposal", pk=created.pk)
    except DomainError as failure:
        status, error = failure.status, failure.message
    context = {
        "problem": problem_obj,
        "item": item,
        "plans": planning_selectors.plan_list(),
        "organisations": selectors.organisations_user_can_endorse_for(user=request.user),
        "values": values,
        "error": error,
    }
    return render(request, "frontend/proposal_new.html", context, status=status)


# Organisations -----------------------------------------------------------------------


@require_GET
def organisations(request):
    context = {"organisations": account_selectors.organisation_list(user=request.user)}
    return render(request, "frontend/organisations.html", context)


@login_required
def organisation_new(request):
    cities = city_selectors.city_list()
    values = _posted(request, "name", "registration_number", "city", "description")
    status, error = 200, None
    if request.method == "POST":
        try:
            city = pick(cities, values["city"], unknown=_("شهری با این شناسه نیست."))
            if city is None:
                raise DomainError(_("شهر را انتخاب کنید."), code="city_required")
            created = account_services.organisation_register(
                actor=request.user,
                city=city,
                name=values["name"],
                registration_number=values["registration_number"],
                description=values["description"],
            )
        except DomainError as failure:
            status, error = failure.status, failure.message
        else:
            messages.success(
                request,
                _(
                    "سازمان «%(name)s» ثبت شد و پس از تأیید مدیر شهر %(city)s می‌تواند "
                    "از طرف خود حمایت و پیشنهاد ثبت کند."
                )
                % {"name": created.name, "city": city.name},
            )
            return redirect("frontend:organisations")
    context = {"cities": cities, "values": values, "error": error}
    return render(request, "frontend/organisation_new.html", context, status=status)


# My posts ----------------------------------------------------------------------------


@login_required
@require_GET
def my_posts(request):
    posts = selectors.my_posts(user=request.user)
    context = {name: rows[:100] for name, rows in posts.items()}
    # Rejected posts with the decision's rules and note, and the appeal form (moderation).
    context["rejections"] = moderation_pages.rejections_of(user=request.user)
    return render(request, "frontend/my_posts.html", context)


# Full-page renderers for a comment refused without htmx.
PAGES = {
    "plan_item": _render_plan_item,
    "problem": _render_problem,
    "proposal": _render_proposal,
}
