"""Websocket handshake: who is connecting, and from where.

Browsers always send an Origin header and carry the session cookie, so their origin must be
this site itself — scheme, host and port, as the CSRF check compares them — or one of
CSRF_TRUSTED_ORIGINS (`OriginGuard`). API clients send no Origin; they may only authenticate
with `Authorization: Token <key>` (an API token from django-rest-knox: checked against its
stored hash and its expiry), and any cookie they send is ignored, so a foreign page can never
ride on a browser's session.

The credential a socket was opened with is kept in `scope["auth_credential"]`
(`("token", key)` or `("session", session_key)`), so a consumer can ask again, per event,
whether it is still valid (`credential_user`): a socket does not outlive a sign-out or a
revoked token.
"""

from importlib import import_module
from urllib.parse import urlsplit

from channels.auth import AuthMiddlewareStack
from channels.db import database_sync_to_async
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.auth.models import AnonymousUser
from django.http.request import split_domain_port, validate_host
from django.utils.crypto import constant_time_compare

CLOSE_FORBIDDEN_ORIGIN = 4403
DEFAULT_PORTS = {"http": 80, "https": 443}


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value
    return None


def token_user(key: str):
    """The active user a live (unexpired, unrevoked) API token belongs to, or None — read
    fresh from the database. The one place websockets read API tokens."""
    from knox.auth import TokenAuthentication
    from rest_framework.exceptions import AuthenticationFailed

    try:
        user, _token = TokenAuthentication().authenticate_credentials(key.encode())
    except (AuthenticationFailed, UnicodeError):  # unknown, expired, revoked or inactive
        return None
    return user


@database_sync_to_async
def _user_for_token(key: str):
    return token_user(key) or AnonymousUser()


def session_user(session_key: str | None):
    """The active user a (still existing) session is signed in as, or None: a signed-out,
    expired or flushed session, or a password changed since, gives None."""
    if not session_key:
        return None
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()
    user_id = data.get(SESSION_KEY)
    if user_id is None:
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    if not constant_time_compare(data.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()):
        return None
    return user


def credential_user(credential):
    """The user a socket's credential still signs in, read fresh (roles not cached), or
    None when it no longer does. Sync: call it through database_sync_to_async."""
    if not credential:
        return None
    kind, secret = credential
    if kind == "token":
        return token_user(secret)
    if kind == "session":
        return session_user(secret)
    return None


def _signed_in(scope) -> bool:
    return bool(getattr(scope.get("user"), "is_authenticated", False))


class TokenAuthMiddleware:
    """Sets scope["user"] from an `Authorization: Token <key>` header when one is sent."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        header = _header(scope, b"authorization")
        if header is not None:
            scheme, _, key = header.decode("latin1").partition(" ")
            user = AnonymousUser()
            credential = None
            if scheme.lower() == "token" and key.strip():
                user = await _user_for_token(key.strip())
                credential = ("token", key.strip()) if user.is_authenticated else None
            scope = dict(scope, user=user, auth_credential=credential)
        elif scope.get("session") is not None and _signed_in(scope):
            scope = dict(scope, auth_credential=("session", scope["session"].session_key))
        return await self.app(scope, receive, send)


def _origin_tuple(value: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) with the default port filled in; None for anything else."""
    try:
        parts = urlsplit(value.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    return scheme, parts.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _is_secure(scope) -> bool:
    if scope.get("scheme") in ("wss", "https"):
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy:
        name, expected = proxy
        header = name.removeprefix("HTTP_").lower().replace("_", "-").encode("latin1")
        value = _header(scope, header)
        if value is not None:
            return value.decode("latin1").split(",")[0].strip() == expected
    return False


def origin_allowed(scope, origin: str) -> bool:
    """The Origin is this site (scheme + host + port of the request, the host one of
    ALLOWED_HOSTS) or exactly one of CSRF_TRUSTED_ORIGINS."""
    candidate = _origin_tuple(origin)
    if candidate is None:
        return False
    trusted = {_origin_tuple(o) for o in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    if candidate in trusted:
        return True
    host = (_header(scope, b"host") or b"").decode("latin1").strip()
    domain, _port = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return False
    scheme = "https" if _is_secure(scope) else "http"
    return candidate == _origin_tuple(f"{scheme}://{host}")


class OriginGuard:
    """Refuses a browser handshake whose Origin is not this site (scheme, host and port)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        origin = (_header(scope, b"origin") or b"").decode("latin1")
        if not origin_allowed(scope, origin):
            await receive()  # the websocket.connect message
            await send({"type": "websocket.close", "code": CLOSE_FORBIDDEN_ORIGIN})
            return None
        return await self.app(scope, receive, send)


class HandshakeGuard:
    """Origin-checked session auth for browsers; token-only auth for Origin-less clients."""

    def __init__(self, app):
        self.browser = OriginGuard(AuthMiddlewareStack(TokenAuthMiddleware(app)))
        self.client = TokenAuthMiddleware(app)

    async def __call__(self, scope, receive, send):
        if _header(scope, b"origin") is None:
            headers = [(k, v) for k, v in scope.get("headers", []) if k.lower() != b"cookie"]
            scope = dict(scope, headers=headers, user=AnonymousUser())
            return await self.client(scope, receive, send)
        return await self.browser(scope, receive, send)
