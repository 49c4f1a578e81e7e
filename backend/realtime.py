"""Live events: group names and sending after the transaction commits.

Services call `emit_on_commit`; consumers only authorise, join the groups named here and
forward. The same code runs on the in-memory layer (one process) and on Redis (many).
"""

import logging
from collections.abc import Callable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

from backend.afterresponse import after_commit_and_response

logger = logging.getLogger("hamandishi.realtime")


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def city_moderation_group(city_slug: str) -> str:
    return f"moderation.{city_slug}"


def access_group(user_id: int) -> str:
    """Every open socket of one user: told when their sign-in or roles change, so each
    socket checks again whether it may stay open."""
    return f"access.{user_id}"


def send_event(group: str, event_type: str, data: dict) -> None:
    """Send now (callers are already past the commit); a failure is logged, never raised."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(group, {"type": event_type, "data": data})
    except Exception:  # a realtime hiccup must never undo or fail a committed write
        logger.exception("could not send %s to %s", event_type, group)


def emit_on_commit(group: str, event_type: str, data: dict) -> None:
    """Send `data` to `group` once the surrounding transaction has committed."""
    transaction.on_commit(lambda: send_event(group, event_type, data))


def emit_after_response(group: str, event_type: str, make_data: Callable[[], dict | None]) -> None:
    """Send what `make_data()` returns to `group` once the transaction has committed and the
    current answer has gone (backend/afterresponse.py): for events other people watch, whose
    payload is worth reading fresh. `make_data` returning None sends nothing."""

    def send() -> None:
        data = make_data()
        if data is not None:
            send_event(group, event_type, data)

    after_commit_and_response(send)


def emit_access_changed(user_id: int, reason: str) -> None:
    """Once committed, every socket of the user re-checks its credential and permission and
    closes if it no longer holds (sign-out, a revoked token, a role taken away)."""
    emit_on_commit(access_group(user_id), "access.changed", {"reason": reason})
