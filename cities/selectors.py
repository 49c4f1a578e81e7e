"""Reads of cities and districts."""

import contextlib

from django.core.cache import cache
from django.db.models import QuerySet

from cities.models import City, District


def city_list() -> QuerySet[City]:
    return City.objects.order_by("name")


def district_list() -> QuerySet[District]:
    return District.objects.select_related("city").order_by("city__name", "number", "name")


# A city's boundaries change when someone edits them in the admin (the receivers in
# cities/apps.py forget them then); kept this long at most, for writes that send no signal.
BOUNDARIES_SECONDS = 600


def _boundaries_key(city_id: int) -> str:
    return f"cities:boundaries:{city_id}"


def city_boundaries(city: City) -> dict:
    """The city's and its districts' boundaries as one GeoJSON FeatureCollection, with the
    city's box as "view" ([south, west, north, east]; GeoJSON's own "bbox" orders it
    otherwise). Every problem page with a point draws them: from the cache, not a query."""
    key = _boundaries_key(city.pk)
    with contextlib.suppress(Exception):  # the cache is down: read them
        found = cache.get(key)
        if found is not None:
            return found
    features = []
    if city.boundary:
        features.append(
            {"type": "Feature", "properties": {"city": True}, "geometry": city.boundary}
        )
    for district in District.objects.filter(city=city).order_by("number", "name"):
        if district.boundary:
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": district.name, "number": district.number},
                    "geometry": district.boundary,
                }
            )
    found = {"type": "FeatureCollection", "features": features, "view": city.bbox}
    with contextlib.suppress(Exception):
        cache.set(key, found, BOUNDARIES_SECONDS)
    return found


def forget_boundaries(city_id: int | None) -> None:
    if city_id is not None:
        with contextlib.suppress(Exception):
            cache.delete(_boundaries_key(city_id))
