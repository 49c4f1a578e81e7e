"""Websocket handshake: who is connecting, and from where.

Browsers always send an Origin header and carry the session cookie, so their origin must be
one of ALLOWED_HOSTS (AllowedHostsOriginValidator). API clients send no Origin; they may
only authenticate with `Authorization: Token <key>` (an API token from django-rest-knox:
checked against its stored hash and its expiry), and any cookie they send is ignored, so a
foreign page can never ride on a browser's session.
"""

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from channels.security.websocket import AllowedHostsOriginValidator
from django.contrib.auth.models import AnonymousUser


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value
    return None


@database_sync_to_async
def _user_for_token(key: str):
    from knox.auth import TokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed

    try:
        user, _token = TokenAuthentication().authenticate_credentials(key.encode())
    except (AuthenticationFailed, UnicodeError):  # unknown, expired, revoked or inactive
        return AnonymousUser()
    return user


class TokenAuthMiddleware:
    """Sets scope["user"] from an `Authorization: Token <key>` header when one is sent."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        header = _header(scope, b"authorization")
        if header is not None:
            scheme, _, key = header.decode("latin1").partition(" ")
            user = AnonymousUser()
            if scheme.lower() == "token" and key.strip():
                user = await _user_for_token(key.strip())
            scope = dict(scope, user=user)
        return await self.app(scope, receive, send)


class HandshakeGuard:
    """Origin-checked session auth for browsers; token-only auth for Origin-less clients."""

    def __init__(self, app):
        self.browser = AllowedHostsOriginValidator(AuthMiddlewareStack(TokenAuthMiddleware(app)))
        self.client = TokenAuthMiddleware(app)

    async def __call__(self, scope, receive, send):
        if _header(scope, b"origin") is None:
            headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"cookie"]
            scope = dict(scope, headers=headers, user=AnonymousUser())
            return await self.client(scope, receive, send)
        return await self.browser(scope, receive, send)
