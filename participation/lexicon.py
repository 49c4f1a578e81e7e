"""The synonym lexicon each city's suggestions use: the active groups of the city and the
groups for every city, read once per process and read again when any group changes.

A change puts a new version token in the cache (`lexicon_changed`, called by the services
the admin saves through), so every worker picks the new groups up on its next lookup; a
cache that lost the token (restarted, cleared) gets a new one, which reads the groups again.
When the cache is down, groups are read from the database at most once a minute.
"""

import contextlib
import secrets
import time

from django.core.cache import cache

from backend.stems import Lexicon

VERSION_KEY = "participation:lexicon:version"
STALE_SECONDS = 60

_loaded: dict[int | None, tuple[object, float, Lexicon]] = {}


def _version() -> object:
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, secrets.token_hex(8), None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:  # the cache is down: the clock decides
        return None


def lexicon_changed() -> None:
    with contextlib.suppress(Exception):  # no cache: the minute-old copy is read again
        cache.set(VERSION_KEY, secrets.token_hex(8), None)
    _loaded.clear()


def lexicon_for(city_id: int | None) -> Lexicon:
    from django.db.models import F, Q

    from participation.models import SynonymGroup

    version = _version()
    now = time.monotonic()
    held = _loaded.get(city_id)
    if held is not None:
        held_version, read_at, lexicon = held
        if version is not None and held_version == version:
            return lexicon
        if version is None and now - read_at < STALE_SECONDS:
            return lexicon
    groups = SynonymGroup.objects.filter(active=True).filter(
        Q(city__isnull=True) | Q(city_id=city_id)
    )
    # Every-city groups first, then the city's own, on both backends alike.
    ordered = groups.order_by(F("city_id").asc(nulls_first=True), "id")
    lexicon = Lexicon(group.term_list() for group in ordered)
    _loaded[city_id] = (version, now, lexicon)
    return lexicon
