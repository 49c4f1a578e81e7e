"""Redis as the settings configure it. The channel layer: a worker's sockets share one queue,
and a burst to many of them (a notification to a plan's followers) must all arrive. The
cache: one redis-py client per pool (backend/rediscache.py)."""

import asyncio
import os
import time
import uuid

import pytest
from channels.layers import get_channel_layer

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="the Redis channel layer needs REDIS_URL"
)

SOCKETS = 300  # three times channels_redis's default capacity of 100


def fresh_layer(settings, name: str):
    settings.CHANNEL_LAYERS = {
        "default": {
            **settings.CHANNEL_LAYERS["default"],
            "CONFIG": {
                **settings.CHANNEL_LAYERS["default"]["CONFIG"],
                "prefix": f"test-{name}-{uuid.uuid4().hex[:8]}",
            },
        }
    }
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    return get_channel_layer()


def test_a_burst_to_every_socket_of_a_worker_arrives(settings):
    from channels.layers import channel_layers

    layer = fresh_layer(settings, "burst")  # the layer of these settings

    async def burst() -> int:
        # One process's channels, as one worker's sockets are: they share its queue.
        channels = [await layer.new_channel() for _ in range(SOCKETS)]
        for n, channel in enumerate(channels):
            await layer.group_add(f"user.{n}", channel)
        # Every group is sent to before any socket reads, as in a fan-out.
        for n in range(SOCKETS):
            await layer.group_send(f"user.{n}", {"type": "notification.created", "n": n})
        received = set()
        for channel in channels:
            message = await asyncio.wait_for(layer.receive(channel), 5)
            received.add(message["n"])
        for n, channel in enumerate(channels):
            await layer.group_discard(f"user.{n}", channel)
        await layer.flush()
        return len(received)

    try:
        assert asyncio.run(burst()) == SOCKETS
    finally:
        channel_layers.backends.clear()


def test_a_socket_waiting_past_the_block_on_a_busy_worker_still_receives(settings):
    """A worker waits for events by blocking 5 s in Redis, again and again. When its event
    loop is busy as a block ends (a burst being written to its sockets), the empty answer is
    read late: with a read timeout no longer than the block (redis-py 8's default, 5 s) the
    wait failed and the socket was closed. The settings give reads more time."""
    from channels.layers import channel_layers

    layer = fresh_layer(settings, "busy")

    async def wait() -> dict:
        channel = await layer.new_channel()
        receiving = asyncio.ensure_future(layer.receive(channel))
        await asyncio.sleep(4.7)
        time.sleep(0.8)  # the loop busy while the 5 s block ends
        await asyncio.sleep(0.5)
        await layer.send(channel, {"type": "notification.created", "n": 1})
        message = await asyncio.wait_for(receiving, 10)
        await layer.flush()
        return message

    try:
        assert asyncio.run(wait())["n"] == 1
    finally:
        channel_layers.backends.clear()


def test_the_pool_and_capacity_come_from_the_environment(monkeypatch):
    import importlib

    import backend.settings as module

    monkeypatch.setenv("REDIS_URL", os.environ["REDIS_URL"])
    monkeypatch.setenv("CHANNELS_CAPACITY", "1234")
    monkeypatch.setenv("CHANNELS_MAX_CONNECTIONS", "77")
    monkeypatch.setenv("CHANNELS_SOCKET_TIMEOUT", "30")
    try:
        config = importlib.reload(module).CHANNEL_LAYERS["default"]["CONFIG"]
    finally:
        monkeypatch.delenv("CHANNELS_CAPACITY")
        monkeypatch.delenv("CHANNELS_MAX_CONNECTIONS")
        monkeypatch.delenv("CHANNELS_SOCKET_TIMEOUT")
        importlib.reload(module)
    assert config["capacity"] == 1234
    assert config["hosts"][0]["max_connections"] == 77
    assert config["hosts"][0]["socket_timeout"] == 30


def test_the_cache_keeps_one_redis_client_per_pool():
    from django.core.cache import caches

    from backend.rediscache import RedisCache

    cache = caches["default"]
    assert isinstance(cache, RedisCache)
    client = cache._cache.get_client(write=True)  # noqa: SLF001 — the backend's own client
    cache.set("one-client", {"x": "یک"}, 30)
    assert cache.get("one-client") == {"x": "یک"}
    assert cache.get_many(["one-client", "none"]) == {"one-client": {"x": "یک"}}
    assert cache.add("one-client-n", 1)
    assert cache.incr("one-client-n") == 2
    assert cache._cache.get_client() is client  # noqa: SLF001
    cache.delete_many(["one-client", "one-client-n"])
    assert cache.get("one-client") is None
