"""Planners' writes: triage of citizen problems into the plan's problem inventory, and the
inventory entries themselves. Every triage action keeps its provenance."""

import rules as django_rules
from django.db import IntegrityError, transaction

from accounts.services import notification_send
from backend.errors import Conflict, DomainError, Missing, Refused
from backend.persian import normalise
from backend.sanitise import plain_text
from inventory.models import InventoryEntry, TriageRecord
from inventory.selectors import triage_queue
from moderation.models import ModerationState
from participation.models import Problem
from planning.models import Axis, Committee, Plan, PlanItem

TITLE_MAX = 200
STATEMENT_MAX = 5000
REASON_MAX = 1000
BULK_MAX = 200


def _require_planner(actor, city_id: int) -> None:
    if not django_rules.test_rule("planning.plan_city", actor, city_id):
        raise Refused("شما برنامه‌ریز این شهر نیستید.", code="not_city_planner")


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


def inventory_entry_create(
    *,
    actor,
    plan: Plan,
    title: str,
    statement: str = "",
    axis: Axis | None = None,
    committee: Committee | None = None,
    severity: int = 3,
) -> InventoryEntry:
    """A new entry in the plan's problem inventory, numbered 001, 002, … per plan."""
    _require_planner(actor, plan.city_id)
    title = plain_text(title)
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
                return InventoryEntry.objects.create(
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
        except IntegrityError:  # two planners took the same number at once
            continue
    raise Conflict("ثبت همزمان؛ دوباره تلاش کنید.", code="code_race")


def inventory_entry_update(*, actor, entry: InventoryEntry, **changes) -> InventoryEntry:
    """Change an entry's wording, tags, severity, status or the plan items addressing it."""
    _require_planner(actor, entry.plan.city_id)
    if "title" in changes:
        title = plain_text(changes["title"])
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
    with transaction.atomic():
        entry.save()
        if "addressed_by" in changes:
            items = list(changes["addressed_by"] or [])
            if any(item.plan_id != entry.plan_id for item in items):
                raise DomainError("بندها باید از همین برنامه باشند.", code="item_other_plan")
            entry.addressed_by.set(items)
    return entry


# Triage --------------------------------------------------------------------------------


def _problem_for_triage(problem_id: int, plan_id: int | None = None):
    problem = (
        Problem.objects.select_for_update(of=("self",))
        .select_related("plan")
        .filter(pk=problem_id)
        .first()
    )
    if problem is None or (plan_id is not None and problem.plan_id != plan_id):
        raise Missing("این مسئله پیدا نشد.")
    if problem.moderation_state != ModerationState.PUBLISHED:
        raise Conflict("فقط مسئله‌ی منتشرشده بررسی می‌شود.", code="not_published")
    return problem


def _record(problem, actor, action: str, *, entry=None, reason: str = "") -> None:
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


def _tell_author(problem, action: str, *, entry=None, reason: str = "") -> None:
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
    actor,
    problem_id: int,
    axis: Axis | None = None,
    committee: Committee | None = None,
    entry: InventoryEntry | None = None,
    new_entry: dict | None = None,
):
    """Accept a problem into an existing or a new inventory entry, tagged by axis and
    committee. Re-triage is allowed; the history keeps every earlier action."""
    if (entry is None) == (new_entry is None):
        raise DomainError(
            "یکی از «مسئله‌ی موجود فهرست» یا «مسئله‌ی تازه‌ی فهرست» را بدهید.",
            code="entry_or_new_entry",
        )
    with transaction.atomic():
        problem = _problem_for_triage(problem_id)
        _require_planner(actor, problem.plan.city_id)
        _check_tags(problem.plan, axis, committee)
        if entry is not None and entry.plan_id != problem.plan_id:
            raise DomainError("این مسئله‌ی فهرست از برنامه‌ی دیگری است.", code="entry_other_plan")
        if entry is None:
            entry = inventory_entry_create(
                actor=actor,
                plan=problem.plan,
                title=new_entry.get("title", ""),
                statement=new_entry.get("statement", ""),
                axis=axis,
                committee=committee,
                severity=new_entry.get("severity", 3),
            )
        _record(problem, actor, TriageRecord.Action.ACCEPT, entry=entry)
        problem.triage_state = Problem.Triage.ACCEPTED
        problem.inventory_entry = entry
        problem.triage_reason = ""
        if axis is not None:
            problem.axis = axis
        problem.save(update_fields=["triage_state", "inventory_entry", "triage_reason", "axis"])
        if committee is not None and entry.committee_id is None:
            InventoryEntry.objects.filter(pk=entry.pk).update(committee=committee)
        _tell_author(problem, "accept", entry=entry)
    return problem


def triage_merge(*, actor, problem_id: int, entry: InventoryEntry | None):
    """Mark a problem a duplicate of an entry's problems. Supports stay where they are and
    count through the entry."""
    if entry is None:
        raise DomainError("مسئله‌ی فهرست را برای ادغام انتخاب کنید.", code="entry_required")
    with transaction.atomic():
        problem = _problem_for_triage(problem_id)
        _require_planner(actor, problem.plan.city_id)
        if entry.plan_id != problem.plan_id:
            raise DomainError("این مسئله‌ی فهرست از برنامه‌ی دیگری است.", code="entry_other_plan")
        _record(problem, actor, TriageRecord.Action.MERGE, entry=entry)
        problem.triage_state = Problem.Triage.MERGED
        problem.inventory_entry = entry
        problem.triage_reason = ""
        problem.save(update_fields=["triage_state", "inventory_entry", "triage_reason"])
        _tell_author(problem, "merge", entry=entry)
    return problem


def triage_out_of_scope(*, actor, problem_id: int, reason: str):
    """Outside the plan's scope, with a reason the author is shown."""
    reason = plain_text(reason)
    if not reason:
        raise DomainError("دلیل خارج بودن از موضوع را بنویسید.", code="reason_required")
    if len(reason) > REASON_MAX:
        raise DomainError(f"دلیل حداکثر {REASON_MAX} نویسه است.", code="reason_too_long")
    with transaction.atomic():
        problem = _problem_for_triage(problem_id)
        _require_planner(actor, problem.plan.city_id)
        _record(problem, actor, TriageRecord.Action.OUT_OF_SCOPE, reason=reason)
        problem.triage_state = Problem.Triage.OUT_OF_SCOPE
        problem.inventory_entry = None
        problem.triage_reason = reason
        problem.save(update_fields=["triage_state", "inventory_entry", "triage_reason"])
        _tell_author(problem, "out_of_scope", reason=reason)
    return problem


def triage_check_queued(*, plan_id: int, problem_ids: list[int]) -> None:
    """409 unless every problem is still untriaged in this plan's queue: a stale board or a
    second planner must not re-triage silently (re-triage is a deliberate act)."""
    wanted = set(problem_ids)
    if triage_queue(plan_id=plan_id).filter(pk__in=wanted).count() == len(wanted):
        return
    if len(wanted) == 1:
        message = "این مسئله دیگر در صف بررسی این برنامه نیست؛ شاید پیش‌تر بررسی شده است."
    else:
        message = "برخی از مسائل انتخاب‌شده دیگر در صف بررسی این برنامه نیستند."
    raise Conflict(message, code="not_queued")


ACTIONS = {"accept": triage_accept, "merge": triage_merge, "out_of_scope": triage_out_of_scope}


def triage_bulk(*, actor, problem_ids: list[int], action: str, **arguments) -> list:
    """The same action on many problems, all or nothing. An accept into a new entry creates
    that entry once and puts every problem in it."""
    if action not in ACTIONS:
        raise DomainError("کار نامعتبر است.", code="invalid_action")
    ids = list(dict.fromkeys(problem_ids))
    if not ids or len(ids) > BULK_MAX:
        raise DomainError(f"از ۱ تا {BULK_MAX} مسئله را انتخاب کنید.", code="bulk_size")
    done = []
    with transaction.atomic():
        for problem_id in ids:
            problem = ACTIONS[action](actor=actor, problem_id=problem_id, **arguments)
            if action == "accept" and arguments.get("new_entry") is not None:
                arguments = {**arguments, "new_entry": None, "entry": problem.inventory_entry}
            done.append(problem)
    return done


def plan_item_addresses_set(*, actor, item: PlanItem, entries: list[InventoryEntry]) -> PlanItem:
    """Link a plan item to the inventory entries it answers (traceability)."""
    _require_planner(actor, item.plan.city_id)
    if any(entry.plan_id != item.plan_id for entry in entries):
        raise DomainError("مسائل فهرست باید از همین برنامه باشند.", code="entry_other_plan")
    item.addresses.set(entries)
    return item
