"""Planners' writes: triage of citizen problems into the plan's problem inventory, and the
inventory entries themselves. Every triage action keeps its provenance."""

from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction

from accounts.services import activity_record, notification_send
from backend.authz import authorise
from backend.errors import Conflict, DomainError, Missing
from backend.persian import normalise
from backend.sanitise import plain_text, plain_title
from inventory.figures import mark_stale
from inventory.models import InventoryEntry, TriageRecord
from moderation.models import ModerationState
from participation.models import Problem
from participation.services import problem_triaged_notify, problems_addressed_notify
from planning.models import Axis, Committee, Plan, PlanItem

TITLE_MAX = 200
STATEMENT_MAX = 5000
REASON_MAX = 1000
BULK_MAX = 200
ENTRY_FIELDS = ("title", "statement", "severity", "status", "axis", "committee")


def _check_tags(plan: Plan, axis: Axis | None, committee: Committee | None) -> None:
    if axis is not None and axis.city_id != plan.city_id:
        raise DomainError("این محور از شهر این برنامه نیست.", code="axis_other_city")
    if committee is not None and committee.city_id != plan.city_id:
        raise DomainError("این کمیته از شهر این برنامه نیست.", code="committee_other_city")


def _severity(value) -> int:
    try:
        severity = int(value)
    except (TypeError, ValueError):
        severity = 0
    if not 1 <= severity <= 5:
        raise DomainError("شدت باید از ۱ تا ۵ باشد.", code="severity_range")
    return severity


def _statement(text: str | None) -> str:
    """Plain text that keeps its line breaks."""
    lines = [plain_text(line) for line in (text or "").splitlines()]
    return "\n".join(lines).strip()[:STATEMENT_MAX]


def _next_code(plan: Plan) -> str:
    codes = InventoryEntry.objects.filter(plan=plan).values_list("code", flat=True)
    numbers = [int(code) for code in codes if code.isdigit()]
    return f"{max(numbers, default=0) + 1:03d}"


def _entry_state(entry: InventoryEntry) -> dict[str, Any]:
    """The entry's editable fields as the activity log keeps them."""
    return {
        "title": entry.title,
        "statement": entry.statement,
        "severity": entry.severity,
        "status": entry.status,
        "axis": entry.axis_id,
        "committee": entry.committee_id,
    }


def inventory_entry_create(
    *,
    actor: Any,
    plan: Plan,
    title: str,
    statement: str = "",
    axis: Axis | None = None,
    committee: Committee | None = None,
    severity: int = 3,
) -> InventoryEntry:
    """A new entry in the plan's problem inventory, numbered 001, 002, … per plan."""
    authorise(actor, "inventory.manage", plan)
    title = plain_title(title)
    if not title:
        raise DomainError("عنوان مسئله‌ی فهرست را بنویسید.", code="title_required")
    if len(title) > TITLE_MAX:
        raise DomainError(f"عنوان حداکثر {TITLE_MAX} نویسه است.", code="title_too_long")
    statement = _statement(statement)
    severity = _severity(severity)
    _check_tags(plan, axis, committee)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                entry = InventoryEntry.objects.create(
                    plan=plan,
                    code=_next_code(plan),
                    title=title,
                    title_key=normalise(title),
                    statement=statement,
                    axis=axis,
                    committee=committee,
                    severity=severity,
                    created_by=actor,
                )
                mark_stale(plan.pk)
                activity_record(
                    actor=actor,
                    action="inventory.create",
                    obj=entry,
                    city_id=plan.city_id,
                    after={"code": entry.code, **_entry_state(entry)},
                )
                return entry
        except IntegrityError:  # two planners took the same number at once
            continue
    raise Conflict("ثبت همزمان؛ دوباره تلاش کنید.", code="code_race")


def _apply_entry_changes(entry: InventoryEntry, changes: dict[str, Any]) -> None:
    """Clean and set the changed wording, tags, severity and status (unsaved)."""
    if "title" in changes:
        title = plain_title(changes["title"])
        if not title or len(title) > TITLE_MAX:
            raise DomainError("عنوان خالی یا بیش از اندازه است.", code="title_invalid")
        entry.title, entry.title_key = title, normalise(title)
    if "statement" in changes:
        entry.statement = _statement(changes["statement"])
    if "severity" in changes:
        entry.severity = _severity(changes["severity"])
    if "status" in changes:
        if changes["status"] not in InventoryEntry.Status.values:
            raise DomainError("وضعیت نامعتبر است.", code="invalid_status")
        entry.status = changes["status"]
    for field in ("axis", "committee"):
        if field in changes:
            setattr(entry, field, changes[field])
    _check_tags(entry.plan, entry.axis, entry.committee)


def inventory_entry_update(*, actor: Any, entry: InventoryEntry, **changes: Any) -> InventoryEntry:
    """Change an entry's wording, tags, severity, status or the plan items addressing it.
    The activity log keeps the changed fields before and after (`inventory.update`) and the
    plan items linked before and after (`inventory.link_items`)."""
    authorise(actor, "inventory.manage", entry)
    before = _entry_state(entry)
    _apply_entry_changes(entry, changes)
    after = _entry_state(entry)
    changed = [name for name in ENTRY_FIELDS if before[name] != after[name]]
    city_id = entry.plan.city_id
    with transaction.atomic():
        entry.save()
        if "axis" in changed or "committee" in changed:
            mark_stale(entry.plan_id)  # the charts count entries and problems by tag
        if changed:
            activity_record(
                actor=actor,
                action="inventory.update",
                obj=entry,
                city_id=city_id,
                before={name: before[name] for name in changed},
                after={name: after[name] for name in changed},
            )
        if "addressed_by" in changes:
            items = list(changes["addressed_by"] or [])
            if any(item.plan_id != entry.plan_id for item in items):
                raise DomainError("بندها باید از همین برنامه باشند.", code="item_other_plan")
            linked = sorted(entry.addressed_by.values_list("pk", flat=True))
            entry.addressed_by.set(items)
            wanted = sorted({item.pk for item in items})
            added = list({item.pk: item for item in items if item.pk not in linked}.values())
            problems_addressed_notify(items=added, entries=[entry], actor=actor)
            if linked != wanted:
                activity_record(
                    actor=actor,
                    action="inventory.link_items",
                    obj=entry,
                    city_id=city_id,
                    before={"addressed_by": linked},
                    after={"addressed_by": wanted},
                )
    return entry


# Triage --------------------------------------------------------------------------------

NOT_QUEUED = "این مسئله دیگر در صف بررسی این برنامه نیست؛ شاید پیش‌تر بررسی شده است."
NOT_QUEUED_SOME = "برخی از مسائل انتخاب‌شده دیگر در صف بررسی این برنامه نیستند؛ هیچ‌کدام بررسی نشد."


def _problem_for_triage(
    actor: Any, problem_id: int, *, plan_id: int | None, retriage: bool
) -> Problem:
    """The problem, locked for this transaction, once every rule of triage holds: it exists
    (404), the actor plans its city (403), it is in this plan (409, for a stale board),
    published (409) and — unless re-triage is asked for explicitly — not triaged yet (409).
    Checked under the row lock, so of two planners triaging at once the second is refused."""
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("plan")
        .filter(pk=problem_id)
        .first()
    )
    if problem is None:
        raise Missing("این مسئله پیدا نشد.")
    authorise(actor, "inventory.triage", problem)
    if plan_id is not None and problem.plan_id != plan_id:
        raise Conflict(NOT_QUEUED, code="not_queued")
    if problem.moderation_state != ModerationState.PUBLISHED:
        raise Conflict("فقط مسئله‌ی منتشرشده بررسی می‌شود.", code="not_published")
    if problem.triage_state != Problem.Triage.NEW and not retriage:
        raise Conflict(NOT_QUEUED, code="already_triaged")
    return problem


def _triage_state(problem: Problem) -> dict[str, Any]:
    return {
        "triage_state": problem.triage_state,
        "inventory_entry": problem.inventory_entry_id,
        "axis": problem.axis_id,
    }


def _record(
    problem: Problem,
    actor: Any,
    action: str,
    *,
    entry: InventoryEntry | None = None,
    reason: str = "",
) -> dict[str, Any]:
    """Keep the triage provenance (shown to planners); the state before, for the log."""
    TriageRecord.objects.create(
        problem=problem,
        actor=actor,
        action=action,
        entry=entry,
        reason=reason,
        previous_state=problem.triage_state,
        previous_entry_id=problem.inventory_entry_id,
        previous_axis_id=problem.axis_id,
    )
    mark_stale(problem.plan_id)  # the problem joins or leaves an entry's evidence
    return _triage_state(problem)


def _log_triage(
    problem: Problem, actor: Any, action: str, before: dict[str, Any], **extra: Any
) -> None:
    activity_record(
        actor=actor,
        action=f"triage.{action}",
        obj=problem,
        city_id=problem.plan.city_id,
        before=before,
        after={**_triage_state(problem), **extra},
    )


def _tell_author(
    problem: Problem,
    action: str,
    *,
    actor: Any,
    entry: InventoryEntry | None = None,
    reason: str = "",
) -> None:
    """The author hears the outcome (with the reason); the problem's followers too."""
    problem_triaged_notify(problem=problem, actor=actor, action=action, entry=entry)
    notification_send(
        user_ids=[problem.author_id],
        kind="triage.outcome",
        payload={
            "action": action,
            "problem": problem.pk,
            "summary": problem.title[:120],
            "entry": {"id": entry.pk, "code": entry.code, "title": entry.title} if entry else None,
            "reason": reason,
        },
    )


def triage_accept(
    *,
    actor: Any,
    problem_id: int,
    axis: Axis | None = None,
    committee: Committee | None = None,
    entry: InventoryEntry | None = None,
    new_entry: dict | None = None,
    plan_id: int | None = None,
    retriage: bool = False,
) -> Problem:
    """Accept a problem into an existing or a new inventory entry, tagged by axis and
    committee. A problem already triaged is refused (409) unless `retriage` is asked for;
    the history keeps every earlier action."""
    if (entry is None) == (new_entry is None):
        raise DomainError(
            "یکی از «مسئله‌ی موجود فهرست» یا «مسئله‌ی تازه‌ی فهرست» را بدهید.",
            code="entry_or_new_entry",
        )
    with transaction.atomic():
        problem = _problem_for_triage(actor, problem_id, plan_id=plan_id, retriage=retriage)
        _check_tags(problem.plan, axis, committee)
        if entry is not None and entry.plan_id != problem.plan_id:
            raise DomainError("این مسئله‌ی فهرست از برنامه‌ی دیگری است.", code="entry_other_plan")
        if entry is None:
            spec = new_entry or {}
            entry = inventory_entry_create(
                actor=actor,
                plan=problem.plan,
                title=spec.get("title", ""),
                statement=spec.get("statement", ""),
                axis=axis,
                committee=committee,
                severity=spec.get("severity", 3),
            )
        before = _record(problem, actor, TriageRecord.Action.ACCEPT, entry=entry)
        problem.triage_state = Problem.Triage.ACCEPTED
        problem.inventory_entry = entry
        problem.triage_reason = ""
        if axis is not None:
            problem.axis = axis
        problem.save(update_fields=["triage_state", "inventory_entry", "triage_reason", "axis"])
        extra = {}
        if committee is not None and entry.committee_id is None:
            InventoryEntry.objects.filter(pk=entry.pk).update(committee=committee)
            extra["entry_committee"] = committee.pk
        _log_triage(problem, actor, "accept", before, **extra)
        _tell_author(problem, "accept", actor=actor, entry=entry)
    return problem


def triage_merge(
    *,
    actor: Any,
    problem_id: int,
    entry: InventoryEntry | None,
    plan_id: int | None = None,
    retriage: bool = False,
) -> Problem:
    """Mark a problem a duplicate of an entry's problems. Supports stay where they are and
    count through the entry."""
    if entry is None:
        raise DomainError("مسئله‌ی فهرست را برای ادغام انتخاب کنید.", code="entry_required")
    with transaction.atomic():
        problem = _problem_for_triage(actor, problem_id, plan_id=plan_id, retriage=retriage)
        if entry.plan_id != problem.plan_id:
            raise DomainError("این مسئله‌ی فهرست از برنامه‌ی دیگری است.", code="entry_other_plan")
        before = _record(problem, actor, TriageRecord.Action.MERGE, entry=entry)
        problem.triage_state = Problem.Triage.MERGED
        problem.inventory_entry = entry
        problem.triage_reason = ""
        problem.save(update_fields=["triage_state", "inventory_entry", "triage_reason"])
        _log_triage(problem, actor, "merge", before)
        _tell_author(problem, "merge", actor=actor, entry=entry)
    return problem


def triage_out_of_scope(
    *,
    actor: Any,
    problem_id: int,
    reason: str,
    plan_id: int | None = None,
    retriage: bool = False,
) -> Problem:
    """Outside the plan's scope, with a reason the author is shown."""
    reason = plain_text(reason)
    if not reason:
        raise DomainError("دلیل خارج بودن از موضوع را بنویسید.", code="reason_required")
    if len(reason) > REASON_MAX:
        raise DomainError(f"دلیل حداکثر {REASON_MAX} نویسه است.", code="reason_too_long")
    with transaction.atomic():
        problem = _problem_for_triage(actor, problem_id, plan_id=plan_id, retriage=retriage)
        before = _record(problem, actor, TriageRecord.Action.OUT_OF_SCOPE, reason=reason)
        problem.triage_state = Problem.Triage.OUT_OF_SCOPE
        problem.inventory_entry = None
        problem.triage_reason = reason
        problem.save(update_fields=["triage_state", "inventory_entry", "triage_reason"])
        _log_triage(problem, actor, "out_of_scope", before, reason=reason)
        _tell_author(problem, "out_of_scope", actor=actor, reason=reason)
    return problem


ACTIONS: dict[str, Callable[..., Problem]] = {
    "accept": triage_accept,
    "merge": triage_merge,
    "out_of_scope": triage_out_of_scope,
}


def triage(*, actor: Any, problem_id: int, action: str, **arguments: Any) -> Problem:
    """One triage action by its name (accept, merge, out_of_scope)."""
    if action not in ACTIONS:
        raise DomainError("کار نامعتبر است.", code="invalid_action")
    return ACTIONS[action](actor=actor, problem_id=problem_id, **arguments)


def triage_bulk(
    *, actor: Any, problem_ids: list[int], action: str, **arguments: Any
) -> list[Problem]:
    """The same action on many problems, all or nothing: one problem already triaged (by a
    stale selection or another planner) refuses them all unless `retriage` is asked for. An
    accept into a new entry creates that entry once and puts every problem in it."""
    if action not in ACTIONS:
        raise DomainError("کار نامعتبر است.", code="invalid_action")
    ids = list(dict.fromkeys(problem_ids))
    if not ids or len(ids) > BULK_MAX:
        raise DomainError(f"از ۱ تا {BULK_MAX} مسئله را انتخاب کنید.", code="bulk_size")
    done = []
    try:
        with transaction.atomic():
            for problem_id in ids:
                problem = ACTIONS[action](actor=actor, problem_id=problem_id, **arguments)
                if action == "accept" and arguments.get("new_entry") is not None:
                    arguments = {**arguments, "new_entry": None, "entry": problem.inventory_entry}
                done.append(problem)
    except Conflict as error:
        if len(ids) > 1 and error.code in ("not_queued", "already_triaged"):
            raise Conflict(NOT_QUEUED_SOME, code=error.code) from error
        raise
    return done


def plan_item_addresses_set(
    *, actor: Any, item: PlanItem, entries: list[InventoryEntry]
) -> PlanItem:
    """Link a plan item to the inventory entries it answers (traceability)."""
    authorise(actor, "inventory.manage", item)
    if any(entry.plan_id != item.plan_id for entry in entries):
        raise DomainError("مسائل فهرست باید از همین برنامه باشند.", code="entry_other_plan")
    with transaction.atomic():
        linked = sorted(item.addresses.values_list("pk", flat=True))
        item.addresses.set(entries)
        wanted = sorted({entry.pk for entry in entries})
        added = list({entry.pk: entry for entry in entries if entry.pk not in linked}.values())
        problems_addressed_notify(items=[item], entries=added, actor=actor)
        if linked != wanted:
            activity_record(
                actor=actor,
                action="inventory.link_items",
                obj=item,
                city_id=item.plan.city_id,
                before={"entries": linked},
                after={"entries": wanted},
            )
    return item
