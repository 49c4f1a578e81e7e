"""Pages for plans, problems, proposals, comments and organisations.

Each operation has the API's shape: parse the form with the API's serializer
(`frontend.web.parse`), call the one service (which enforces the permission rules of
`participation/rules.py`) and render. A refusal shows the form again with its message and
the values typed (`@renders_errors_with`); a 404 (hidden or unknown content) or any other
refusal is answered by `DomainErrorMiddleware`. Templates ask the same permission names.
"""

import re

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from backend.errors import DomainError, Missing
from backend.ids import parse_id
from backend.paging import CappedPaginator
from backend.sanitise import html_to_text
from frontend import choices
from frontend import views_moderation as moderation_pages
from frontend.paging import paged
from frontend.web import parse, renders_errors_with
from inventory import selectors as inventory_selectors
from monitoring import selectors as monitoring_selectors
from participation import selectors, services
from participation import serializers as s
from participation.filters import ProblemFilter
from participation.models import Comment
from participation.photos import ACCEPT as PHOTO_ACCEPT
from participation.rules import accepts_comments, enforce
from participation.similarity import similar_problems
from planning import selectors as planning_selectors
from planning.models import PlanItem

PROBLEMS_PER_PAGE = 20
COMMENTS_PER_PAGE = 20  # top-level comments per page of a thread, each with its replies
MY_POSTS_PER_PAGE = 20


# Parsing helpers ---------------------------------------------------------------------


def _posted(request, *names) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in names}


def _pending_notice(obj, pending: str, published: str) -> str:
    return published if obj.is_published else pending


def _not_found_stays_not_found(error: DomainError) -> None:
    """Hidden or unknown content is a 404 page, not the form again."""
    if isinstance(error, Missing):
        raise error


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
        found = inventory_selectors.plan_item_detail(pk=pk)
    elif target == "problem":
        found = selectors.problem_get(pk=pk, user=request.user)
    else:
        found = selectors.proposal_get(pk=pk, user=request.user)
    if found is None:
        raise Http404
    return found


def _comments_context(request, target: str, obj, **extra) -> dict:
    """The comments section: a page of COMMENTS_PER_PAGE top-level comments with their
    replies (`?comments=<page>`), so a long thread costs one page's rows."""
    on = {target: obj}
    tops = selectors.comment_tops(
        user=request.user,
        published=getattr(obj, "comments_count", None),
        per_page=COMMENTS_PER_PAGE,
        **on,
    )
    comments_paged = paged(request, tops, per_page=COMMENTS_PER_PAGE, param="comments")
    context = {
        "comments": selectors.comment_thread_page(
            comments_paged.object_list, user=request.user, **on
        ),
        "comments_paged": comments_paged,
        "comment_action": reverse(f"frontend:{target}_comment", args=[obj.pk]),
        "comment_target": target,
        "comment_on": obj,
        "comments_open": accepts_comments(obj),
        "stances": Comment.Stance.choices,
        "comment_values": {"stance": Comment.Stance.NEUTRAL},
    }
    context.update(extra)
    return context


def _comment_again(request, error: DomainError, pk: int, target: str) -> HttpResponse:
    _not_found_stays_not_found(error)
    obj = _load(request, target, pk)
    extra = {
        "comment_error": error.message,
        "comment_values": _posted(request, "body", "stance", "parent"),
    }
    if request.htmx:
        context = _comments_context(request, target, obj, **extra)
        return render(request, "frontend/partials/comments.html", context)
    return PAGES[target](request, obj, **extra)


@login_required
@require_POST
@renders_errors_with(_comment_again)
def comment_create(request, pk: int, target: str):
    """POST a comment or a reply; htmx gets the comments section back, plain forms a redirect."""
    obj = _load(request, target, pk)
    data = parse(s.CommentIn, {**request.POST.dict(), target: obj.pk}, request=request)
    comment = services.comment_post(author=request.user, **data)
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
    return choices.places(plan)


@require_GET
def problems(request):
    # The rows show no photos: the list's photo prefetch (for the API) is left out.
    rows = selectors.problem_list(user=request.user, with_places=True).prefetch_related(None)
    filterset = ProblemFilter(request.GET, queryset=rows, request=request)
    valid = filterset.is_valid()
    chosen_plan = filterset.form.cleaned_data.get("plan") if valid else None
    context = {
        "filter": filterset,
        "values": request.GET,
        "plans": choices.plans(),
        **_place_choices(chosen_plan),
    }
    if not valid:
        context["filter_errors"] = filterset.form.errors
        return render(request, "frontend/problems.html", context, status=400)
    # The count stops at 1,000 («بیش از ۱۰۰۰»): counting every match of a common word in a
    # large plan costs more than the page itself.
    paginator = CappedPaginator(filterset.qs, PROBLEMS_PER_PAGE)
    context["page"] = paginator.get_page(request.GET.get("page"))
    return render(request, "frontend/problems.html", context)


def _problem_timeline(request, problem) -> list[dict]:
    """The inventory's timeline of the problem, and its progress once plan items address it:
    each addressing item's realisation as monitoring publishes it (read-only)."""
    steps = inventory_selectors.problem_timeline(problem=problem, user=request.user)
    if steps and steps[-1]["key"] == "addressed":
        chain = monitoring_selectors.problem_chain(problem) or {}
        rows = [row for row in chain.get("items", []) if row.get("figure")]
        if rows:
            steps.append({"key": "progress", "at": None, "status": "current", "rows": rows})
    return steps


def _render_problem(request, problem, *, status: int = 200, **extra):
    context = {
        "problem": problem,
        "timeline": _problem_timeline(request, problem),
        "proposals": selectors.problem_proposals(problem=problem, user=request.user),
        **_comments_context(request, "problem", problem, **extra),
    }
    return render(request, "frontend/problem.html", context, status=status)


@require_GET
def problem(request, pk: int):
    return _render_problem(request, _load(request, "problem", pk))


def _support_again(request, error: DomainError, pk: int) -> HttpResponse:
    _not_found_stays_not_found(error)
    found = _load(request, "problem", pk)
    if request.htmx:
        context = {"problem": found, "support_error": error.message}
        return render(request, "frontend/partials/support_box.html", context)
    return _render_problem(request, found, support_error=error.message)


@login_required
@require_POST
@renders_errors_with(_support_again)
def problem_support(request, pk: int):
    """Toggle «I have this problem too». htmx gets the button and count back; a plain form
    (also the «من هم این مسئله را دارم» button under similar problems) goes to the problem."""
    found = _load(request, "problem", pk)
    action = parse(s.SupportIn, request.POST)["action"]
    if action == "unsupport":
        services.problem_unsupport(user=request.user, problem=found)
    else:
        services.problem_support(user=request.user, problem=found)
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
    # The pin, when the map has one; a malformed point only drops the nearby part.
    point = s.SimilarPointIn(data=request.GET)
    place = point.validated_data if point.is_valid() else {}
    found = (
        similar_problems(plan_id=plan_id, text=text[:300], user=request.user, typing=True, **place)
        if plan_id
        else []
    )
    return render(request, "frontend/partials/similar_problems.html", {"similar": found})


def _problem_form(request: HttpRequest, error: DomainError | None = None) -> HttpResponse:
    values = _posted(request, "plan", "title", "body", "axis", "district", "latitude", "longitude")
    wanted = parse_id(values["plan"] or request.GET.get("plan"))
    chosen = selectors.default_problem_plan(wanted=wanted)
    context = {
        "plans": choices.plans(),
        "chosen_plan": chosen,
        "values": values,
        "error": error.message if error is not None else None,
        "photo_limits": _photo_limits(),
        "photos_sent": bool(request.FILES.getlist("photos")),
        **_place_choices(chosen),
    }
    return render(request, "frontend/problem_new.html", context)


def _photo_limits() -> dict:
    return {
        "count": settings.PHOTO_MAX_PER_PROBLEM,
        "bytes": settings.PHOTO_MAX_BYTES,
        "megabytes": settings.PHOTO_MAX_BYTES // (1024 * 1024),
        "accept": PHOTO_ACCEPT,
    }


@login_required
@renders_errors_with(_problem_form)
def problem_new(request):
    if request.method != "POST":
        return _problem_form(request)
    data = parse(s.ProblemIn, request.POST, request=request)
    data.pop("photos", None)  # the files themselves come from request.FILES
    created = services.problem_submit(
        author=request.user, photos=request.FILES.getlist("photos"), **data
    )
    messages.success(
        request,
        _pending_notice(
            created,
            _("مسئله‌ی شما ثبت شد و پس از بررسی ناظران منتشر می‌شود."),
            _("مسئله‌ی شما ثبت و منتشر شد."),
        ),
    )
    return redirect("frontend:my_posts")


@login_required
@require_POST
def problem_photo_remove(request, pk: int, photo_id: int):
    """The author (while pending) or a moderator removes one photo; back to the problem."""
    problem = _load(request, "problem", pk)
    photo = next((p for p in problem.photos.all() if p.pk == photo_id), None)
    if photo is None:
        raise Http404
    services.problem_photo_remove(actor=request.user, photo=photo)
    messages.success(request, _("عکس برداشته شد."))
    return redirect("frontend:problem", pk=pk)


# The author's pending problem: edit or withdraw ------------------------------------------

# Refusals the edit form does not show itself again for: the refusal page answers them.
_NOT_THE_FORMS_BUSINESS = {"sign_in", "not_author", "not_pending", "not_found"}


def _editable_body(body: str) -> str:
    """The stored (sanitised) body as the textarea shows it: paragraphs on their own lines."""
    parts = re.split(r"</p>|<br\s*/?>|</li>", body or "")
    return "\n\n".join(text for text in (html_to_text(part) for part in parts) if text)


def _problem_edit_form(
    request: HttpRequest, problem, *, values: dict, error: str | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "problem": problem,
        "values": values,
        "error": error,
        "chosen_plan": problem.plan,
        **_place_choices(problem.plan),
    }
    return render(request, "frontend/problem_edit.html", context, status=status)


def _problem_edit_again(request: HttpRequest, error: DomainError, pk: int) -> HttpResponse:
    if isinstance(error, Missing) or error.code in _NOT_THE_FORMS_BUSINESS:
        raise error
    problem = _load(request, "problem", pk)
    values = _posted(request, "title", "body", "axis", "district", "latitude", "longitude")
    return _problem_edit_form(request, problem, values=values, error=error.message)


@login_required
@renders_errors_with(_problem_edit_again)
def problem_edit(request, pk: int):
    """The author changes their problem while it is pending review; the new text goes back
    to the moderators' queue."""
    problem = _load(request, "problem", pk)
    enforce(request.user, "participation.edit_problem", problem)
    if request.method != "POST":
        values = {
            "title": problem.title,
            "body": _editable_body(problem.body),
            "axis": str(problem.axis_id or ""),
            "district": str(problem.district_id or ""),
            "latitude": "" if problem.latitude is None else str(problem.latitude),
            "longitude": "" if problem.longitude is None else str(problem.longitude),
        }
        return _problem_edit_form(request, problem, values=values)
    data = parse(s.ProblemEditIn, request.POST, request=request)
    services.problem_edit(actor=request.user, problem=problem, **data)
    messages.success(request, _("تغییرها ثبت شد؛ متن تازه دوباره در صف بررسی ناظران است."))
    return redirect("frontend:problem", pk=pk)


@login_required
@require_POST
def problem_withdraw(request, pk: int):
    """The author takes their pending problem back; it leaves the moderators' queue."""
    problem = _load(request, "problem", pk)
    services.problem_withdraw(actor=request.user, problem=problem)
    messages.success(
        request,
        _("مسئله‌ی «%(title)s» را پس گرفتید؛ از صف بررسی بیرون رفت و منتشر نمی‌شود.")
        % {"title": problem.title},
    )
    return redirect("frontend:my_posts")


# Proposals ---------------------------------------------------------------------------


def _render_proposal(request, proposal, *, status: int = 200, **extra):
    context = {
        "proposal": proposal,
        "endorse_choices": list(
            selectors.organisations_to_endorse(user=request.user, proposal=proposal)
        ),
        **_comments_context(request, "proposal", proposal, **extra),
    }
    return render(request, "frontend/proposal.html", context, status=status)


@require_GET
def proposal(request, pk: int):
    return _render_proposal(request, _load(request, "proposal", pk))


def _endorse_again(request, error: DomainError, pk: int) -> HttpResponse:
    _not_found_stays_not_found(error)
    found = _load(request, "proposal", pk)
    values = _posted(request, "organisation", "statement")
    return _render_proposal(request, found, endorse_error=error.message, endorse_values=values)


@login_required
@require_POST
@renders_errors_with(_endorse_again)
def proposal_endorse(request, pk: int):
    found = _load(request, "proposal", pk)
    data = parse(s.EndorsementIn, request.POST)
    services.proposal_endorse(
        user=request.user,
        proposal=found,
        organisation=data["organisation"],
        statement=data.get("statement", ""),
    )
    messages.success(request, _("حمایت سازمان ثبت شد."))
    return redirect(reverse("frontend:proposal", args=[pk]) + "#endorsements")


@login_required
@require_POST
@renders_errors_with(_endorse_again)
def proposal_unendorse(request, pk: int):
    found = _load(request, "proposal", pk)
    data = parse(s.EndorsementIn, {"organisation": request.POST.get("organisation", "")})
    services.proposal_unendorse(
        user=request.user, proposal=found, organisation=data["organisation"]
    )
    messages.success(request, _("حمایت سازمان پس گرفته شد."))
    return redirect(reverse("frontend:proposal", args=[pk]) + "#endorsements")


def _proposal_form(request: HttpRequest, error: DomainError | None = None) -> HttpResponse:
    if error is not None:
        _not_found_stays_not_found(error)
    source = request.POST if request.method == "POST" else request.GET
    targets = parse(
        s.ProposalTargetsIn,
        {name: source.get(name, "") for name in ("problem", "plan_item")},
        request=request,
    )
    context = {
        "problem": targets.get("problem"),
        "item": targets.get("plan_item"),
        "plans": planning_selectors.plan_list(),
        "organisations": selectors.organisations_user_can_endorse_for(user=request.user),
        "values": _posted(request, "title", "body", "organisation", "plan"),
        "error": error.message if error is not None else None,
    }
    return render(request, "frontend/proposal_new.html", context)


@login_required
@renders_errors_with(_proposal_form)
def proposal_new(request):
    """A proposal for ?problem= and/or ?plan_item=; without either, the author picks a plan."""
    if request.method != "POST":
        return _proposal_form(request)
    data = parse(s.ProposalIn, request.POST, request=request)
    created = services.proposal_submit(author=request.user, **data)
    messages.success(
        request,
        _pending_notice(
            created,
            _("پیشنهاد شما ثبت شد و پس از بررسی ناظران منتشر می‌شود."),
            _("پیشنهاد شما ثبت و منتشر شد."),
        ),
    )
    return redirect("frontend:proposal", pk=created.pk)


# My posts ----------------------------------------------------------------------------


@login_required
@require_GET
def my_posts(request):
    """Everything the user wrote, each kind a page at a time (`?problems_page=` …).
    app.js asks for this page again when a decision arrives live and swaps the changed rows."""
    posts = selectors.my_posts(user=request.user)
    context: dict = {}
    for name, rows in posts.items():
        listed = paged(request, rows, per_page=MY_POSTS_PER_PAGE, param=f"{name}_page")
        context[name] = listed.object_list
        context[f"{name}_paged"] = listed
    # Rejected posts with the decision's rules and note, and the appeal form (moderation).
    context["rejections"] = moderation_pages.rejections_of(user=request.user)
    return render(request, "frontend/my_posts.html", context)


# Full-page renderers for a comment refused without htmx.
PAGES = {
    "plan_item": _render_plan_item,
    "problem": _render_problem,
    "proposal": _render_proposal,
}
