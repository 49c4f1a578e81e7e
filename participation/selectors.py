"""Reads of citizen input. Counts come from denormalised counters or one annotation, never
a query per row."""

from typing import Any

from django.db.models import Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import Membership, Organisation
from moderation.models import ModerationState
from moderation.selectors import visible_to
from participation.models import Comment, Endorsement, Problem, ProblemPhoto, Proposal, Support
from participation.rules import PROBLEM_PHASES
from planning.models import Plan, PlanItem
from planning.selectors import plan_list

PUBLISHED = ModerationState.PUBLISHED


def _published_comments_count(field: str):
    counts = (
        Comment.objects.filter(**{field: OuterRef("pk")}, moderation_state=PUBLISHED)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def _photos() -> Prefetch:
    """A problem's photos in their order: one query for every problem of a page."""
    return Prefetch("photos", queryset=ProblemPhoto.objects.order_by("position", "id"))


def problem_list(*, user=None, with_places: bool = False) -> QuerySet[Problem]:
    """Problems the user may see (published, plus their own), ready for listing, with
    their photos (one more query per page). Joins only what a list row shows (each extra
    join costs planning time on every request); `with_places` adds the plan and city for
    pages that name them."""
    related = ["author", "axis", "district"]
    if with_places:
        related += ["plan", "plan__city", "inventory_entry"]
    queryset = (
        Problem.objects.filter(visible_to(user))
        .select_related(*related)
        .annotate(comments_count=_published_comments_count("problem"))
        .prefetch_related(_photos())
    )
    if user is not None and user.is_authenticated:
        queryset = queryset.annotate(
            supported_by_me=Exists(Support.objects.filter(problem=OuterRef("pk"), user=user))
        )
    return queryset


def problem_get(*, pk: int, user=None) -> Problem | None:
    """One problem with its inventory entry and the plan items that address it."""
    return (
        problem_list(user=user, with_places=True)
        .prefetch_related("inventory_entry__addressed_by")
        .filter(pk=pk)
        .first()
    )


def photo_get(*, pk: int) -> ProblemPhoto | None:
    """One photo with its problem and the problem's plan (whose city the view rule asks).
    Whether the user may see it is `participation.view_photos` on `photo.problem`."""
    return ProblemPhoto.objects.select_related("problem__plan").filter(pk=pk).first()


def photos_by_problem(*, problem_ids) -> dict[int, list[ProblemPhoto]]:
    """The photos of several problems in one query, by problem id (the moderation queue
    shows them beside each problem it lists)."""
    found: dict[int, list[ProblemPhoto]] = {}
    for photo in ProblemPhoto.objects.filter(problem_id__in=list(problem_ids)).order_by(
        "problem_id", "position", "id"
    ):
        found.setdefault(photo.problem_id, []).append(photo)
    return found


def comment_list(*, user=None) -> QuerySet[Comment]:
    """Comments the user may see, oldest first, with their authors."""
    return (
        Comment.objects.filter(visible_to(user))
        .select_related("author")
        .order_by("created_at", "id")
    )


def comment_thread(*, user=None, **target) -> list[Comment]:
    """Top-level comments on one target with their replies attached as `.thread_replies`
    (two queries' worth of rows, read in one). Given the target object rather than its id,
    every comment knows it without a query (the reply permission asks it)."""
    rows = list(comment_list(user=user).filter(**target))
    by_id = {c.pk: c for c in rows}
    top = []
    (name, value), *_ = target.items()
    for row in rows:
        comment: Any = row
        comment.thread_replies = []
        if isinstance(value, PlanItem | Problem | Proposal):
            setattr(comment, name, value)
    for reply in rows:
        if reply.parent_id and reply.parent_id in by_id:
            parent: Any = by_id[reply.parent_id]
            parent.thread_replies.append(reply)
        elif reply.parent_id is None:
            top.append(reply)
    return top


def proposal_list(*, user=None) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(visible_to(user))
        .select_related("author", "organisation", "plan", "plan__city", "problem", "plan_item")
        .annotate(comments_count=_published_comments_count("proposal"))
    )


def proposal_get(*, pk: int, user=None) -> Proposal | None:
    return (
        proposal_list(user=user)
        .prefetch_related(
            Prefetch(
                "endorsements",
                queryset=Endorsement.objects.select_related("organisation").order_by(
                    "created_at", "id"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


def organisations_user_can_endorse_for(*, user) -> QuerySet[Organisation]:
    """Verified organisations the user is a member of."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        status=Organisation.Status.VERIFIED,
        pk__in=Membership.objects.filter(user=user).values("organisation_id"),
    ).order_by("name")


def organisations_to_endorse(*, user, proposal: Proposal) -> QuerySet[Organisation]:
    """The organisations the user may endorse this proposal for: verified ones they are a
    member of that have not endorsed it yet and did not write it. None for a proposal not
    published (the service refuses those)."""
    if not proposal.is_published:
        return Organisation.objects.none()
    return (
        organisations_user_can_endorse_for(user=user)
        .exclude(pk__in=Endorsement.objects.filter(proposal=proposal).values("organisation_id"))
        .exclude(pk=proposal.organisation_id or 0)
    )


def default_problem_plan(*, wanted: int | None = None) -> Plan | None:
    """The plan the new-problem form starts with: `wanted` if it names one, else the first
    plan asking for problems, else the first plan."""
    plans = plan_list()
    if wanted is not None and (found := plans.filter(pk=wanted).first()) is not None:
        return found
    return plans.filter(phase__in=PROBLEM_PHASES).first() or plans.first()


def my_posts(*, user) -> dict[str, QuerySet]:
    """Everything the user wrote, in every moderation state, newest first."""
    own = {"author": user}
    return {
        "problems": problem_list(user=user, with_places=True)
        .filter(**own)
        .order_by("-created_at", "-id"),
        "proposals": proposal_list(user=user).filter(**own).order_by("-created_at", "-id"),
        "comments": comment_list(user=user)
        .filter(**own)
        .select_related("plan_item", "problem", "proposal")
        .order_by("-created_at", "-id"),
    }


def problems_matching(queryset: QuerySet[Problem], words: list[str]) -> QuerySet[Problem]:
    """Every normalised word appears in the problem's normalised text (any order)."""
    condition = Q()
    for word in words:
        condition &= Q(search_text__contains=word)
    return queryset.filter(condition)
