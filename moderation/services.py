"""Moderation writes: the content state machine, the queue and its claims, decisions that
cite published rules, reports, appeals — each told to the people it concerns."""

from datetime import timedelta

import rules as django_rules
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, Organisation
from accounts.services import notification_send
from backend.errors import Conflict, DomainError, Missing, Refused
from backend.realtime import city_moderation_group, emit_on_commit
from backend.sanitise import plain_text
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

S = ModerationState
Outcome = Decision.Outcome

# Which states each state may move to (DESIGN §4):
# pending → published | rejected; published → hidden; hidden → published (restore);
# rejected → pending (appeal) and rejected → published (an appeal upheld).
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.PUBLISHED, S.REJECTED},
    S.PUBLISHED: {S.HIDDEN},
    S.HIDDEN: {S.PUBLISHED},
    S.REJECTED: {S.PENDING, S.PUBLISHED},
}

# What each outcome does to content in each state; a missing pair is refused (409).
# Re-deciding on an appeal or a report may keep the state (a rejection upheld is final).
OUTCOME_STATES: dict[str, dict[str, str]] = {
    # Approving published content (post-moderation's look after publishing) keeps it.
    Outcome.APPROVE: {
        S.PENDING: S.PUBLISHED,
        S.PUBLISHED: S.PUBLISHED,
        S.REJECTED: S.PUBLISHED,
        S.HIDDEN: S.PUBLISHED,
    },
    Outcome.REJECT: {S.PENDING: S.REJECTED, S.REJECTED: S.REJECTED, S.HIDDEN: S.REJECTED},
    Outcome.HIDE: {S.PUBLISHED: S.HIDDEN, S.HIDDEN: S.HIDDEN},
    Outcome.RESTORE: {S.HIDDEN: S.PUBLISHED},
}
MUST_CITE = {Outcome.REJECT, Outcome.HIDE}
NOTE_MAX = 2000


def content_set_state(*, content: ModeratedContent, state: str) -> ModeratedContent:
    """Move `content` to `state` if the lifecycle allows it (409 otherwise).

    The row is locked while it changes so two moderators cannot both move it.
    """
    if state not in S.values:
        raise Conflict("وضعیت نامعتبر است.", code="invalid_state")
    model = type(content)
    with transaction.atomic():
        current = model.objects.select_for_update().only("moderation_state").get(pk=content.pk)
        if state not in TRANSITIONS[current.moderation_state]:
            raise Conflict(
                f"این نوشته از وضعیت «{S(current.moderation_state).label}» به "
                f"«{S(state).label}» نمی‌رود.",
                code="invalid_transition",
            )
        now = timezone.now()
        model.objects.filter(pk=content.pk).update(
            moderation_state=state, moderation_changed_at=now
        )
    content.moderation_state = state
    content.moderation_changed_at = now
    return content


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
    from moderation.selectors import queue_entry_payload  # the live view's shape

    emit_on_commit(
        city_moderation_group(entry.city.slug),
        "queue.event",
        {"event": kind, "entry_id": entry.pk, **queue_entry_payload(entry.pk), **extra},
    )


def _hints_for(content: ModeratedContent) -> dict:
    """Language, links and phone numbers in the text, plus the kind's own hints."""
    return {**text_hints(content_text(content)), **kind_of(content).hints(content)}


def queue_enqueue(
    *, content: ModeratedContent, reason: str, appeal: Appeal | None = None
) -> QueueEntry:
    """Put content in its city's queue (once per reason while open) and tell moderators."""
    reference = _reference(content)
    existing = QueueEntry.objects.filter(**reference, reason=reason, closed_at__isnull=True).first()
    if existing is not None and appeal is None:
        return existing
    entry = QueueEntry.objects.create(
        **reference,
        city_id=kind_of(content).city_id(content),
        reason=reason,
        appeal=appeal,
        hints=_hints_for(content),
    )
    _entry_event(entry, "created")
    return entry


def content_submitted(*, content: ModeratedContent) -> QueueEntry:
    """Every new post gets a look, even one already published under post-moderation."""
    return queue_enqueue(content=content, reason=QueueEntry.Reason.NEW)


def _require_moderator(moderator, city_id: int) -> None:
    if not django_rules.test_rule("moderation.moderate_city", moderator, city_id):
        raise Refused("شما ناظر این شهر نیستید.", code="not_city_moderator")


def _open_entry(entry_id: int, *, lock: bool = True) -> QueueEntry:
    queryset = QueueEntry.objects.select_related("city")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    entry = queryset.filter(pk=entry_id).first()
    if entry is None:
        raise Missing("این مورد در صف نیست.")
    return entry


def _refuse_if_claimed_by_another(entry: QueueEntry, moderator, now) -> None:
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


def queue_claim(*, moderator, entry_id: int) -> QueueEntry:
    """Reserve an entry for a few minutes; another moderator's live claim is a 409."""
    now = timezone.now()
    with transaction.atomic():
        entry = _open_entry(entry_id)
        _require_moderator(moderator, entry.city_id)
        if entry.closed_at is not None:
            raise Conflict("درباره‌ی این مورد پیش‌تر تصمیم گرفته شده است.", code="closed")
        _refuse_if_claimed_by_another(entry, moderator, now)
        entry.claimed_by = moderator
        entry.claimed_until = now + timedelta(seconds=settings.MODERATION_CLAIM_SECONDS)
        entry.save(update_fields=["claimed_by", "claimed_until"])
        _entry_event(entry, "claimed")
    return entry


def queue_release(*, moderator, entry_id: int) -> QueueEntry:
    with transaction.atomic():
        entry = _open_entry(entry_id)
        _require_moderator(moderator, entry.city_id)
        if entry.claimed_by_id != moderator.pk:
            raise Conflict("این مورد را شما برنداشته‌اید.", code="not_claimed_by_you")
        entry.claimed_by = None
        entry.claimed_until = None
        entry.save(update_fields=["claimed_by", "claimed_until"])
        _entry_event(entry, "released")
    return entry


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


def decision_apply(
    *,
    moderator,
    entry_id: int,
    outcome: str,
    rule_codes: list[str] | None = None,
    public_note: str = "",
    internal_note: str = "",
) -> Decision:
    """Decide on a queued entry. Guarantees: only a moderator of the entry's city, never on
    their own content, and on an appeal never the moderator who rejected; reject and hide
    cite at least one citeable rule (its exact version is recorded); the content's state
    follows; the decision is append-only; the author is notified with the rules and note."""
    if outcome not in Outcome.values:
        raise DomainError("نتیجه‌ی تصمیم نامعتبر است.", code="invalid_outcome")
    rule_codes = list(rule_codes or [])
    if outcome in MUST_CITE and not rule_codes:
        raise DomainError("برای رد یا پنهان کردن دست‌کم یک قاعده را ذکر کنید.", code="rule_required")
    cited = _cited_rules(rule_codes, citeable_only=outcome in MUST_CITE)
    public_note = plain_text(public_note)[:NOTE_MAX]
    internal_note = plain_text(internal_note)[:NOTE_MAX]
    now = timezone.now()
    with transaction.atomic():
        entry = _open_entry(entry_id)
        _require_moderator(moderator, entry.city_id)
        if entry.closed_at is not None:
            raise Conflict("درباره‌ی این مورد پیش‌تر تصمیم گرفته شده است.", code="closed")
        _refuse_if_claimed_by_another(entry, moderator, now)
        kind = entry.content_type
        model = kind_named(kind).model
        content = model.objects.select_for_update().get(pk=entry.object_id)
        if content.author_id == moderator.pk:
            raise Refused("ناظر درباره‌ی نوشته‌ی خودش تصمیم نمی‌گیرد.", code="own_content")
        if entry.appeal_id is not None and entry.appeal.decision.moderator_id == moderator.pk:
            raise Refused(
                "درخواست بازبینی را ناظری دیگر جز ردکننده بررسی می‌کند.", code="same_moderator"
            )
        previous = content.moderation_state
        new_state = OUTCOME_STATES[outcome].get(previous)
        if new_state is None:
            raise Conflict(
                f"«{Outcome(outcome).label}» برای نوشته‌ای در وضعیت «{S(previous).label}» "
                "معنا ندارد.",
                code="invalid_transition",
            )
        decision = Decision.objects.create(
            **{kind: content},
            entry=entry,
            city_id=entry.city_id,
            moderator=moderator,
            author_id=content.author_id,
            outcome=outcome,
            public_note=public_note,
            internal_note=internal_note,
            previous_state=previous,
            new_state=new_state,
            waited_seconds=max(int((now - entry.created_at).total_seconds()), 0),
        )
        decision.rules.set(cited)
        if new_state != previous:
            model.objects.filter(pk=content.pk).update(
                moderation_state=new_state, moderation_changed_at=now
            )
        # One decision settles every open look at the same content.
        closing = QueueEntry.objects.filter(**{kind: content}, closed_at__isnull=True)
        closed_ids = list(closing.values_list("pk", flat=True))
        closing.update(closed_at=now, claimed_by=None, claimed_until=None)
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
                "rules": [{"code": r.code, "version": r.version, "title": r.title} for r in cited],
                "public_note": public_note,
                "state": new_state,
                "can_appeal": outcome == Outcome.REJECT
                and entry.reason != QueueEntry.Reason.APPEAL,
            },
        )
        emit_on_commit(
            city_moderation_group(entry.city.slug),
            "queue.event",
            {"event": "decided", "entry_ids": closed_ids, "outcome": outcome},
        )
    return decision


# Reports and appeals -----------------------------------------------------------------


def report_submit(
    *, reporter, content: ModeratedContent, rule_code: str, details: str = ""
) -> Report:
    """A signed-in user other than the author reports published content, citing a rule;
    one report per user per content. When distinct reporters since the content's last
    state change reach the threshold, it is hidden and queued for a moderator."""
    if content.author_id == reporter.pk:
        raise DomainError("نوشته‌ی خودتان را نمی‌توانید گزارش کنید.", code="own_content")
    if content.moderation_state != S.PUBLISHED:
        raise Conflict("فقط نوشته‌ی منتشرشده گزارش می‌شود.", code="not_published")
    rule = _cited_rules([rule_code], citeable_only=True)[0]
    kind = content_kind(content)
    try:
        with transaction.atomic():
            report = Report.objects.create(
                **{kind: content},
                reporter=reporter,
                rule=rule,
                details=plain_text(details)[:NOTE_MAX],
            )
    except IntegrityError as error:
        raise Conflict("این نوشته را پیش‌تر گزارش کرده‌اید.", code="already_reported") from error
    since = (
        Q(created_at__gte=content.moderation_changed_at) if content.moderation_changed_at else Q()
    )
    distinct = Report.objects.filter(since, **{kind: content}).values("reporter").distinct().count()
    if distinct >= settings.MODERATION_REPORT_THRESHOLD:
        with transaction.atomic():
            model = type(content)
            hidden = model.objects.filter(pk=content.pk, moderation_state=S.PUBLISHED).update(
                moderation_state=S.HIDDEN, moderation_changed_at=timezone.now()
            )
            if hidden:
                content.moderation_state = S.HIDDEN
                queue_enqueue(content=content, reason=QueueEntry.Reason.REPORTED)
                notification_send(
                    user_ids=[content.author_id],
                    kind="moderation.hidden_by_reports",
                    payload={
                        "content_type": kind,
                        "object_id": content.pk,
                        "summary": content_summary(content),
                        "state": S.HIDDEN,
                    },
                )
    return report


APPEAL_MAX = 2000


def appeal_submit(*, author, decision: Decision, message: str) -> Appeal:
    """The author asks once for a rejection to be looked at again: the content returns to
    pending and to the queue, for a moderator other than the one who rejected."""
    if decision.author_id != author.pk:
        raise Refused("فقط نویسنده‌ی نوشته درخواست بازبینی می‌دهد.", code="not_author")
    if decision.outcome != Outcome.REJECT:
        raise DomainError("فقط از تصمیم رد می‌توان درخواست بازبینی داد.", code="not_rejection")
    if decision.entry.reason == QueueEntry.Reason.APPEAL:
        raise Conflict("نتیجه‌ی بازبینی نهایی است.", code="appeal_final")
    message = plain_text(message)
    if not message:
        raise DomainError("دلیل درخواست بازبینی را بنویسید.", code="message_required")
    if len(message) > APPEAL_MAX:
        raise DomainError(f"متن حداکثر {APPEAL_MAX} نویسه است.", code="message_too_long")
    kind = decision.content_type
    model = kind_named(kind).model
    with transaction.atomic():
        content = model.objects.select_for_update().get(pk=decision.object_id)
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(decision=decision, author=author, message=message)
        except IntegrityError as error:
            raise Conflict(
                "برای این تصمیم پیش‌تر درخواست بازبینی داده‌اید.", code="already_appealed"
            ) from error
        if content.moderation_state != S.REJECTED:
            raise Conflict("این نوشته دیگر در وضعیت رد نیست.", code="not_rejected")
        content_set_state(content=content, state=S.PENDING)
        queue_enqueue(content=content, reason=QueueEntry.Reason.APPEAL, appeal=appeal)
    return appeal
