"""Moderation writes. Here: the content state machine that decisions (and reports) drive."""

from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Organisation
from backend.errors import Conflict
from moderation.models import ModeratedContent, ModerationState

S = ModerationState

# Which states each state may move to (DESIGN §4):
# pending → published | rejected; published → hidden; hidden → published (restore);
# rejected → pending (appeal) and rejected → published (an appeal upheld).
TRANSITIONS: dict[str, set[str]] = {
    S.PENDING: {S.PUBLISHED, S.REJECTED},
    S.PUBLISHED: {S.HIDDEN},
    S.HIDDEN: {S.PUBLISHED},
    S.REJECTED: {S.PENDING, S.PUBLISHED},
}


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


def initial_state(*, plan, author) -> str:
    """The state a new post starts in under its plan's moderation settings: pending under
    pre-moderation (the default); published under post-moderation, or for trusted authors
    when the plan lets them publish at once."""
    if plan.moderation_mode == "post":
        return S.PUBLISHED
    if plan.trusted_publish_at_once and author_is_trusted(author):
        return S.PUBLISHED
    return S.PENDING
