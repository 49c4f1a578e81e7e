from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from backend.authz import allowed
from backend.realtime import city_moderation_group
from cities.models import City
from moderation.rules import MODERATE_CITY

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403


@database_sync_to_async
def _moderated_city_slug(user, slug: str) -> str | None:
    city = City.objects.filter(slug=slug).only("pk", "slug").first()
    if city and allowed(user, MODERATE_CITY, city):
        return city.slug
    return None


class ModerationQueueConsumer(AsyncJsonWebsocketConsumer):
    """`/ws/moderation/?city=<slug>`: queue changes for that city's moderators only."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        slug = (query.get("city") or [""])[0]
        city_slug = await _moderated_city_slug(user, slug)
        if city_slug is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.group = city_moderation_group(city_slug)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content, **kwargs):
        if content == {"type": "ping"}:
            await self.send_json({"type": "pong"})

    async def queue_event(self, event):
        await self.send_json({"type": "queue." + event["data"]["event"], **event["data"]})
