"""Work that can wait until the person has their answer.

Some of what a write sets off is for other people: the moderators' live queue hears of a new
post, and a moderator's duplicate hint is looked up for it. None of it changes what the
author is told, so it need not make the author wait. `after_response(fn)` keeps `fn` until
the current request's response has been handed to the server (Django closes a response once
its last byte has gone: the WSGI server calls `close()`, and so does the test client), and
runs it then, in the same thread, on the same database connection, before the connection
goes back to the pool. Outside a request (a management command, a test calling a service)
it runs at once.

`after_commit_and_response(fn)` is the form services use: nothing runs for a transaction
that rolls back, and nothing runs before the write is visible to the readers it is for.

What runs late cannot fail the request any more: an error is logged
(`hamandishi.afterresponse`) and the next function still runs. Work that must not be lost
with a crashed process does not belong here; the write itself is committed before any of it
runs.
"""

import contextvars
import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger("hamandishi.afterresponse")

_pending: contextvars.ContextVar[list[Callable[[], None]] | None] = contextvars.ContextVar(
    "hamandishi_after_response", default=None
)


def _run(fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception:  # the answer has gone; a failure here is logged, never raised
        logger.exception("work after the response failed: %r", fn)


def _run_all(queue: list[Callable[[], None]]) -> None:
    while queue:
        _run(queue.pop(0))


def after_response(fn: Callable[[], None]) -> None:
    """Run `fn` once the current response has been sent; outside a request, now."""
    queue = _pending.get()
    if queue is None:
        _run(fn)
    else:
        queue.append(fn)


def after_commit_and_response(fn: Callable[[], None]) -> None:
    """Run `fn` once the surrounding transaction has committed and the response has gone."""
    transaction.on_commit(lambda: after_response(fn))


class AfterResponseMiddleware:
    """Holds the request's late work and hands it to the response's closers. Placed before
    every middleware that opens a transaction, so commits inside the request find it."""

    sync_capable = True
    async_capable = False

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        queue: list[Callable[[], None]] = []
        token = _pending.set(queue)
        try:
            response = self.get_response(request)
        except BaseException:
            _pending.reset(token)
            _run_all(queue)  # committed writes keep their consequences even if the view broke
            raise
        _pending.reset(token)
        if queue:
            # Django's HttpResponseBase.close() calls these before it signals
            # request_finished (which returns the database connection).
            response._resource_closers.append(lambda: _run_all(queue))
        return response
