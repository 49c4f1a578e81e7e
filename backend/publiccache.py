"""Public reads from the cache, invalidated by every write to public content.

Anonymous GETs of the public API lists and details (PUBLIC_CACHE_PATHS) and of the public
pages (PUBLIC_PAGE_PATHS) are answered from the cache under a key made of the **public
version**, the language, the `Accept` header, the htmx headers and the full path. The
version is one integer in the cache. Every ORM write to a model of a public app
(participation, planning, inventory, monitoring, budget, cities, moderation, and the
organisations of accounts) is seen by the
`PublicWrites` router, which bumps the version once the transaction commits (or, for a
write outside a transaction during a request, when the request ends). A page computed
before a write and stored afterwards is stored under the old version, which nobody reads
again: no stale answer after a decision, a support or a triage.

A page carries the visitor's CSRF token (its forms, htmx's header). While a page is
computed for the cache, the `csrf_token` of its templates is a placeholder of a token's
length (`csrf_placeholder`, the last context processor); the stored page keeps the
placeholder, and every answer, first or from the cache, gets this visitor's own token in
its place (and the CSRF cookie, from the CSRF middleware outside this one).

What the version does not see (a raw SQL write, a display name changed in accounts) is
stale for PUBLIC_CACHE_SECONDS at most. Signed-in people (a session cookie), a visitor with
a message waiting (the messages cookie), API tokens and any answer that sets a cookie,
varies by cookie or touched the session are never cached. With the cache down every request is
computed as before. docs/scaling.md («Cached public reads»).
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.http import HttpResponse
from django.middleware.csrf import CSRF_TOKEN_LENGTH, get_token
from django.utils.http import http_date

VERSION_KEY = "public:version"
PUBLIC_APPS = frozenset(
    {"participation", "planning", "inventory", "monitoring", "budget", "cities", "moderation"}
)
# What public pages show of accounts: organisations and their members (badges).
PUBLIC_MODELS = frozenset({"accounts.organisation", "accounts.membership"})
# As long as a real token, so a stored page's length is the served page's length.
PLACEHOLDER = ("hm-csrf-placeholder-" + "0" * CSRF_TOKEN_LENGTH)[:CSRF_TOKEN_LENGTH]
_PLACEHOLDER_BYTES = PLACEHOLDER.encode()
MESSAGES_COOKIE = "messages"
# Headers a stored answer keeps (the rest are the request's own or added again on the way out).
_SKIPPED_HEADERS = frozenset({"set-cookie", "date"})

_local = threading.local()


def version() -> int:
    found = cache.get(VERSION_KEY)
    if found is None:
        cache.add(VERSION_KEY, 1, None)
        found = cache.get(VERSION_KEY) or 1
    return int(found)


def bump() -> None:
    """A public write committed: answers stored so far are not read again."""
    with contextlib.suppress(Exception):  # the cache is down: nothing is served from it
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no version yet (or it was evicted)
            cache.add(VERSION_KEY, 2, None)


def _queued(connection) -> bool:
    return any(func is bump for _, func, _ in connection.run_on_commit)


class PublicWrites:
    """A database router that only watches: a write to a public app's model bumps the
    public version after the commit. First in DATABASE_ROUTERS; it never picks a database."""

    def db_for_write(self, model, **hints):
        if model._meta.app_label in PUBLIC_APPS or model._meta.label_lower in PUBLIC_MODELS:
            connection = connections[DEFAULT_DB_ALIAS]
            if connection.in_atomic_block:
                if not _queued(connection):
                    transaction.on_commit(bump)
            elif getattr(_local, "in_request", False):
                _local.dirty = True  # autocommit: the write runs after this; bump at the end
            else:
                bump()  # outside a request and a transaction: as soon as we can


def csrf_placeholder(request) -> dict:
    """Context processor (last in TEMPLATES): while a public page is computed for the
    cache, templates print the placeholder instead of this visitor's token."""
    if getattr(request, "public_page", False):
        return {"csrf_token": PLACEHOLDER}
    return {}


def _kind(request) -> str | None:
    """'api' or 'page' for a read that may come from the cache, else None."""
    if (
        request.method not in ("GET", "HEAD")
        or settings.SESSION_COOKIE_NAME in request.COOKIES
        or MESSAGES_COOKIE in request.COOKIES
        or "HTTP_AUTHORIZATION" in request.META
    ):
        return None
    if any(re.match(p, request.path) for p in settings.PUBLIC_CACHE_PATHS):
        return "api"
    if any(re.match(p, request.path) for p in settings.PUBLIC_PAGE_PATHS):
        return "page"
    return None


def _key(request, current: int) -> str:
    parts = "\n".join(
        [
            getattr(request, "LANGUAGE_CODE", ""),
            request.META.get("HTTP_ACCEPT", ""),
            # A compressing middleware inside this one would store compressed bytes.
            request.META.get("HTTP_ACCEPT_ENCODING", ""),
            # htmx asks for parts of a page: each target is its own answer.
            request.META.get("HTTP_HX_REQUEST", ""),
            request.META.get("HTTP_HX_TARGET", ""),
            request.META.get("HTTP_HX_BOOSTED", ""),
            request.method,
            request.get_full_path(),
        ]
    )
    return f"public:{current}:" + hashlib.sha256(parts.encode()).hexdigest()


def _storable(request, response) -> bool:
    vary = response.headers.get("Vary", "")
    session = getattr(request, "session", None)
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in vary.lower()
        and not (session is not None and session.modified)
        # A one-time form token (idempotency) must not be shared by every visitor.
        and b'name="form_token"' not in response.content
    )


def _with_token(request, response) -> None:
    """Put this visitor's CSRF token where the page has the placeholder."""
    if response.streaming or _PLACEHOLDER_BYTES not in response.content:
        return
    response.content = response.content.replace(_PLACEHOLDER_BYTES, get_token(request).encode())
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))


class PublicCacheMiddleware:
    """After the CSRF middleware: it reads the visitor's CSRF cookie on the way in and sets
    it on the way out, for answers from the cache too. The key holds the language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        _local.in_request, _local.dirty = True, False
        try:
            return self._respond(request)
        finally:
            _local.in_request = False
            if _local.dirty:
                bump()

    def _respond(self, request):
        kind = _kind(request)
        if kind is None:
            return self.get_response(request)
        try:
            key = _key(request, version())
            stored = cache.get(key)
        except Exception:  # the cache is down: compute the answer
            return self.get_response(request)
        if stored is not None:
            content, headers = stored
            response = HttpResponse(content)
            for name, value in headers:
                response[name] = value
            response["X-Public-Cache"] = "hit"
            if kind == "page":
                _with_token(request, response)
            return response
        request.public_page = kind == "page"
        response = self.get_response(request)
        if _storable(request, response):
            if kind == "api":  # a page's body holds the visitor's token: no 304 for it
                response["Last-Modified"] = http_date()
            headers = [
                (n, v) for n, v in response.headers.items() if n.lower() not in _SKIPPED_HEADERS
            ]
            with contextlib.suppress(Exception):
                cache.set(key, (response.content, headers), settings.PUBLIC_CACHE_SECONDS)
            response["X-Public-Cache"] = "miss"
        if request.public_page:
            _with_token(request, response)
        return response
