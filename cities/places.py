"""Where a reported point may be: inside its city, and in which district.

The rule, in order: a point must be in Iran; if the city has a boundary, inside it; if it
has none but some districts have one, inside one of those; a city with no boundary at all
takes any point in Iran. A district is filled in from the point when the author chose none.
"""

from decimal import Decimal

from backend import geo
from backend.errors import DomainError
from cities.models import City, District

OUTSIDE = "این نقطه بیرون از محدوده‌ی شهر {city} است. نقطه‌ای درون شهر را روی نقشه انتخاب کنید."


def district_at(city: City, lat: Decimal, lon: Decimal) -> District | None:
    """The district whose boundary holds the point (the first by number when they overlap)."""
    for district in city.districts.exclude(boundary=None).order_by("number", "id"):
        boundary, box = district.boundary, district.bbox
        if boundary and box and geo.in_box(box, lat, lon) and geo.contains(boundary, lat, lon):
            return district
    return None


def check_point(
    city: City, lat: Decimal | None, lon: Decimal | None, district: District | None
) -> District | None:
    """Refuse (400, in Persian) a half point or a point outside the city; return the
    district to store: the author's choice, else the one the point falls in."""
    if lat is None and lon is None:
        return district
    if lat is None or lon is None:
        raise DomainError("موقعیت باید هم عرض و هم طول جغرافیایی داشته باشد.", code="point")
    outside = DomainError(OUTSIDE.format(city=city.name), code="point_outside_city")
    if not geo.in_box(geo.IRAN_BOX, lat, lon):
        raise outside
    found = district_at(city, lat, lon)
    if city.boundary:
        box = city.bbox or geo.IRAN_BOX
        if not (geo.in_box(box, lat, lon) and geo.contains(city.boundary, lat, lon)):
            raise outside
    elif found is None and city.districts.exclude(boundary=None).exists():
        raise outside
    return district if district is not None else found
