"""The base of every websocket consumer: access that is checked again while the socket is
open, not only at the handshake.

A consumer authorises in `connect()` and then calls `access_begin()`; from then on:
- every forwarded event first asks `access_ok()`, which re-reads the socket's credential
  (session or API token) and the user's roles from the database at most once every
  `WS_ACCESS_RECHECK_SECONDS` (default 5) and closes the socket when it no longer holds:
  4401 when the sign-in has ended (sign-out, revoked token, deactivated account), 4403
  when the permission is gone (`permitted`, e.g. a moderator's role removed);
- an `access.changed` event (sent to `realtime.access_group(user)` by the services on
  sign-out, token revocation and role changes) forces that check at once.
"""

import time

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings

from backend.realtime import access_group
from backend.ws import credential_user

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


class AccessCheckedConsumer(AsyncJsonWebsocketConsumer):
    access_checked_at: float = 0.0
    access_closed: bool = False

    def permitted(self, user) -> bool:
        """Whether the (freshly read) user may still receive this socket's events. Sync;
        runs in a thread with database access."""
        return True

    async def access_begin(self) -> None:
        """Join the user's access group; call it in connect() once authorised."""
        self.access_user_id = self.scope["user"].pk
        self.access_credential = self.scope.get("auth_credential")
        self.access_group_name = access_group(self.access_user_id)
        self.access_checked_at = time.monotonic()
        await self.channel_layer.group_add(self.access_group_name, self.channel_name)

    async def access_end(self) -> None:
        if hasattr(self, "access_group_name"):
            await self.channel_layer.group_discard(self.access_group_name, self.channel_name)

    @database_sync_to_async
    def _access_code(self) -> int | None:
        user = credential_user(self.access_credential)
        if user is None or user.pk != self.access_user_id:
            return CLOSE_UNAUTHENTICATED
        if not self.permitted(user):
            return CLOSE_FORBIDDEN
        return None

    async def access_ok(self, *, force: bool = False) -> bool:
        """True while the socket may stay open; otherwise closes it and answers False."""
        if self.access_closed:
            return False
        ttl = getattr(settings, "WS_ACCESS_RECHECK_SECONDS", 5)
        if not force and time.monotonic() - self.access_checked_at < ttl:
            return True
        code = await self._access_code()
        if code is None:
            self.access_checked_at = time.monotonic()
            return True
        self.access_closed = True
        await self.close(code=code)
        return False

    async def access_changed(self, event):
        await self.access_ok(force=True)
