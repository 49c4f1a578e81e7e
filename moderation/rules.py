"""Who may moderate, report and appeal: every "who may" of moderation, as named permissions.

Staff powers are per city (the role predicates live in accounts.rules). Services enforce
these names with `enforce()` (the permission's refusal, or the precise reason today's
callers rely on); the API, pages, templates and the live socket ask the same names.
State clashes that are not about who may (an entry claimed by another moderator, an entry
already closed, a move the lifecycle refuses) stay 409 conflicts in the services.
"""

from collections.abc import Callable
from typing import Any

import rules

from accounts.rules import is_city_admin, is_city_moderator
from backend.authz import allowed, authorise, permission
from backend.errors import Conflict, DomainError, Refused
from moderation.models import Appeal, Decision, ModerationState, QueueEntry

MODERATE_CITY = "moderation.moderate_city"
CLAIM = "moderation.claim"
RELEASE = "moderation.release"
DECIDE = "moderation.decide"
READ_AUDIT = "moderation.read_audit"
VIEW_CONTENT = "moderation.view_content"
REPORT = "moderation.report"
APPEAL = "moderation.appeal"

NOT_MODERATOR = "شما ناظر این شهر نیستید."


# Predicates --------------------------------------------------------------------------


@rules.predicate
def is_signed_in(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False))


@rules.predicate
def is_content_author(user: Any, content: Any) -> bool:
    if not is_signed_in(user) or content is None:
        return False
    return getattr(content, "author_id", None) == user.pk


@rules.predicate
def is_published_content(user: Any, content: Any) -> bool:
    return getattr(content, "moderation_state", None) == ModerationState.PUBLISHED


@rules.predicate
def is_own_entry_content(user: Any, entry: QueueEntry) -> bool:
    """The entry is about content the user wrote."""
    return is_content_author(user, entry.content)


@rules.predicate
def made_the_appealed_decision(user: Any, entry: QueueEntry) -> bool:
    """The entry is an appeal against a decision this user made."""
    appeal = entry.appeal if entry.appeal_id is not None else None
    if appeal is None or not is_signed_in(user):
        return False
    return appeal.decision.moderator_id == user.pk


@rules.predicate
def is_decision_author(user: Any, decision: Decision) -> bool:
    return is_signed_in(user) and decision.author_id == user.pk


@rules.predicate
def is_rejection(user: Any, decision: Decision) -> bool:
    return decision.outcome == Decision.Outcome.REJECT


@rules.predicate
def settles_an_appeal(user: Any, decision: Decision) -> bool:
    """A decision taken on an appeal is final."""
    return decision.entry.reason == QueueEntry.Reason.APPEAL


@rules.predicate
def is_appealed(user: Any, decision: Decision) -> bool:
    try:
        decision.appeal  # noqa: B018 — reads the reverse one-to-one (cached when selected)
    except Appeal.DoesNotExist:
        return False
    return True


# Permissions -------------------------------------------------------------------------

permission(
    MODERATE_CITY, is_city_moderator, message=NOT_MODERATOR, code="not_city_moderator"
)  # obj: a City or a city id
# A moderator neither claims nor decides on what they wrote themselves.
permission(
    CLAIM,
    is_city_moderator & ~is_own_entry_content,
    message=NOT_MODERATOR,
    code="not_city_moderator",
)
permission(RELEASE, is_city_moderator, message=NOT_MODERATOR, code="not_city_moderator")
permission(
    DECIDE,
    is_city_moderator & ~is_own_entry_content & ~made_the_appealed_decision,
    message=NOT_MODERATOR,
    code="not_city_moderator",
)
# City admins read the audit trail of their city's decisions; so do its moderators.
permission(
    READ_AUDIT,
    is_city_admin | is_city_moderator,
    message="دسترسی به سابقه‌ی تصمیم‌های این شهر ندارید.",
    code="not_city_staff",
)
permission(
    VIEW_CONTENT,
    is_published_content | is_content_author,
    message="این نوشته پیدا نشد.",
    code="not_found",
)
permission(
    REPORT,
    is_signed_in & ~is_content_author & is_published_content,
    message="فقط نوشته‌ی منتشرشده‌ی دیگران گزارش می‌شود.",
    code="not_reportable",
)
permission(
    APPEAL,
    is_decision_author & is_rejection & ~settles_an_appeal & ~is_appealed,
    message="فقط نویسنده‌ی نوشته درخواست بازبینی می‌دهد.",
    code="not_author",
)


# Why not: the precise refusal for each failed condition, in order ----------------------

Reason = tuple[Callable[[Any, Any], bool], Callable[[], DomainError]]

_REASONS: dict[str, list[Reason]] = {
    CLAIM: [
        (~is_city_moderator, lambda: Refused(NOT_MODERATOR, code="not_city_moderator")),
        (
            is_own_entry_content,
            lambda: Refused("ناظر نوشته‌ی خودش را برنمی‌دارد.", code="own_content"),
        ),
    ],
    DECIDE: [
        (~is_city_moderator, lambda: Refused(NOT_MODERATOR, code="not_city_moderator")),
        (
            is_own_entry_content,
            lambda: Refused("ناظر درباره‌ی نوشته‌ی خودش تصمیم نمی‌گیرد.", code="own_content"),
        ),
        (
            made_the_appealed_decision,
            lambda: Refused(
                "درخواست بازبینی را ناظری دیگر جز ردکننده بررسی می‌کند.", code="same_moderator"
            ),
        ),
    ],
    REPORT: [
        (
            is_content_author,
            lambda: DomainError("نوشته‌ی خودتان را نمی‌توانید گزارش کنید.", code="own_content"),
        ),
        (
            is_signed_in & ~is_published_content,
            lambda: Conflict("فقط نوشته‌ی منتشرشده گزارش می‌شود.", code="not_published"),
        ),
    ],
    APPEAL: [
        (
            ~is_decision_author,
            lambda: Refused("فقط نویسنده‌ی نوشته درخواست بازبینی می‌دهد.", code="not_author"),
        ),
        (
            ~is_rejection,
            lambda: DomainError(
                "فقط از تصمیم رد می‌توان درخواست بازبینی داد.", code="not_rejection"
            ),
        ),
        (settles_an_appeal, lambda: Conflict("نتیجه‌ی بازبینی نهایی است.", code="appeal_final")),
        (
            is_appealed,
            lambda: Conflict(
                "برای این تصمیم پیش‌تر درخواست بازبینی داده‌اید.", code="already_appealed"
            ),
        ),
    ],
}


def enforce(user: Any, name: str, obj: Any = None) -> None:
    """`authorise()`, saying which condition failed where a caller needs the precise
    reason (own content is 400, a final or already appealed decision is 409, as before)."""
    if allowed(user, name, obj):
        return
    for failed, error in _REASONS.get(name, []):
        if failed(user, obj):
            raise error()
    authorise(user, name, obj)
