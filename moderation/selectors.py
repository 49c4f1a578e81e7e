"""Reads shared by every kind of moderated content."""

from django.db.models import Q

from moderation.models import ModerationState


def visible_to(user, prefix: str = "") -> Q:
    """Published content, plus the user's own in any state."""
    published = Q(**{f"{prefix}moderation_state": ModerationState.PUBLISHED})
    if user is not None and getattr(user, "is_authenticated", False):
        return published | Q(**{f"{prefix}author": user})
    return published
