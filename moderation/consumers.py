from urllib.parse import parse_qs

from channels.db import database_sync_to_async

from backend.authz import allowed
from backend.consumers import CLOSE_FORBIDDEN, CLOSE_UNAUTHENTICATED, AccessCheckedConsumer
from backend.realtime import city_moderation_group
from cities.models import City
from moderation.rules import MODERATE_CITY


@database_sync_to_async
def _moderated_city(user, slug: str) -> City | None:
    city = City.objects.filter(slug=slug).only("pk", "slug").first()
    if city and allowed(user, MODERATE_CITY, city):
        return city
    return None


class ModerationQueueConsumer(AccessCheckedConsumer):
    """`/ws/moderation/?city=<slug>`: queue changes for that city's moderators only. The
    permission is asked again (fresh roles) before events are forwarded; when it is gone
    the socket closes with 4403."""

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        slug = (query.get("city") or [""])[0]
        city = await _moderated_city(user, slug)
        if city is None:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.city = city
        self.group = city_moderation_group(city.slug)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.access_begin()
        await self.accept()

    def permitted(self, user) -> bool:
        return allowed(user, MODERATE_CITY, self.city)

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)
        await self.access_end()

    async def receive_json(self, content, **kwargs):
        if content == {"type": "ping"}:
            await self.send_json({"type": "pong"})

    async def queue_event(self, event):
        if await self.access_ok():
            await self.send_json({"type": "queue." + event["data"]["event"], **event["data"]})
