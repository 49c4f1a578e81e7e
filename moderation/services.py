"""Moderation writes: the content lifecycle (one table, one transition service), the queue
and its claims, decisions that cite published rules, reports, appeals — each told to the
people it concerns and recorded in the city's activity log."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Organisation
from accounts.services import activity_record, notification_send
from backend.afterresponse import after_commit_and_response
from backend.authz import authorise
from backend.errors import Conflict, DomainError, Missing
from backend.ratelimit import posting_limit_check
from backend.realtime import (
    city_moderation_group,
    emit_after_response,
    emit_on_commit,
    send_event,
)
from backend.sanitise import plain_text
from cities.models import City
from moderation.content import content_summary, content_text, kind_named, kind_of
from moderation.hints import text_hints
from moderation.models import (
    Appeal,
    Decision,
    ModeratedContent,
    ModerationState,
    QueueEntry,
    Report,
    Rule,
)
from moderation.rules import APPEAL, CLAIM, DECIDE, RELEASE, REPORT, enforce

S = ModerationState
Outcome = Decision.Outcome


class Move(models.TextChoices):
    """What can happen to content: a moderator's outcome, or a move the system makes."""

    APPROVE = Outcome.APPROVE.value, Outcome.APPROVE.label
    REJECT = Outcome.REJECT.value, Outcome.REJECT.label
    HIDE = Outcome.HIDE.value, Outcome.HIDE.label
    RESTORE = Outcome.RESTORE.value, Outcome.RESTORE.label
    APPEAL = "appeal", _("درخواست بازبینی")
    HIDE_BY_REPORTS = "hide_by_reports", _("پنهان شدن با گزارش کاربران")
    WITHDRAW = "withdraw", _("پس گرفتن به دست نویسنده")


# The content lifecycle (DESIGN §4), the only truth: (state, move) -> the new state. A pair
# not here is refused (409). A decision may keep the state: approving published content
# (post-moderation's look after publishing), a rejection upheld, hiding hidden content.
LIFECYCLE: dict[tuple[str, str], str] = {
    (S.PENDING, Move.APPROVE): S.PUBLISHED,
    (S.PUBLISHED, Move.APPROVE): S.PUBLISHED,
    (S.REJECTED, Move.APPROVE): S.PUBLISHED,
    (S.HIDDEN, Move.APPROVE): S.PUBLISHED,
    (S.PENDING, Move.REJECT): S.REJECTED,
    (S.REJECTED, Move.REJECT): S.REJECTED,
    (S.HIDDEN, Move.REJECT): S.REJECTED,
    (S.PUBLISHED, Move.HIDE): S.HIDDEN,
    (S.HIDDEN, Move.HIDE): S.HIDDEN,
    (S.HIDDEN, Move.RESTORE): S.PUBLISHED,
    (S.REJECTED, Move.APPEAL): S.PENDING,
    (S.PUBLISHED, Move.HIDE_BY_REPORTS): S.HIDDEN,
    (S.PENDING, Move.WITHDRAW): S.WITHDRAWN,
}
MUST_CITE = {Outcome.REJECT, Outcome.HIDE}
NOTE_MAX = 2000


def lifecycle_next(state: str, move: str) -> str:
    """The state `move` takes content in `state` to; 409 in Persian if the table refuses."""
    new_state = LIFECYCLE.get((state, move))
    if new_state is None:
        label = Move(move).label if move in Move.values else move
        state_label = S(state).label if state in S.values else state
        raise Conflict(
            f"«{label}» برای نوشته‌ای در وضعیت «{state_label}» معنا ندارد.",
            code="invalid_transition",
        )
    return new_state


def outcomes_from(state: str) -> list[str]:
    """The decision outcomes the lifecycle allows for content in `state`."""
    return [o for o in Outcome.values if (state, o) in LIFECYCLE]


def content_transition(
    *, content: ModeratedContent, move: str, actor: Any, city_id: int | None = None
) -> tuple[str, str]:
    """The one way content changes state: lock its row, check the move against LIFECYCLE
    (409 otherwise), store the new state and when it changed, and record «content.state»
    in the city's activity log. Returns (before, after); a move that keeps the state
    writes nothing."""
    model = type(content)
    with transaction.atomic():
        current = (
            model._default_manager.select_for_update().only("moderation_state").get(pk=content.pk)
        )
        before = current.moderation_state
        after = lifecycle_next(before, move)
        if after == before:
            content.moderation_state = before
            return before, after
        now = timezone.now()
        model._default_manager.filter(pk=content.pk).update(
            moderation_state=after, moderation_changed_at=now
        )
        content.moderation_state = after
        content.moderation_changed_at = now
        activity_record(
            actor=actor,
            action="content.state",
            obj=content,
            city_id=city_id if city_id is not None else kind_of(content).city_id(content),
            before={"state": before},
            after={"state": after, "move": str(move)},
        )
        if after == S.PUBLISHED:
            kind_of(content).on_published(content, actor)
    return before, after


def author_is_trusted(author) -> bool:
    """Verified experts and members of verified NGOs."""
    if getattr(author, "is_expert", False):
        return True
    return Membership.objects.filter(
        user=author, organisation__status=Organisation.Status.VERIFIED
    ).exists()


def initial_state(*, author, post_moderation: bool, trusted_publish_at_once: bool) -> str:
    """The state a new post starts in under its plan's moderation settings: pending under
    pre-moderation (the default); published under post-moderation, or for trusted authors
    when the plan lets them publish at once."""
    if post_moderation:
        return S.PUBLISHED
    if trusted_publish_at_once and author_is_trusted(author):
        return S.PUBLISHED
    return S.PENDING


# Content helpers ---------------------------------------------------------------------


def content_kind(content: ModeratedContent) -> str:
    return kind_of(content).name


def _reference(content: ModeratedContent) -> dict:
    return {content_kind(content): content}


# The queue ---------------------------------------------------------------------------


def _entry_event(entry: QueueEntry, kind: str, **extra) -> None:
    """Tell the city's live queue, after the commit and after the actor's answer has gone;
    the entry is read then, so the event carries what a moderator would load at that moment."""
    from moderation.selectors import queue_entry_payload  # the live view's shape

    entry_id = entry.pk
    emit_after_response(
        city_moderation_group(entry.city.slug),
        "queue.event",
        lambda: {"event": kind, "entry_id": entry_id, **queue_entry_payload(entry_id), **extra},
    )


def _announce_new_entry(entry_id: int, city_id: int, content: ModeratedContent) -> None:
    """After the author's answer: the kind's hints, then the city's live queue is told."""
    event = _kind_hints_later(entry_id, content)
    if event is not None:
        slug = City.objects.filter(pk=city_id).values_list("slug", flat=True).first()
        if slug:
            send_event(city_moderation_group(slug), "queue.event", event)


def _kind_hints_later(entry_id: int, content: ModeratedContent) -> dict | None:
    """The content kind's own hints (a likely duplicate), added to a new entry once the
    author has their answer, then the entry announced. None when the entry was closed
    in between (its author withdrew it, say): the live queue has already dropped it."""
    from moderation.selectors import queue_entry_payload

    found = kind_of(content).hints(content)
    with transaction.atomic():
        entry = (
            QueueEntry.objects.select_for_update()
            .only("pk", "hints", "closed_at")
            .filter(pk=entry_id)
            .first()
        )
        if entry is None or entry.closed_at is not None:
            return None
        if found:
            entry.hints = {**(entry.hints or {}), **found}
            entry.save(update_fields=["hints"])
    return {"event": "created", "entry_id": entry_id, **queue_entry_payload(entry_id)}


def queue_enqueue(
    *, content: ModeratedContent, reason: str, appeal: Appeal | None = None, fresh: bool = False
) -> QueueEntry:
    """Put content in its city's queue (once per reason while open) and tell moderators.
    The text's own hints (language, links, phone numbers) are stored with the entry; the
    kind's hints, which search (a likely duplicate), are added after the author's answer has
    gone, just before the live queue hears of the entry (backend/afterresponse.py)."""
    reference = _reference(content)
    if not fresh:  # content stored in this transaction has no entries yet
        existing = QueueEntry.objects.filter(
            **reference, reason=reason, closed_at__isnull=True
        ).first()
        if existing is not None and appeal is None:
            return existing
    entry = QueueEntry.objects.create(
        **reference,
        city_id=kind_of(content).city_id(content),
        reason=reason,
        appeal=appeal,
        hints=text_hints(content_text(content)),
    )
    entry_id, city_id = entry.pk, entry.city_id
    after_commit_and_response(lambda: _announce_new_entry(entry_id, city_id, content))
    return entry


def content_submitted(*, content: ModeratedContent) -> QueueEntry:
    """Every new post gets a look, even one already published under post-moderation.
    Called in the transaction that stored `content`, so it has no entry to look for yet."""
    return queue_enqueue(content=content, reason=QueueEntry.Reason.NEW, fresh=True)


def _open_entry(entry_id: int, *, lock: bool = True) -> QueueEntry:
    queryset = QueueEntry.objects.select_related("city", "appeal__decision")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    entry = queryset.filter(pk=entry_id).first()
    if entry is None:
        raise Missing("این مورد در صف نیست.")
    return entry


# Why an entry was closed without a decision (hints["closed_by_author"]), as a moderator
# who still has it on screen is told.
CLOSED_BY_AUTHOR = {
    "edit": "نویسنده این نوشته را ویرایش کرده است؛ متن تازه دوباره در صف است.",
    "withdraw": "نویسنده این نوشته را پس گرفته است.",
}


def _refuse_if_closed(entry: QueueEntry) -> None:
    if entry.closed_at is not None:
        why = (entry.hints or {}).get("closed_by_author")
        if why in CLOSED_BY_AUTHOR:
            raise Conflict(CLOSED_BY_AUTHOR[why], code=f"closed_by_author_{why}")
        raise Conflict("درباره‌ی این مورد پیش‌تر تصمیم گرفته شده است.", code="closed")


def _refuse_if_claimed_by_another(entry: QueueEntry, moderator: Any, now: datetime) -> None:
    """409 while another moderator's claim on the entry is live."""
    if (
        entry.claimed_by_id not in (None, moderator.pk)
        and entry.claimed_until
        and entry.claimed_until > now
    ):
        raise Conflict(
            "ناظر دیگری این مورد را برداشته است؛ کمی بعد دوباره نگاه کنید.",
            code="claimed",
            extra={"claimed_until": entry.claimed_until.isoformat()},
        )


def _claim_record(entry: QueueEntry, *, actor: Any, action: str, before: dict) -> None:
    activity_record(
        actor=actor,
        action=action,
        obj=entry,
        city_id=entry.city_id,
        before=before,
        after=_claim_state(entry),
    )


def _claim_state(entry: QueueEntry) -> dict:
    return {
        "claimed_by": entry.claimed_by_id,
        "claimed_until": entry.claimed_until.isoformat() if entry.claimed_until else None,
    }


def queue_claim(*, moderator: Any, entry_id: int) -> QueueEntry:
    """Reserve an entry for a few minutes; another moderator's live claim is a 409."""
    now = timezone.now()
    with transaction.atomic():
        entry = _open_entry(entry_id)
        enforce(moderator, CLAIM, entry)
        _refuse_if_closed(entry)
        _refuse_if_claimed_by_another(entry, moderator, now)
        before = _claim_state(entry)
        entry.claimed_by = moderator
        entry.claimed_until = now + timedelta(seconds=settings.MODERATION_CLAIM_SECONDS)
        entry.save(update_fields=["claimed_by", "claimed_until"])
        _claim_record(entry, actor=moderator, action="moderation.claim", before=before)
        _entry_event(entry, "claimed")
    return entry


def queue_release(*, moderator: Any, entry_id: int) -> QueueEntry:
    with transaction.atomic():
        entry = _open_entry(entry_id)
        authorise(moderator, RELEASE, entry)
        if entry.claimed_by_id != moderator.pk:
            raise Conflict("این مورد را شما برنداشته‌اید.", code="not_claimed_by_you")
        before = _claim_state(entry)
        entry.claimed_by = None
        entry.claimed_until = None
        entry.save(update_fields=["claimed_by", "claimed_until"])
        _claim_record(entry, actor=moderator, action="moderation.release", before=before)
        _entry_event(entry, "released")
    return entry


# The author's own moves while content waits -------------------------------------------


def _close_open_entries(content: ModeratedContent, why: str, now: datetime) -> list[QueueEntry]:
    """Close every open entry of `content` without a decision, saying why (the author's edit
    or withdrawal), claims and all; the live queue drops them. Returns them as they were."""
    kind = content_kind(content)
    entries = list(
        QueueEntry.objects.select_for_update(of=("self",))
        .select_related("city", "appeal")
        .filter(**{kind: content}, closed_at__isnull=True)
        .order_by("id")
    )
    for entry in entries:
        entry.hints = {**(entry.hints or {}), "closed_by_author": why}
        entry.closed_at = now
        entry.claimed_by, entry.claimed_until = None, None
        entry.save(update_fields=["hints", "closed_at", "claimed_by", "claimed_until"])
    if entries:
        emit_on_commit(
            city_moderation_group(entries[0].city.slug),
            "queue.event",
            {"event": "decided", "entry_ids": [e.pk for e in entries], "outcome": why},
        )
    return entries


def content_edited(*, content: ModeratedContent, actor: Any) -> list[QueueEntry]:
    """The author changed pending content: its open entries (claimed or not) are closed and
    it is queued afresh for each of their reasons, an appeal staying an appeal, so every
    moderator reads the new text with fresh hints and nobody decides on words that are
    gone. The caller holds the transaction in which the content was saved."""
    now = timezone.now()
    closed = _close_open_entries(content, "edit", now)
    fresh: list[QueueEntry] = []
    for entry in closed:
        appeal = entry.appeal if entry.appeal_id else None
        if appeal is not None:  # an appeal has one entry: the new one takes it over
            QueueEntry.objects.filter(pk=entry.pk).update(appeal=None)
        fresh.append(queue_enqueue(content=content, reason=entry.reason, appeal=appeal))
    if not fresh:
        fresh.append(queue_enqueue(content=content, reason=QueueEntry.Reason.NEW))
    for entry in fresh:  # the moderator is told the text is a second version
        entry.hints = {**(entry.hints or {}), "edited_by_author": now.isoformat()}
        entry.save(update_fields=["hints"])
    activity_record(
        actor=actor,
        action="moderation.requeue",
        obj=content,
        city_id=kind_of(content).city_id(content),
        before={"entries": [e.pk for e in closed]},
        after={"entries": [e.pk for e in fresh]},
    )
    return fresh


def content_withdraw(*, content: ModeratedContent, actor: Any) -> None:
    """The author takes pending content back: it becomes withdrawn (kept, with its history,
    seen by its author only) and leaves every queue. Anything but pending is a 409."""
    with transaction.atomic():
        content_transition(content=content, move=Move.WITHDRAW, actor=actor)
        _close_open_entries(content, "withdraw", timezone.now())


# Decisions ---------------------------------------------------------------------------


def rules_current() -> list[Rule]:
    """The newest version of each active rule."""
    newest: dict[str, Rule] = {}
    for rule in Rule.objects.filter(active=True).order_by("code", "-version"):
        newest.setdefault(rule.code, rule)
    return sorted(newest.values(), key=lambda r: (r.position, r.code))


def _cited_rules(codes: list[str], *, citeable_only: bool) -> list[Rule]:
    current = {rule.code: rule for rule in rules_current()}
    unknown = [code for code in codes if code not in current]
    if unknown:
        raise DomainError("این قاعده‌ها نیستند: " + "، ".join(unknown), code="unknown_rule")
    cited = [current[code] for code in dict.fromkeys(codes)]
    if citeable_only and any(not rule.citeable for rule in cited):
        raise DomainError("این قاعده برای رد یا پنهان کردن قابل استناد نیست.", code="not_citeable")
    return cited


@dataclass
class DecisionPlan:
    """What `decision_check` found acceptable; `decision_apply` writes it."""

    entry: QueueEntry
    content: ModeratedContent
    outcome: str
    cited: list[Rule]
    previous_state: str
    new_state: str
    public_note: str
    internal_note: str
    now: datetime


def decision_check(
    *,
    moderator: Any,
    entry_id: int,
    outcome: str,
    rule_codes: list[str] | None = None,
    public_note: str = "",
    internal_note: str = "",
    lock: bool = False,
) -> DecisionPlan:
    """Everything a decision must pass, writing nothing: a known outcome; reject and hide
    cite at least one citeable rule; the permission (a moderator of the entry's city, not
    on their own content, on an appeal not the moderator who rejected); the entry open and
    not claimed by another; the lifecycle allows the outcome in the content's state."""
    if outcome not in Outcome.values:
        raise DomainError("نتیجه‌ی تصمیم نامعتبر است.", code="invalid_outcome")
    rule_codes = list(rule_codes or [])
    if outcome in MUST_CITE and not rule_codes:
        raise DomainError("برای رد یا پنهان کردن دست‌کم یک قاعده را ذکر کنید.", code="rule_required")
    cited = _cited_rules(rule_codes, citeable_only=outcome in MUST_CITE)
    now = timezone.now()
    entry = _open_entry(entry_id, lock=lock)
    enforce(moderator, DECIDE, entry)
    _refuse_if_closed(entry)
    _refuse_if_claimed_by_another(entry, moderator, now)
    model = kind_named(entry.content_type).model
    contents = model._default_manager.select_for_update() if lock else model._default_manager
    content = contents.get(pk=entry.object_id)
    previous = content.moderation_state
    return DecisionPlan(
        entry=entry,
        content=content,
        outcome=outcome,
        cited=cited,
        previous_state=previous,
        new_state=lifecycle_next(previous, outcome),
        public_note=plain_text(public_note)[:NOTE_MAX],
        internal_note=plain_text(internal_note)[:NOTE_MAX],
        now=now,
    )


def _decision_write(plan: DecisionPlan, *, moderator: Any) -> Decision:
    entry, content, outcome = plan.entry, plan.content, plan.outcome
    kind = entry.content_type
    decision = Decision.objects.create(
        **{kind: content},
        entry=entry,
        city_id=entry.city_id,
        moderator=moderator,
        author_id=content.author_id,
        outcome=outcome,
        public_note=plan.public_note,
        internal_note=plan.internal_note,
        previous_state=plan.previous_state,
        new_state=plan.new_state,
        waited_seconds=max(int((plan.now - entry.created_at).total_seconds()), 0),
    )
    decision.rules.set(plan.cited)
    content_transition(content=content, move=outcome, actor=moderator, city_id=entry.city_id)
    activity_record(
        actor=moderator,
        action="moderation.decide",
        obj=decision,
        city_id=entry.city_id,
        before={"state": plan.previous_state},
        after={
            "state": plan.new_state,
            "outcome": outcome,
            "rules": [f"{r.code}@{r.version}" for r in plan.cited],
            "entry": entry.pk,
            "content_type": kind,
            "object_id": content.pk,
        },
    )
    # One decision settles every open look at the same content.
    closing = QueueEntry.objects.filter(**{kind: content}, closed_at__isnull=True)
    closed_ids = list(closing.values_list("pk", flat=True))
    closing.update(closed_at=plan.now, claimed_by=None, claimed_until=None)
    notification_send(
        user_ids=[content.author_id],
        kind="moderation.decision",
        payload={
            "decision": decision.pk,
            "outcome": outcome,
            "outcome_label": str(Outcome(outcome).label),
            "content_type": kind,
            "object_id": content.pk,
            "summary": content_summary(content),
            "rules": [{"code": r.code, "version": r.version, "title": r.title} for r in plan.cited],
            "public_note": plan.public_note,
            "state": plan.new_state,
            "can_appeal": outcome == Outcome.REJECT and entry.reason != QueueEntry.Reason.APPEAL,
        },
    )
    emit_on_commit(
        city_moderation_group(entry.city.slug),
        "queue.event",
        {"event": "decided", "entry_ids": closed_ids, "outcome": outcome},
    )
    return decision


def decision_apply(
    *,
    moderator: Any,
    entry_id: int,
    outcome: str,
    rule_codes: list[str] | None = None,
    public_note: str = "",
    internal_note: str = "",
) -> Decision:
    """Decide on a queued entry: `decision_check` under lock, then the append-only
    decision, the content's move, the activity entries, the closed entries and the
    author's notification (with the rules and the public note)."""
    with transaction.atomic():
        plan = decision_check(
            moderator=moderator,
            entry_id=entry_id,
            outcome=outcome,
            rule_codes=rule_codes,
            public_note=public_note,
            internal_note=internal_note,
            lock=True,
        )
        return _decision_write(plan, moderator=moderator)


# Reports and appeals -----------------------------------------------------------------


def report_submit(
    *, reporter: Any, content: ModeratedContent, rule_code: str, details: str = ""
) -> Report:
    """A signed-in user other than the author reports published content, citing a rule;
    one report per user per content. When distinct reporters since the content's last
    state change reach the threshold, it is hidden and queued for a moderator."""
    enforce(reporter, REPORT, content)
    rule = _cited_rules([rule_code], citeable_only=True)[0]
    kind = content_kind(content)
    city_id = kind_of(content).city_id(content)
    try:
        with transaction.atomic():
            get_user_model().objects.select_for_update().only("pk").get(pk=reporter.pk)
            posting_limit_check("report", Report.objects.filter(reporter_id=reporter.pk))
            report = Report.objects.create(
                **{kind: content},
                reporter=reporter,
                rule=rule,
                details=plain_text(details)[:NOTE_MAX],
            )
            activity_record(
                actor=reporter,
                action="moderation.report",
                obj=report,
                city_id=city_id,
                after={
                    "rule": f"{rule.code}@{rule.version}",
                    "content_type": kind,
                    "object_id": content.pk,
                },
            )
    except IntegrityError as error:
        raise Conflict("این نوشته را پیش‌تر گزارش کرده‌اید.", code="already_reported") from error
    since = (
        Q(created_at__gte=content.moderation_changed_at) if content.moderation_changed_at else Q()
    )
    distinct = Report.objects.filter(since, **{kind: content}).values("reporter").distinct().count()
    if distinct >= settings.MODERATION_REPORT_THRESHOLD:
        _hide_by_reports(content=content, kind=kind, city_id=city_id, reporters=distinct)
    return report


def _hide_by_reports(*, content: ModeratedContent, kind: str, city_id: int, reporters: int) -> None:
    """The system's move (no actor): reported published content is hidden until a
    moderator looks. Content no longer published (hidden meanwhile) is left as it is."""
    with transaction.atomic():
        try:
            before, after = content_transition(
                content=content, move=Move.HIDE_BY_REPORTS, actor=None, city_id=city_id
            )
        except Conflict:
            return
        activity_record(
            actor=None,
            action="moderation.hide_by_reports",
            obj=content,
            city_id=city_id,
            before={"state": before},
            after={"state": after, "reporters": reporters},
        )
        queue_enqueue(content=content, reason=QueueEntry.Reason.REPORTED)
        notification_send(
            user_ids=[content.author_id],
            kind="moderation.hidden_by_reports",
            payload={
                "content_type": kind,
                "object_id": content.pk,
                "summary": content_summary(content),
                "state": after,
            },
        )


APPEAL_MAX = 2000


def appeal_submit(*, author: Any, decision: Decision, message: str) -> Appeal:
    """The author asks once for a rejection to be looked at again: the content returns to
    pending and to the queue, for a moderator other than the one who rejected."""
    enforce(author, APPEAL, decision)
    message = plain_text(message)
    if not message:
        raise DomainError("دلیل درخواست بازبینی را بنویسید.", code="message_required")
    if len(message) > APPEAL_MAX:
        raise DomainError(f"متن حداکثر {APPEAL_MAX} نویسه است.", code="message_too_long")
    kind = decision.content_type
    model = kind_named(kind).model
    with transaction.atomic():
        content = model._default_manager.select_for_update().get(pk=decision.object_id)
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(decision=decision, author=author, message=message)
        except IntegrityError as error:
            raise Conflict(
                "برای این تصمیم پیش‌تر درخواست بازبینی داده‌اید.", code="already_appealed"
            ) from error
        if content.moderation_state != S.REJECTED:
            raise Conflict("این نوشته دیگر در وضعیت رد نیست.", code="not_rejected")
        before, after = content_transition(
            content=content, move=Move.APPEAL, actor=author, city_id=decision.city_id
        )
        activity_record(
            actor=author,
            action="moderation.appeal",
            obj=appeal,
            city_id=decision.city_id,
            before={"state": before},
            after={"state": after, "decision": decision.pk},
        )
        queue_enqueue(content=content, reason=QueueEntry.Reason.APPEAL, appeal=appeal)
    return appeal
