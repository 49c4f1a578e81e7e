"""The plan's problem map in the benchmark: the map API (GET /api/v1/plans/{id}/map/) for
a city-wide view and zoomed views, timed in-process through the test Client (server-side:
routing, middleware, DRF, the clustering query), with the payload's size and feature count.
bench_data gives ~60 % of its problems a point around the districts' centres."""

import gc
import random
import time
from collections.abc import Callable

from django.conf import settings
from django.db import connection
from django.http.request import validate_host
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from benchmark import words as w
from benchmark.measure import Row
from planning.models import Plan

# The box holding every benchmark point (the district centres ± the spread bench_data uses).
CITY_BOX = (
    min(lat for lat, _ in w.DISTRICT_CENTRES.values()) - 0.013,
    min(lon for _, lon in w.DISTRICT_CENTRES.values()) - 0.016,
    max(lat for lat, _ in w.DISTRICT_CENTRES.values()) + 0.013,
    max(lon for _, lon in w.DISTRICT_CENTRES.values()) + 0.016,
)


def _client() -> Client:
    host = "testserver"
    if not validate_host(host, settings.ALLOWED_HOSTS):
        host = next(h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*")
    return Client(SERVER_NAME=host)


def _box(lat: float, lon: float, half_lat: float, half_lon: float) -> str:
    return f"{lat - half_lat:.5f},{lon - half_lon:.5f},{lat + half_lat:.5f},{lon + half_lon:.5f}"


def map_rows(
    plan: Plan, *, requests: int, warmup: int, seed: int, say: Callable = print
) -> list[Row]:
    rng = random.Random(seed)
    client = _client()
    url = f"/api/v1/plans/{plan.pk}/map/"
    centres = list(w.DISTRICT_CENTRES.values())
    city = ",".join(f"{v:.5f}" for v in CITY_BOX)
    # A phone's view at zoom 16 is about 0.006° × 0.01°; zoom 14 four times that.
    views = {
        "city": lambda _i: {"bbox": city, "zoom": 13},
        "district": lambda _i: dict(bbox=_box(*rng.choice(centres), 0.012, 0.02), zoom=14),
        "street": lambda _i: dict(bbox=_box(*rng.choice(centres), 0.003, 0.005), zoom=17),
    }
    rows = [
        Row("map_city", "GET /api/v1/plans/{id}/map/ city-wide (zoom 13)", "p95 < 100 ms", 100),
        Row("map_district", "GET …/map/ a district (zoom 14)", "p95 < 100 ms", 100),
        Row("map_street", "GET …/map/ a street, single problems (zoom 17)", "p95 < 100 ms", 100),
    ]
    for row, params in zip(rows, views.values(), strict=True):
        features: list[int] = []
        sizes: list[int] = []

        def get(i, params=params, features=features, sizes=sizes):
            response = client.get(url, params(i))
            if response.status_code != 200:
                raise RuntimeError(f"map: HTTP {response.status_code}: {response.content[:300]!r}")
            sizes.append(len(response.content))
            features.append(len(response.json()["features"]))
            return response

        for i in range(warmup):
            with CaptureQueriesContext(connection) as queries:
                get(i)
            row.queries.append(len(queries))
        gc.collect()
        with override_settings(DEBUG=False):
            for i in range(warmup, warmup + requests):
                started = time.perf_counter()
                response = client.get(url, params(i))
                row.samples.append((time.perf_counter() - started) * 1000)
                if response.status_code != 200:
                    raise RuntimeError(f"map: HTTP {response.status_code}")
        row.judge()
        row.value += f" (≤ {max(features)} features, ≤ {max(sizes) // 1024 + 1} KB)"
        say(
            f"  {row.label}: p50 {row.p(50):.1f} ms, p95 {row.p(95):.1f} ms, "
            f"p99 {row.p(99):.1f} ms, {row.queries_text} queries, {row.value}"
        )
    return rows
