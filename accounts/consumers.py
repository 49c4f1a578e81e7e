from backend.consumers import CLOSE_UNAUTHENTICATED, AccessCheckedConsumer
from backend.realtime import user_group


class NotificationConsumer(AccessCheckedConsumer):
    """Pushes the signed-in user's new notifications; anonymous handshakes are refused.
    The socket closes (4401) once its sign-in ends: sign-out, a revoked token, or an
    account made inactive (checked again per event and on every access change)."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.access_begin()
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.access_end()

    async def receive_json(self, content, **kwargs):
        # The socket is one-way; clients use the REST API to change anything.
        if content == {"type": "ping"}:
            await self.send_json({"type": "pong"})

    async def notification_created(self, event):
        if await self.access_ok():
            await self.send_json({"type": "notification.created", "notification": event["data"]})

    async def notification_read(self, event):
        if await self.access_ok():
            await self.send_json({"type": "notification.read", **event["data"]})
