"""Reads of the problem inventory: entries with their evidence and priority, the triage
queue, suggestions, aggregates, the committee view and plan items with the entries they
address."""

from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext

from accounts.models import Activity
from backend.compiled import Compiled, attach
from backend.errors import DomainError, Missing
from backend.paging import CappedPaginator
from backend.persian import normalise
from backend.trigram import similarity
from inventory import figures
from inventory.filters import TriageFilter
from inventory.models import InventoryEntry, TriageRecord
from inventory.priority import priority
from moderation.models import Decision, ModerationState, Rule
from participation.models import Follow, Problem
from participation.selectors import count_per_row, problem_list
from planning.models import Axis, Committee, PlanItem

PUBLISHED = ModerationState.PUBLISHED
Triage = Problem.Triage

# How an inventory list may be ordered (`?ordering=`), priority first. The priority score is
# computed in Python from the plan's stored evidence (inventory.figures), so ordering by it,
# and by the supporters counted there, happens here (`inventory_ordered`); the others are SQL.
INVENTORY_ORDERINGS: dict[str, tuple[str, ...] | None] = {
    "priority": None,
    "code": ("code",),
    "-updated_at": ("-updated_at", "code"),
    "-supporters": ("-supporters_count", "code"),
}


def plan_item_detail_list() -> QuerySet[PlanItem]:
    """Plan items as their page and the API show them: tags, the inventory entries they
    address and their published comments counted."""
    return (
        PlanItem.objects.select_related("plan", "plan__city", "committee", "parent")
        .prefetch_related(
            "axes", Prefetch("addresses", queryset=InventoryEntry.objects.order_by("code"))
        )
        .annotate(comments_count=Count("comments", filter=Q(comments__moderation_state=PUBLISHED)))
    )


# The plan item page reads these on every miss: compiled once (backend.compiled), the
# item's axes and addressed entries by their own statements.
_plan_item_detail = Compiled(
    lambda pk: (
        plan_item_detail_list()
        .prefetch_related(None)
        .annotate(
            followers_count=count_per_row(Follow.objects.all(), "plan_item")
        )  # read by follow_count
        .filter(pk=pk)
        .order_by()
    )
)
_item_axes = Compiled(lambda item_id: Axis.objects.filter(plan_items=item_id))
_item_entries = Compiled(
    lambda item_id: InventoryEntry.objects.filter(addressed_by=item_id).order_by("code")
)


def plan_item_detail(*, pk: int) -> PlanItem | None:
    """One plan item as its page shows it (`plan_item_detail_list`)."""
    if type(pk) is not int:
        return plan_item_detail_list().filter(pk=pk).first()
    item = _plan_item_detail.first(pk=pk)
    if item is not None:
        attach(item, "axes", _item_axes.fetch(item_id=pk))
        attach(item, "addresses", _item_entries.fetch(item_id=pk))
    return item


# Problem inventory ---------------------------------------------------------------------


def inventory_list(*, plan_id: int | None = None) -> QuerySet[InventoryEntry]:
    """Entries with their tags and the plan items addressing them (their evidence comes
    from the plan's stored figures: `with_priority`)."""
    queryset = InventoryEntry.objects.all()
    if plan_id is not None:
        queryset = queryset.filter(plan_id=plan_id)
    return queryset.select_related("plan", "plan__city", "axis", "committee").prefetch_related(
        Prefetch("addressed_by", queryset=PlanItem.objects.order_by("sort_key"))
    )


def with_priority(
    entries: Iterable[InventoryEntry], *, evidence: dict | None = None
) -> list[InventoryEntry]:
    """Attach each entry's evidence counts (the plan's stored figures, inventory.figures;
    one query per plan, or `evidence` as given), `priority_score` and `score_breakdown`
    (inventory.priority)."""
    rows = list(entries)
    if evidence is None:
        evidence = {}
        for plan_id in sorted({entry.plan_id for entry in rows}):
            evidence.update(figures.figures_for(plan_id).evidence)
    zero = figures.zero_evidence()
    for entry in rows:
        e: Any = entry
        counts = evidence.get(str(entry.pk), zero)
        for name in figures.EVIDENCE_FIELDS:
            setattr(e, name, counts.get(name, 0))
        e.priority_score, e.score_breakdown = priority({"severity": e.severity, **counts})
    return rows


def _by_priority(entries: list[InventoryEntry]) -> list[InventoryEntry]:
    def key(entry: Any) -> tuple:
        return (-entry.priority_score, entry.plan_id, entry.code)

    return sorted(entries, key=key)


def _by_supporters(entries: list[InventoryEntry]) -> list[InventoryEntry]:
    def key(entry: Any) -> tuple:
        return (-entry.supporters_count, entry.code)

    return sorted(entries, key=key)


def inventory_ordered(*, plan_id: int, ordering: str = "priority") -> list[InventoryEntry]:
    """The plan's inventory with priorities, in one of INVENTORY_ORDERINGS (400 otherwise):
    the page and the API list both come from here."""
    if ordering not in INVENTORY_ORDERINGS:
        raise DomainError(gettext("ترتیب نامعتبر است."), code="invalid_ordering")
    order_by = INVENTORY_ORDERINGS[ordering]
    entries = inventory_list(plan_id=plan_id)
    if order_by is None:
        return _by_priority(with_priority(entries))
    if ordering == "-supporters":  # a stored count: ordered here, like the priority
        return _by_supporters(with_priority(entries.order_by("code")))
    return with_priority(entries.order_by(*order_by))


def inventory_ranked(*, plan_id: int) -> list[InventoryEntry]:
    """The plan's inventory, highest priority first."""
    return inventory_ordered(plan_id=plan_id)


def inventory_entry_detail(*, pk: int, plan_id: int | None = None) -> InventoryEntry:
    """One entry with its evidence and priority; 404 if there is none (in this plan)."""
    entries = inventory_list(plan_id=plan_id).filter(pk=pk)
    found = with_priority(entries)
    if not found:
        raise Missing(gettext("این مسئله‌ی فهرست پیدا نشد."))
    return found[0]


def inventory_entry_problems(*, entry: InventoryEntry):

    return (
        Problem.objects.filter(inventory_entry=entry, moderation_state=PUBLISHED)
        .select_related("axis", "district", "author")
        .order_by("-supports_count", "id")
    )


def triage_queue(*, plan_id: int):
    """Published problems of the plan that no planner has triaged yet, oldest first."""

    return (
        Problem.objects.filter(plan_id=plan_id, moderation_state=PUBLISHED, triage_state=Triage.NEW)
        .select_related("axis", "district", "author", "plan")
        .order_by("created_at", "id")
    )


def triage_queue_rows(*, plan_id: int) -> QuerySet[Problem]:
    """The triage queue as the API lists it (ProblemOut's rows: published problems with
    their comment counts), not yet triaged."""
    return problem_list(user=None).filter(
        plan_id=plan_id, moderation_state=PUBLISHED, triage_state=Triage.NEW
    )


def inventory_choices(*, plan_id: int) -> list[dict]:
    """The plan's entries for pickers: id, code, title only."""
    return list(
        dict(row)
        for row in InventoryEntry.objects.filter(plan_id=plan_id)
        .order_by("code")
        .values("id", "code", "title", "title_key")
    )


SUGGESTION_THRESHOLD = 0.25


def inventory_suggestions(
    *, plan_id: int, texts: list[str], limit: int = 5, choices: list[dict] | None = None
) -> list[list[dict]]:
    """For each text, the entries whose titles look most like it (one query for all)."""
    choices = inventory_choices(plan_id=plan_id) if choices is None else choices
    found = []
    for text in texts:
        key = normalise(text)
        scored = [
            {"id": c["id"], "code": c["code"], "title": c["title"], "score": round(score, 3)}
            for c in choices
            if (score := similarity(key, c["title_key"])) >= SUGGESTION_THRESHOLD
        ]
        found.append(sorted(scored, key=lambda s: -s["score"])[:limit])
    return found


def inventory_similar_entries(*, plan_id: int, text: str, limit: int = 5) -> list[dict]:
    """Entries whose titles look like `text` (for the merge/accept picker)."""
    return inventory_suggestions(plan_id=plan_id, texts=[text], limit=limit)[0]


def inventory_aggregates(*, plan_id: int) -> dict:
    """Counts for charts: entries and problems per axis, per committee, per district and
    per Jalali month, from the plan's stored figures (inventory.figures); a group without
    a name is «تعیین نشده»."""
    stored = figures.figures_for(plan_id).aggregates
    unset = gettext("تعیین نشده")
    named = {}
    for key, value in stored.items():
        if isinstance(value, list):
            value = [
                {**row, "label": row["label"] or unset} if "label" in row else row for row in value
            ]
        named[key] = value
    return named


def committee_inventory(*, committee: Committee) -> list[InventoryEntry]:
    """A committee's entries with their evidence, highest priority first."""
    return _by_priority(
        with_priority(
            inventory_list(plan_id=None).filter(
                committee=committee, plan__city_id=committee.city_id
            )
        )
    )


# The planners' board and inventory page ------------------------------------------------


def committee_by_axis(committees: Iterable[Committee]) -> dict[int, int]:
    """The first committee studying each axis: the accept form's default committee."""
    found: dict[int, int] = {}
    for committee in committees:
        for axis in committee.axes.all():
            found.setdefault(axis.pk, committee.pk)
    return found


def triage_board(
    *,
    plan_id: int,
    query: QueryDict,
    committees: Iterable[Committee],
    per_page: int,
    choices: list[dict],
) -> dict:
    """The board's page of the triage queue, filtered by `query` (TriageFilter, oldest first
    unless asked otherwise): `filter_errors` when the filters are bad; else `page` and one
    row per problem with the entries it looks like and its default committee."""
    data = query.copy()
    data.setdefault("ordering", "oldest")  # the queue is worked oldest first
    filterset = TriageFilter(data, queryset=triage_queue(plan_id=plan_id))
    if not filterset.is_valid():
        return {"filter_errors": filterset.form.errors}
    # The count stops at 1,000 («بیش از ۱۰۰۰»): a large plan's queue holds tens of thousands.
    page = CappedPaginator(filterset.qs, per_page).get_page(query.get("page"))
    suggestions = inventory_suggestions(
        plan_id=plan_id, texts=[problem.title for problem in page.object_list], choices=choices
    )
    by_axis = committee_by_axis(committees)
    rows = [
        {
            "problem": problem,
            "suggestions": suggested,
            "committee_id": by_axis.get(problem.axis_id),
        }
        for problem, suggested in zip(page.object_list, suggestions, strict=True)
    ]
    return {"page": page, "rows": rows}


# A problem's status timeline ---------------------------------------------------------------


def _step(key: str, at: Any = None, *, status: str = "done", private: bool = False, **data):
    return {"key": key, "at": at, "status": status, "private": private, **data}


# A problem's page reads these on every miss: compiled once (backend.compiled). Everyone
# sees whether and when it was published; only the author reads the rules and appeals.
_decisions = Compiled(
    lambda problem_id: Decision.objects.filter(problem_id=problem_id).order_by("created_at", "id")
)
_decisions_for_author = Compiled(
    lambda problem_id: (
        Decision.objects.filter(problem_id=problem_id)
        .select_related("appeal")
        .prefetch_related(Prefetch("rules", queryset=Rule.objects.order_by("position", "code")))
        .order_by("created_at", "id")
    )
)
_triage_records = Compiled(
    lambda problem_id: (
        TriageRecord.objects.filter(problem_id=problem_id)
        .select_related("entry")
        .order_by("created_at", "id")
    )
)


def _decision_steps(problem: Problem, is_author: bool) -> list[dict[str, Any]]:
    """The moderators' decisions: the first publication for everyone; rejections (with the
    cited rules' titles and the public note), hidings, restorations and appeals for the
    author only."""
    moves: list[dict[str, Any]] = []
    decisions = (_decisions_for_author if is_author else _decisions).fetch(problem_id=problem.pk)
    shown_published = False
    for decision in decisions:
        outcome, at = decision.outcome, decision.created_at
        if outcome in ("approve", "restore") and decision.previous_state != decision.new_state:
            if not shown_published:
                moves.append(_step("published", at))
            elif is_author:
                moves.append(_step("restored", at, private=True))
            shown_published = True
        elif is_author and outcome in ("reject", "hide"):
            rules = [rule.title for rule in decision.rules.all()]
            key = "rejected" if outcome == "reject" else "hidden"
            note = decision.public_note
            moves.append(_step(key, at, status="refused", private=True, rules=rules, note=note))
        appeal = getattr(decision, "appeal", None) if is_author else None
        if appeal is not None:
            moves.append(_step("appealed", appeal.created_at, private=True))
    if problem.moderation_state == PUBLISHED and not shown_published:
        moves.append(_step("published", problem.created_at))  # published at once
    return moves


# The author's own moves and the system's, read from the activity log.
_AUTHOR_ACTIVITY = {
    "problem.edit": ("edited", "done"),
    "problem.withdraw": ("withdrawn", "refused"),
    "moderation.hide_by_reports": ("hidden_by_reports", "refused"),
}


def _author_steps(problem: Problem) -> list[dict[str, Any]]:
    rows = Activity.objects.filter(
        object_type="problem", object_id=problem.pk, action__in=list(_AUTHOR_ACTIVITY)
    ).order_by("created_at", "id")
    steps = []
    for action, at in rows.values_list("action", "created_at"):
        key, status = _AUTHOR_ACTIVITY[action]
        steps.append(_step(key, at, status=status, private=True))
    return steps


def _planning_steps(problem: Problem, is_author: bool) -> list[dict[str, Any]]:
    """What planners did with a published problem: triage, the inventory, the plan."""
    records = _triage_records.fetch(problem_id=problem.pk)
    steps = [
        _step(
            f"triage_{record.action}",
            record.created_at,
            entry=record.entry,
            reason=record.reason if is_author else "",
        )
        for record in records
    ]
    if problem.triage_state == Triage.NEW:
        return [*steps, _step("waiting_triage", status="current")]
    entry = problem.inventory_entry
    if entry is None:
        return steps
    steps.append(_step("in_inventory", entry=entry))
    items = sorted(entry.addressed_by.all(), key=lambda item: item.sort_key)
    if not items:
        return [*steps, _step("waiting_plan", status="current")]
    linked = (
        Activity.objects.filter(
            object_type="inventoryentry", object_id=entry.pk, action="inventory.link_items"
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    return [*steps, _step("addressed", linked, plan_items=items)]


def problem_timeline(*, problem: Problem, user: Any = None) -> list[dict[str, Any]]:
    """The way a problem has come, oldest first, as steps `{key, at, status, private, …}`:
    submitted; the moderators' decisions (published, or rejected with the cited rules'
    titles, appealed, hidden, restored); the author's edits and withdrawal; the planners'
    triage (accepted into an entry, merged into one, out of scope); the entry's place in the
    inventory; the plan items addressing it. `status` is done, current (waiting now) or
    refused. Everyone sees the public steps of a published problem; its author also sees
    their own pending, rejected, hidden and withdrawn steps (`private`). Who decided is never
    shown. A handful of queries whatever the history's length."""
    is_author = bool(getattr(user, "is_authenticated", False)) and problem.author_id == user.pk
    published = problem.moderation_state == PUBLISHED
    if not (published or is_author):
        return []
    moves = _decision_steps(problem, is_author)
    if is_author:
        moves.extend(_author_steps(problem))
    moves.sort(key=lambda step: step["at"])
    steps = [_step("submitted", problem.created_at), *moves]
    if problem.moderation_state == ModerationState.PENDING and is_author:
        steps.append(_step("waiting_review", status="current", private=True))
    if published:
        steps.extend(_planning_steps(problem, is_author))
    return steps


# The home page ---------------------------------------------------------------------------

# An entry whose last change came this soon after its creation was only added.
_JUST_ADDED_SECONDS = 60


def inventory_counts(*, plan_ids: list[int]) -> dict[int, int]:
    """How many inventory entries each plan has (one query)."""
    rows = (
        InventoryEntry.objects.filter(plan_id__in=plan_ids)
        .order_by()
        .values("plan_id")
        .annotate(n=Count("pk"))
    )
    return {row["plan_id"]: row["n"] for row in rows}


def triage_counts(*, plan_ids: list[int]) -> dict[int, int]:
    """How many published problems of each plan wait on the planners' triage (one query)."""
    rows = (
        Problem.objects.filter(
            plan_id__in=plan_ids, moderation_state=PUBLISHED, triage_state=Triage.NEW
        )
        .order_by()
        .values("plan_id")
        .annotate(n=Count("pk"))
    )
    return {row["plan_id"]: row["n"] for row in rows}


def recent_entry_changes(*, plan_ids: list[int], since, limit: int = 20) -> list[dict]:
    """Inventory entries added or changed since `since`, newest first (the inventory is
    public; who changed them is not said): `{plan_id, kind: added|updated, at, entry}`."""
    entries = (
        InventoryEntry.objects.filter(plan_id__in=plan_ids, updated_at__gte=since)
        .only("id", "plan_id", "code", "title", "status", "created_at", "updated_at")
        .order_by("-updated_at", "-id")[:limit]
    )
    changes = []
    for entry in entries:
        added = (entry.updated_at - entry.created_at).total_seconds() < _JUST_ADDED_SECONDS
        changes.append(
            {
                "plan_id": entry.plan_id,
                "kind": "added" if added else "updated",
                "at": entry.updated_at,
                "entry": entry,
            }
        )
    return changes
