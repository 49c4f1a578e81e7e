"""Plain HTTP through Django's WSGI handler on a pool of threads, inside the ASGI server.

Django's ASGI handler runs our sync middleware and views by hopping between the event loop
and worker threads, several hops per request; measured on the same machine and data, a
bare DRF endpoint answered in 13 ms (p50) that way and in 2.3 ms through the WSGI handler
on threads (docs/scaling.md «The HTTP path»). Websockets stay on channels in the same
process, so one port and one kind of worker serve both.

`a2wsgi.WSGIMiddleware` does the ASGI → WSGI translation and owns the thread pool. What we
add:

- each of its threads is told which event loop is the server's, as asgiref does for the
  threads it starts itself, so `async_to_sync` in a view (a channel layer's `group_send`, the
  health check) runs on the server's loop. The in-memory channel layer of `make run` only
  works that way, and with Redis it saves opening a loop and connections per call;
- each thread serves its requests in one context of its own, as a thread of a WSGI server
  does. a2wsgi runs every request in a fresh copy of the loop's context, and Django keeps
  its caches (not its database connections) in context-local storage: each request built a
  new cache object with a new Redis connection pool, i.e. a new TCP connection to Redis per
  request (≈ 4 ms of a cached answer's 6, measured).
"""

from __future__ import annotations

import asyncio
import contextvars
import os
import threading

from a2wsgi import WSGIMiddleware
from asgiref.sync import SyncToAsync


class ThreadedWSGI:
    """An ASGI HTTP application serving a WSGI one on `threads` threads."""

    def __init__(self, wsgi_application, threads: int):
        self.wsgi_application = wsgi_application
        self.loop: asyncio.AbstractEventLoop | None = None
        self.served = WSGIMiddleware(self._in_thread, workers=threads)
        self.threads = threading.local()

    def _in_thread(self, environ, start_response):
        local = SyncToAsync.threadlocal
        if getattr(local, "main_event_loop", None) is not self.loop:
            local.main_event_loop = self.loop
            local.main_event_loop_pid = os.getpid()
        context = getattr(self.threads, "context", None)
        if context is None:
            context = self.threads.context = contextvars.Context()
        return context.run(self.wsgi_application, environ, start_response)

    async def __call__(self, scope, receive, send):
        if self.loop is None:
            self.loop = asyncio.get_running_loop()
        await self.served(scope, receive, send)
