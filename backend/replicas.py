"""Public reads from PostgreSQL read replicas; everything else from the primary.

`DATABASE_REPLICA_URLS` (comma-separated) adds one database alias per replica
(`replica1`, `replica2`, …) and turns the router on. A request may read from a replica
only when it is *public*:

- its method is GET or HEAD;
- it carries no session cookie and no `Authorization` header (a signed-in person, or an
  API client with a token, always reads the primary, so they see their own writes at once);
- it carries no pin cookie: a browser that wrote something (an anonymous visitor asking for
  a sign-in code, say) reads the primary for REPLICA_PIN_SECONDS afterwards, longer than
  the replica lag we accept.

Inside a public request every read goes to one replica chosen at its start, until the
request writes or opens a transaction: from then on it reads the primary, and the answer
pins the browser. Outside requests (management commands, websocket consumers, the
benchmark) nothing is marked public, so everything uses the primary. Raw cursors on
`django.db.connection` are the primary's too. docs/scaling.md says how replicas are run.
"""

from __future__ import annotations

import random
from contextvars import ContextVar
from dataclasses import dataclass

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

PIN_COOKIE = "hm_primary"
SAFE_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class _Request:
    replica: str
    wrote: bool = False


_current: ContextVar[_Request | None] = ContextVar("replica_request", default=None)


def replica_aliases() -> list[str]:
    return list(getattr(settings, "DATABASE_REPLICA_ALIASES", []))


def is_public(request) -> bool:
    """May this request's reads be served by a replica?"""
    return (
        request.method in SAFE_METHODS
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and PIN_COOKIE not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def current_alias() -> str:
    """The alias this request's next read goes to (the primary outside public requests)."""
    state = _current.get()
    if state is None or state.wrote or connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    return state.replica


class ReplicaRouter:
    """Reads as `current_alias` says; writes, relations and migrations on the primary."""

    def db_for_read(self, model, **hints):
        alias = current_alias()
        return None if alias == DEFAULT_DB_ALIAS else alias

    def db_for_write(self, model, **hints):
        state = _current.get()
        if state is not None:
            state.wrote = True  # the rest of the request reads its own write
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # every alias holds the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db in replica_aliases() else None


class ReplicaMiddleware:
    """Marks a public request for the router and pins a browser that wrote to the primary.
    First in MIDDLEWARE, so the session and the user are read where the request reads."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)

    def _begin(self, request):
        aliases = replica_aliases()
        state = _Request(random.choice(aliases)) if aliases and is_public(request) else None  # noqa: S311
        if state is None and aliases and request.method not in SAFE_METHODS:
            state = _Request(DEFAULT_DB_ALIAS, wrote=True)
        return state, _current.set(state)

    def _end(self, state, token, response):
        _current.reset(token)
        if state is not None and state.wrote:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def __call__(self, request):
        if self.async_mode:
            return self.__acall__(request)
        state, token = self._begin(request)
        try:
            response = self.get_response(request)
        except BaseException:
            _current.reset(token)
            raise
        return self._end(state, token, response)

    async def __acall__(self, request):
        state, token = self._begin(request)
        try:
            response = await self.get_response(request)
        except BaseException:
            _current.reset(token)
            raise
        return self._end(state, token, response)
