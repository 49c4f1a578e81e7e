"""Demo boundaries for Arak and Qom: a city polygon each and Voronoi-like districts.

A district is the part of the city nearer its centre (DISTRICT_CENTRES, where the demo
pins are spread around) than any other centre, measured on a plane where a degree of
longitude is shortened by cos(latitude), so "nearer" means nearer on the ground. The
polygons are drawn invented, not surveyed: they only have to hold every demo pin in its
own district. They are loaded through `accounts.services.boundaries_import`, the same
path a city admin's file takes.
"""

import math

from demo.plan_loader import DISTRICT_CENTRES

# (longitude, latitude), as GeoJSON orders them; counter-clockwise.
ARAK_OUTLINE = [
    (49.640, 34.080),
    (49.648, 34.060),
    (49.680, 34.048),
    (49.712, 34.050),
    (49.722, 34.075),
    (49.716, 34.118),
    (49.700, 34.128),
    (49.668, 34.124),
    (49.645, 34.104),
]
QOM_OUTLINE = [
    (50.830, 34.640),
    (50.842, 34.606),
    (50.880, 34.596),
    (50.915, 34.610),
    (50.925, 34.645),
    (50.905, 34.676),
    (50.862, 34.682),
]
QOM_CENTRES = {1: (34.655, 50.858), 2: (34.652, 50.902), 3: (34.615, 50.878)}

Point = tuple[float, float]


def _clip(polygon: list[Point], keep) -> list[Point]:
    """Sutherland–Hodgman: the part of a convex polygon where keep(p) >= 0."""
    out: list[Point] = []
    for i, current in enumerate(polygon):
        previous = polygon[i - 1]
        a, b = keep(previous), keep(current)
        if (a >= 0) != (b >= 0):
            t = a / (a - b)
            out.append(
                (
                    previous[0] + t * (current[0] - previous[0]),
                    previous[1] + t * (current[1] - previous[1]),
                )
            )
        if b >= 0:
            out.append(current)
    return out


def voronoi_districts(outline: list[Point], centres: dict[int, tuple]) -> dict[int, list]:
    """Each centre's cell inside the outline, as a closed GeoJSON ring."""
    scale = math.cos(math.radians(sum(lat for lat, _lon in centres.values()) / len(centres)))
    cells = {}
    for number, (lat, lon) in centres.items():
        cell = list(outline)
        for other, (lat2, lon2) in centres.items():
            if other == number:
                continue

            def keep(p, lat=lat, lon=lon, lat2=lat2, lon2=lon2):
                # Positive on this centre's side of the perpendicular bisector.
                mx, my = (lon + lon2) / 2, (lat + lat2) / 2
                dx, dy = (lon - lon2) * scale, lat - lat2
                return (p[0] - mx) * scale * dx + (p[1] - my) * dy

            cell = _clip(cell, keep)
        ring = [[round(x, 6), round(y, 6)] for x, y in cell]
        cells[number] = [*ring, ring[0]]
    return cells


def _collection(outline: list[Point], centres: dict[int, tuple]) -> dict:
    ring = [[x, y] for x, y in outline]
    features = [
        {
            "type": "Feature",
            "properties": {"city": True},
            "geometry": {"type": "Polygon", "coordinates": [[*ring, ring[0]]]},
        }
    ]
    for number, cell in voronoi_districts(outline, centres).items():
        features.append(
            {
                "type": "Feature",
                "properties": {"number": number},
                "geometry": {"type": "Polygon", "coordinates": [cell]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def arak_boundaries() -> dict:
    return _collection(ARAK_OUTLINE, DISTRICT_CENTRES)


def qom_boundaries() -> dict:
    return _collection(QOM_OUTLINE, QOM_CENTRES)
