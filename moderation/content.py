"""The one interface through which moderation knows content.

Moderation imports no content app. Each app that owns moderated content registers every
kind it owns (in its AppConfig.ready()), saying how moderation finds the content's city, the
text its hints read, a one-line summary for notifications, content-specific hints, what a
moderator reads about it in the queue, and whom to tell when it is published. Moderation's
tables point at content through one nullable key per kind, named after the kind
(`QueueEntry.problem`, …), declared by name.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Model, QuerySet

from backend.errors import DomainError
from backend.sanitise import html_to_text
from moderation.models import CONTENT_FIELDS, ModeratedContent


def _no_hints(_content: Any) -> dict:
    return {}


def _nothing_more(_content: Any) -> dict:
    return {}


def _tell_no_one(_content: Any, _actor: Any) -> None:
    return None


@dataclass(frozen=True)
class ContentKind:
    """How moderation handles one kind of content (one registered model)."""

    name: str
    model: type[ModeratedContent]
    city_id: Callable[[Any], int]
    # Content-specific hints computed when the content is queued (e.g. a likely duplicate).
    hints: Callable[[Any], dict] = _no_hints
    # select_related paths (below the content) the queue needs to show this kind in one query.
    queue_related: tuple[str, ...] = ()
    # Extra fields a moderator reads in the queue (e.g. a comment's stance and target).
    queue_extra: Callable[[Any], dict] = _nothing_more
    # Called inside the transaction that publishes the content (approve, restore) with the
    # content and the actor: how the content's app tells the people following it.
    on_published: Callable[[Any, Any], None] = _tell_no_one
    extra: dict = field(default_factory=dict)

    def queryset(self) -> QuerySet:
        return self.model._default_manager.all()


_KINDS: dict[str, ContentKind] = {}


def register(kind: ContentKind) -> None:
    """Called by content apps at start-up; a kind needs a reference field of its name."""
    if kind.name not in CONTENT_FIELDS:
        raise ValueError(f"moderation has no reference field for content kind {kind.name!r}")
    _KINDS[kind.name] = kind


def kind_named(name: str) -> ContentKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise DomainError("نوع نوشته نامعتبر است.", code="invalid_content") from None


def kind_of(content: Model) -> ContentKind:
    return kind_named(type(content)._meta.model_name or "")


def registered() -> list[ContentKind]:
    return [_KINDS[name] for name in CONTENT_FIELDS if name in _KINDS]


def content_text(content: Any) -> str:
    """Title and body as plain text: what the text hints read."""
    title = getattr(content, "title", "")
    return f"{title} {html_to_text(content.body)}".strip()


def content_summary(content: Any) -> str:
    """One line that names the content in notifications."""
    return (getattr(content, "title", "") or html_to_text(content.body))[:120]
