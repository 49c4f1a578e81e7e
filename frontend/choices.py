"""The choices of the problem pages' selects (every plan; the chosen plan's city's axes and
districts, or every city's), from the cache: the search page and the new-problem form draw
them on every request, and they change only when someone edits a city, a district, an axis
or a plan (the receivers in frontend/apps.py forget them then). Kept CHOICES_SECONDS at
most, for writes that send no signal (a bulk update)."""

import contextlib

from django.core.cache import cache

from cities import selectors as city_selectors
from planning import selectors as planning_selectors

CHOICES_SECONDS = 600
_VERSION_KEY = "frontend:choices:version"


def _cached(name: str, read):
    try:
        version = cache.get(_VERSION_KEY, 0)
        key = f"frontend:choices:{version}:{name}"
        found = cache.get(key)
    except Exception:  # the cache is down: read them
        return read()
    if found is None:
        found = read()
        with contextlib.suppress(Exception):
            cache.set(key, found, CHOICES_SECONDS)
    return found


def plans() -> list:
    return _cached("plans", lambda: list(planning_selectors.plan_list()))


def places(plan) -> dict:
    """Axes and districts for the selects: the plan's city only, or every city's."""
    city_id = plan.city_id if plan is not None else None

    def read() -> dict:
        axes, districts = planning_selectors.axis_list(), city_selectors.district_list()
        if city_id is not None:
            axes, districts = axes.filter(city_id=city_id), districts.filter(city_id=city_id)
        return {"axes": list(axes), "districts": list(districts)}

    return _cached(f"places:{city_id or 'all'}", read)


def forget(**_signal) -> None:
    """Every cached choice at once (a new version; the old keys expire on their own)."""
    with contextlib.suppress(Exception):
        if not cache.add(_VERSION_KEY, 1, None):
            cache.incr(_VERSION_KEY)
