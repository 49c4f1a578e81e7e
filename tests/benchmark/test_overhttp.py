"""The benchmark's over-HTTP part: the worker's timing middleware, the load generator's
HTTP reading, and one phase against a real uvicorn worker on a tiny data set. Timings are
never asserted: only that every series was answered, timed and counted."""

import asyncio
import os
import re
import threading
import time

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from benchmark import loadgen, overhttp
from budget.models import Project
from planning.models import Plan
from tests.benchmark.test_benchmark_command import bench_data
from tests.factories import PlanFactory

TIMED = ["benchmark.middleware.ServerTimingMiddleware"]


@pytest.mark.django_db
def test_the_worker_reports_its_time_and_every_query(client, arak):
    plan = PlanFactory(city=arak)
    with override_settings(ROOT_URLCONF="benchmark.urls", MIDDLEWARE=TIMED + settings.MIDDLEWARE):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(f"/api/v1/problems/?plan={plan.pk}")
        executed = len(queries)  # read now: the next request empties the log
        bare = client.get("/bench/django/")
    assert response.status_code == 200
    assert re.fullmatch(r"app;dur=\d+\.\d\d", response["Server-Timing"])
    assert int(response["X-Bench-Queries"]) == executed > 0
    assert bare.status_code == 200
    assert bare.json() == {"ok": True}
    assert bare["X-Bench-Queries"] == "0"


class Answers:
    """A real HTTP/1.1 server on a free port that answers in the shapes the load generator
    must read: a sized body, a chunked body, a 304, and a closed connection."""

    def __init__(self):
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        asyncio.set_event_loop(self.loop)
        self.server = self.loop.run_until_complete(
            asyncio.start_server(self._answer, "127.0.0.1", 0)
        )
        self.port = self.server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    async def _answer(self, reader, writer):
        while True:
            line = await reader.readline()
            if not line:
                break
            path = line.split()[1].decode()
            length = 0
            while (header := await reader.readline()) not in (b"\r\n", b""):
                if header.lower().startswith(b"content-length:"):
                    length = int(header.split(b":")[1])
            await reader.readexactly(length)
            if path == "/sized":
                body = "سلام".encode()
                writer.write(
                    b"HTTP/1.1 200 OK\r\nServer-Timing: app;dur=1.50\r\nX-Bench-Queries: 3"
                )
                writer.write(b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
            elif path == "/chunked":
                writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")
                writer.write(b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
            elif path == "/not-modified":
                writer.write(b"HTTP/1.1 304 Not Modified\r\nX-Public-Cache: hit\r\n\r\n")
            else:
                writer.write(b"HTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
        writer.close()

    def __enter__(self):
        self.thread.start()
        self.ready.wait(5)
        return [("127.0.0.1", self.port)]

    def __exit__(self, *exc):
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)


def test_the_load_generator_reads_sized_chunked_and_bodiless_answers():
    with Answers() as addresses:
        sized = loadgen.run(addresses, lambda _i: loadgen.get("/sized"), requests=7, concurrency=3)
        chunked = loadgen.run(
            addresses,
            lambda _i: ("POST", "/chunked", {}, b"body"),
            requests=4,
            concurrency=1,
            check=lambda answer: None if answer.body == b"abcde" else repr(answer.body),
        )
        cached = loadgen.run(
            addresses,
            lambda _i: loadgen.get("/not-modified"),
            requests=2,
            concurrency=2,
            expect=(304,),
        )
        failing = loadgen.run(addresses, lambda _i: loadgen.get("/x"), requests=3, concurrency=1)
    assert len(sized.client_ms) == 7
    assert sized.server_ms == [1.5] * 7
    assert sized.queries == [3] * 7
    assert sized.rate > 0
    assert len(chunked.client_ms) == 4
    assert not chunked.errors
    assert cached.cache["hit"] == 2
    assert failing.statuses[500] == 3
    assert len(failing.errors) == 3
    assert failing.client_ms == []


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the worker process reads the committed test database: PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_one_phase_answers_every_public_path_over_http(production_static):
    # The workers serve the session's production collectstatic (tests/conftest.py) instead of
    # collecting their own: the same command on the same files.
    assert production_static.result.returncode == 0, production_static.result.stderr[-2000:]
    small = ["--indicators", "4", "--budget-projects", "10", "--budget-lines", "20"]
    bench_data("--yes", "--monitoring", "--budget", *small)
    assert Project.objects.exists()
    plan = Plan.objects.get()
    over = overhttp.OverHttp(
        plan,
        requests=2,
        seed=1,
        phases=("main",),
        static_root=str(production_static.root),
        say=lambda *_: None,
        settle_seconds=0,  # the other test process keeps the machine busy
    )
    over.run()
    keys = {series.key for series in over.series}
    assert {"django", "bare", "list", "search", "detail", "problems", "item", "submit"} <= keys
    assert {"inventory", "monitoring", "budget", "indicator", "project"} <= keys
    for series in over.series:
        for concurrency in overhttp.CONCURRENCIES:
            result = series.results[f"main c{concurrency}"]
            assert not result.errors, (series.key, result.errors)
            assert len(result.client_ms) == len(result.server_ms) == len(result.queries) > 0
    assert over.phases[0].rss_mb[0] > 10
    report = over.markdown()
    assert "| bare DRF endpoint `/bench/bare/` | main | 16 |" in report
    headline = dict((row[0], row) for row in over.headline())
    assert headline["Bare DRF endpoint ÷ bare Django view (1 worker, c16)"][3] is not None
    # The run's citizens and their submissions are gone.
    assert not plan.problems.filter(body__contains=f"[{over.run_id}]").exists()


def test_settle_waits_no_longer_than_it_is_told():
    started = time.monotonic()
    overhttp.settle(quiet=0.0, window=0.05, most=0.3)  # never quiet enough: waits it out
    assert 0.25 <= time.monotonic() - started < 2.0
