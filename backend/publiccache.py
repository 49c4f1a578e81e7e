"""Public API reads from the cache, invalidated by every write to public content.

Anonymous GETs of the public API lists and details (PUBLIC_CACHE_PATHS) are answered from
the cache under a key made of the **public version**, the language, the `Accept` header and
the full path. The version is one integer in the cache. Every ORM write to a model of a
public app (participation, planning, inventory, monitoring, budget, cities) is seen by the
`PublicWrites` router, which bumps the version once the transaction commits (or, for a
write outside a transaction during a request, when the request ends). A page computed
before a write and stored afterwards is stored under the old version, which nobody reads
again: no stale answer after a decision, a support or a triage.

What the version does not see (a raw SQL write, a display name changed in accounts) is
stale for PUBLIC_CACHE_SECONDS at most. Signed-in people, API tokens and any answer that
sets a cookie or varies by cookie are never cached. With the cache down every request is
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

VERSION_KEY = "public:version"
PUBLIC_APPS = frozenset(
    {"participation", "planning", "inventory", "monitoring", "budget", "cities"}
)
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
        if model._meta.app_label in PUBLIC_APPS:
            connection = connections[DEFAULT_DB_ALIAS]
            if connection.in_atomic_block:
                if not _queued(connection):
                    transaction.on_commit(bump)
            elif getattr(_local, "in_request", False):
                _local.dirty = True  # autocommit: the write runs after this; bump at the end
            else:
                bump()  # outside a request and a transaction: as soon as we can


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and any(re.match(p, request.path) for p in settings.PUBLIC_CACHE_PATHS)
    )


def _key(request, current: int) -> str:
    parts = "\n".join(
        [
            getattr(request, "LANGUAGE_CODE", ""),
            request.META.get("HTTP_ACCEPT", ""),
            # A compressing middleware inside this one would store compressed bytes.
            request.META.get("HTTP_ACCEPT_ENCODING", ""),
            request.method,
            request.get_full_path(),
        ]
    )
    return f"public:{current}:" + hashlib.sha256(parts.encode()).hexdigest()


def _storable(response) -> bool:
    vary = response.headers.get("Vary", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "cookie" not in vary.lower()
    )


class PublicCacheMiddleware:
    """After the locale middleware (the key holds the language)."""

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
        if not _cacheable(request):
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
            return response
        response = self.get_response(request)
        if _storable(response):
            headers = [
                (n, v) for n, v in response.headers.items() if n.lower() not in _SKIPPED_HEADERS
            ]
            with contextlib.suppress(Exception):
                cache.set(key, (response.content, headers), settings.PUBLIC_CACHE_SECONDS)
            response["X-Public-Cache"] = "miss"
        return response
