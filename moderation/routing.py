from django.urls import path

from moderation.consumers import ModerationQueueConsumer

websocket_urlpatterns = [
    path("ws/moderation/", ModerationQueueConsumer.as_asgi()),
]
