"""Liveness for load balancers and compose: which dependency answers and which does not.

`GET /healthz` → 200 `{"database": "ok", "cache": "ok", "channel_layer": "ok",
"status": "ok"}`; when one is down → 503 with that one marked "down" and listed in
`"failed"`, so a probe's log says what to fix. Never raises: it exists to report faults.
"""

import asyncio
import logging
import secrets

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger("hamandishi.health")
CHANNEL_LAYER_TIMEOUT = 3  # seconds: a Redis that accepts but never answers is down too


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    value = secrets.token_hex(4)
    cache.set("healthz", value, 5)
    if cache.get("healthz") != value:
        raise RuntimeError("the cache did not return what was stored")


async def _channel_layer_round_trip() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    await layer.send(channel, {"type": "healthz"})
    message = await layer.receive(channel)
    if message.get("type") != "healthz":
        raise RuntimeError("the channel layer returned another message")


def check_channel_layer() -> None:
    async def bounded():
        await asyncio.wait_for(_channel_layer_round_trip(), CHANNEL_LAYER_TIMEOUT)

    async_to_sync(bounded)()


CHECKS = {"database": check_database, "cache": check_cache, "channel_layer": check_channel_layer}


@never_cache
def healthz(_request):
    body: dict = {}
    failed = []
    for name, check in CHECKS.items():
        try:
            check()
            body[name] = "ok"
        except Exception as error:  # report, never raise
            logger.warning("healthz: %s is down: %s: %s", name, type(error).__name__, error)
            body[name] = "down"
            failed.append(name)
    body["status"] = "down" if failed else "ok"
    if failed:
        body["failed"] = failed
    return JsonResponse(body, status=503 if failed else 200)
