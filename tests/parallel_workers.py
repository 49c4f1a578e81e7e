"""The suite on several pytest-xdist workers (`make test` runs `-n 2`): what keeps them apart.

Each worker has a test database of its own already (pytest-django adds `_gw<n>` to its name).
Redis is shared, so each worker also gets a cache key prefix and a channel-layer prefix of its
own, in the environment too (the worker processes that tests start read them from there), and
its cache's `clear()` removes only that worker's keys: Django's clear is FLUSHDB, which would
empty the other worker's cache in the middle of its test. A run without xdist is unchanged.

The tests that use one of SHARED_WORLDS (a world built once per process: the demo load, the
production collectstatic, the browser suite's committed demo) must run on one worker, one
after the other. xdist's own `--dist loadgroup` cannot do it with pytest 9.2: it renames the
items through an attribute pytest no longer reads, and the groups are silently lost
(pytest-xdist issue 1386). So each worker writes which tests use which world to a file that
the controller named before starting them, and SharedWorldScheduling (for `-n N`, xdist's
default `--dist load`) sends each world's tests to one worker as one unit, and every other test
on its own, as `--dist load` does, all in collection order.
"""

import json
import os
import re
import tempfile
from pathlib import Path

from django.conf import settings

from backend.rediscache import RedisCache

WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
GROUPS_FILE = "HAMANDISHI_XDIST_GROUPS"

# Fixtures that build a world once per process (tests/conftest.py, tests/e2e/pages.py).
SHARED_WORLDS = ("demo_once", "production_static", "demo_site")


class WorkerRedisCache(RedisCache):
    """Our Redis cache, whose clear() deletes this worker's keys only (not FLUSHDB)."""

    def clear(self):
        client = self._cache.get_client(write=True)
        pattern = re.sub(r"([*?\[\]\\])", r"\\\1", self.key_prefix) + ":*"
        keys = list(client.scan_iter(match=pattern, count=1000))
        if keys:
            client.delete(*keys)
        return True


def separate_redis() -> None:
    """Called once per worker, before any cache or channel layer is built."""
    if not WORKER:
        return
    for variable in ("CACHE_PREFIX", "CHANNELS_PREFIX"):
        os.environ[variable] = f"{os.environ.get(variable, 'hamandishi')}-{WORKER}"
    cache = settings.CACHES["default"]
    if cache["BACKEND"] == "backend.rediscache.RedisCache":
        cache["BACKEND"] = f"{__name__}.WorkerRedisCache"
        cache["KEY_PREFIX"] = os.environ["CACHE_PREFIX"]
    layer = settings.CHANNEL_LAYERS["default"]
    if "prefix" in layer.get("CONFIG", {}):
        layer["CONFIG"]["prefix"] = os.environ["CHANNELS_PREFIX"]


def _distributing(config) -> bool:
    # xdist's `-n` has set `dist` by pytest_configure time; its workers run with "no".
    return not WORKER and config.getoption("dist", default="no") != "no"


def name_groups_file(config) -> None:
    """In the controller, before the workers start: where they write the groups."""
    if not _distributing(config):
        return
    handle, path = tempfile.mkstemp(prefix="hamandishi-xdist-groups-")
    os.close(handle)
    os.environ[GROUPS_FILE] = path

    def remove() -> None:
        for written in Path(path).parent.glob(Path(path).name + "*"):
            written.unlink(missing_ok=True)

    config.add_cleanup(remove)


def write_groups(items) -> None:
    """In each worker, once collected: the tests of each shared world, by node id."""
    path = os.environ.get(GROUPS_FILE)
    if not WORKER or not path:
        return
    groups = {}
    for item in items:
        names = getattr(item, "fixturenames", ())
        world = next((world for world in SHARED_WORLDS if world in names), None)
        if world is not None:
            groups[item.nodeid] = world
    mine = Path(f"{path}-{WORKER}")
    partial = mine.with_name(mine.name + ".partial")
    partial.write_text(json.dumps(groups))
    partial.replace(mine)


def make_scheduler(config, log):
    """For `-n N` (xdist's default `--dist load`): SharedWorldScheduling."""
    path = os.environ.get(GROUPS_FILE)
    if config.getvalue("dist") != "load" or not path:
        return None
    from xdist.scheduler import LoadScopeScheduling

    # Units in collection order, not biggest first (xdist's default for scopes): pytest-django
    # orders the database tests before the transactional ones, whose flush empties the
    # migrations' data (moderation rules, the seeded lexicon) that the others read.
    config.option.loadscopereorder = False

    class SharedWorldScheduling(LoadScopeScheduling):
        """One unit per shared world's tests, one unit per test everywhere else."""

        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:
                # Every worker has collected (and written its file) before scheduling starts.
                self.groups = {}
                for written in sorted(Path(path).parent.glob(Path(path).name + "-gw*")):
                    if not written.name.endswith(".partial"):
                        self.groups.update(json.loads(written.read_text()))
            return self.groups.get(nodeid, nodeid)

    return SharedWorldScheduling(config, log)
