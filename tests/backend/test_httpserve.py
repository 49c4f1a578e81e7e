"""Plain HTTP through the WSGI handler on threads (backend/httpserve.py, backend/asgi.py)."""

import asyncio
import threading

import pytest
from asgiref.sync import async_to_sync
from asgiref.testing import ApplicationCommunicator

from backend.httpserve import ThreadedWSGI


def _scope(path="/"):
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }


async def _get(app, path="/", timeout=10):
    communicator = ApplicationCommunicator(app, _scope(path))
    await communicator.send_input({"type": "http.request", "body": b"", "more_body": False})
    start = await communicator.receive_output(timeout)
    body = b""
    while True:
        message = await communicator.receive_output(timeout)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    return start["status"], body


def test_async_to_sync_in_a_view_runs_on_the_servers_loop():
    seen = {}

    async def where():
        return asyncio.get_running_loop()

    def wsgi(environ, start_response):
        seen["loop"] = async_to_sync(where)()
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    async def serve():
        seen["server"] = asyncio.get_running_loop()
        return await _get(ThreadedWSGI(wsgi, threads=2))

    assert asyncio.run(serve()) == (200, b"ok")
    # The in-memory channel layer's queues live on the server's loop: a group_send from a
    # view must run there, not on a loop of its own.
    assert seen["loop"] is seen["server"]


def test_requests_are_served_on_several_threads_at_once():
    both_in = threading.Barrier(2, timeout=5)

    def wsgi(environ, start_response):
        both_in.wait()  # one thread alone would wait here until the timeout
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [threading.current_thread().name.encode()]

    async def serve():
        app = ThreadedWSGI(wsgi, threads=2)
        return await asyncio.gather(_get(app), _get(app))

    (one, first), (two, second) = asyncio.run(serve())
    assert (one, two) == (200, 200)
    assert first != second


@pytest.mark.django_db(transaction=True)
def test_the_site_answers_through_it():
    from backend import asgi

    assert isinstance(asgi.http_app, ThreadedWSGI)
    status, body = asyncio.run(_get(asgi.application, "/healthz"))
    assert status == 200, body
    status, body = asyncio.run(_get(asgi.application, "/rules/"))
    assert status == 200
    assert "قواعد".encode() in body


def test_a_thread_keeps_its_caches_from_one_request_to_the_next():
    # Django keeps its cache objects (and so their Redis pools) in context-local storage;
    # a fresh context per request opened a new Redis connection for each request.
    from django.core.cache import caches

    seen = []

    def wsgi(environ, start_response):
        seen.append((threading.get_ident(), id(caches["default"])))
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    async def serve():
        app = ThreadedWSGI(wsgi, threads=1)
        for _ in range(3):
            assert await _get(app) == (200, b"ok")

    asyncio.run(serve())
    assert len({thread for thread, _ in seen}) == 1
    assert len({cache for _, cache in seen}) == 1


def test_the_worker_keeps_its_startup_objects_out_of_the_collector():
    import gc

    from backend import asgi  # noqa: F401

    assert gc.get_freeze_count() > 10_000
