"""Plane-and-sphere arithmetic for points and boundaries, without a GIS engine.

Boundaries are GeoJSON geometries (Polygon or MultiPolygon, longitude before latitude as
the format requires) kept in JSON columns, so SQLite and PostgreSQL store them alike. A city
is a few kilometres across: distances use the haversine formula on a sphere of the Earth's
mean radius (error well under 0.5 %), and "inside" is the even-odd ray test on the
longitude/latitude plane, which is exact for the straight edges GeoJSON means at this scale.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

EARTH_RADIUS_M = 6_371_008.8
# Points no Iranian city can hold: checked before any city boundary is.
IRAN_BOX = (24.0, 43.5, 40.5, 63.5)  # south, west, north, east
MAX_VERTICES = 20_000

Number = float | int | Decimal


class GeometryError(ValueError):
    """A boundary that is not a usable GeoJSON polygon; the message is Persian."""


def distance_m(lat1: Number, lon1: Number, lat2: Number, lon2: Number) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp = p2 - p1
    dl = math.radians(float(lon2) - float(lon1))
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def box_around(lat: Number, lon: Number, metres: float) -> tuple[float, float, float, float]:
    """(south, west, north, east) of a square that holds every point within `metres`: an
    index-friendly first cut before the exact distance."""
    dlat = math.degrees(metres / EARTH_RADIUS_M)
    cos = max(math.cos(math.radians(float(lat))), 1e-6)
    dlon = math.degrees(metres / (EARTH_RADIUS_M * cos))
    return float(lat) - dlat, float(lon) - dlon, float(lat) + dlat, float(lon) + dlon


def in_box(box: Iterable[Number], lat: Number, lon: Number) -> bool:
    south, west, north, east = (float(v) for v in box)
    return south <= float(lat) <= north and west <= float(lon) <= east


def _position(value: Any) -> tuple[float, float]:
    if not isinstance(value, list | tuple) or len(value) < 2:
        raise GeometryError("هر نقطه‌ی مرز باید [طول، عرض] باشد.")
    lon, lat = value[0], value[1]
    if isinstance(lon, bool) or isinstance(lat, bool):
        raise GeometryError("هر نقطه‌ی مرز باید [طول، عرض] باشد.")
    if not isinstance(lon, int | float) or not isinstance(lat, int | float):
        raise GeometryError("مختصات مرز باید عدد باشد.")
    if not (math.isfinite(lon) and math.isfinite(lat)) or not (
        -180 <= lon <= 180 and -90 <= lat <= 90
    ):
        raise GeometryError("مختصات مرز بیرون از محدوده‌ی زمین است.")
    return float(lon), float(lat)


def _ring(value: Any) -> list[tuple[float, float]]:
    if not isinstance(value, list):
        raise GeometryError("حلقه‌ی مرز باید فهرستی از نقطه‌ها باشد.")
    ring = [_position(p) for p in value]
    if len(ring) < 4 or ring[0] != ring[-1]:
        raise GeometryError("هر حلقه‌ی مرز دست‌کم چهار نقطه دارد و به نقطه‌ی آغاز برمی‌گردد.")
    return ring


def _unwrap(value: Any) -> Any:
    """A bare geometry, a Feature, or a FeatureCollection of exactly one feature."""
    if isinstance(value, dict) and value.get("type") == "FeatureCollection":
        features = value.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise GeometryError("مجموعه باید دقیقاً یک عارضه داشته باشد.")
        value = features[0]
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    return value


def clean_geometry(value: Any) -> dict:
    """A checked Polygon or MultiPolygon with rounded coordinates, ready to store."""
    value = _unwrap(value)
    if not isinstance(value, dict):
        raise GeometryError("مرز باید یک شیء GeoJSON باشد.")
    kind, coordinates = value.get("type"), value.get("coordinates")
    if kind == "Polygon":
        polygons = [coordinates]
    elif kind == "MultiPolygon":
        if not isinstance(coordinates, list) or not coordinates:
            raise GeometryError("چندضلعی چندگانه خالی است.")
        polygons = coordinates
    else:
        raise GeometryError("مرز باید از نوع Polygon یا MultiPolygon باشد.")
    cleaned = []
    vertices = 0
    for polygon in polygons:
        if not isinstance(polygon, list) or not polygon:
            raise GeometryError("چندضلعی باید دست‌کم یک حلقه داشته باشد.")
        rings = [_ring(r) for r in polygon]
        vertices += sum(len(r) for r in rings)
        if vertices > MAX_VERTICES:
            raise GeometryError(f"مرز حداکثر {MAX_VERTICES} نقطه دارد.")
        cleaned.append([[[round(x, 6), round(y, 6)] for x, y in r] for r in rings])
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": cleaned[0]}
    return {"type": "MultiPolygon", "coordinates": cleaned}


def _polygons(geometry: dict) -> Iterator[list]:
    if geometry["type"] == "Polygon":
        yield geometry["coordinates"]
    else:
        yield from geometry["coordinates"]


def _ring_holds(ring: list, x: float, y: float) -> bool:
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def contains(geometry: dict, lat: Number, lon: Number) -> bool:
    """Whether the point lies inside the (cleaned) geometry: inside an outer ring and in
    none of its holes."""
    x, y = float(lon), float(lat)
    for polygon in _polygons(geometry):
        outer, *holes = polygon
        if _ring_holds(outer, x, y) and not any(_ring_holds(h, x, y) for h in holes):
            return True
    return False


def bbox(geometry: dict) -> list[float]:
    """[south, west, north, east] of the geometry's outer rings."""
    xs: list[float] = []
    ys: list[float] = []
    for polygon in _polygons(geometry):
        for x, y in polygon[0]:
            xs.append(x)
            ys.append(y)
    return [min(ys), min(xs), max(ys), max(xs)]


def centroid(geometry: dict) -> tuple[float, float]:
    """(lat, lon) of the area-weighted centre of the outer rings: where a label goes."""
    area_sum = cx = cy = 0.0
    for polygon in _polygons(geometry):
        ring = polygon[0]
        for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
            cross = x0 * y1 - x1 * y0
            area_sum += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if abs(area_sum) < 1e-15:
        south, west, north, east = bbox(geometry)
        return (south + north) / 2, (west + east) / 2
    return cy / (3 * area_sum), cx / (3 * area_sum)
