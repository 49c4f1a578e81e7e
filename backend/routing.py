from accounts.routing import websocket_urlpatterns as accounts_ws
from moderation.routing import websocket_urlpatterns as moderation_ws

websocket_urlpatterns = [*accounts_ws, *moderation_ws]
