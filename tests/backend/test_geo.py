"""The point-and-boundary arithmetic (backend.geo) and the city point rule (cities.places)."""

from decimal import Decimal

import pytest

from backend import geo
from backend.errors import DomainError
from cities.models import City, District
from cities.places import check_point

SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[49.60, 34.00], [49.80, 34.00], [49.80, 34.20], [49.60, 34.20], [49.60, 34.00]]
    ],
}
WITH_HOLE = {
    "type": "Polygon",
    "coordinates": [
        SQUARE["coordinates"][0],
        [[49.65, 34.05], [49.75, 34.05], [49.75, 34.15], [49.65, 34.15], [49.65, 34.05]],
    ],
}


def test_distance_matches_a_known_length():
    # One degree of latitude is about 111.2 km on the mean sphere.
    assert geo.distance_m(34, 49.7, 35, 49.7) == pytest.approx(111_195, rel=1e-3)
    assert geo.distance_m(34.09, 49.69, 34.09, 49.69) == 0
    # 250 m east at Arak's latitude.
    south, west, north, east = geo.box_around(34.09, 49.69, 250)
    assert geo.distance_m(34.09, 49.69, 34.09, east) == pytest.approx(250, rel=1e-3)
    assert geo.distance_m(34.09, 49.69, north, 49.69) == pytest.approx(250, rel=1e-3)


def test_contains_respects_holes_and_multipolygons():
    assert geo.contains(SQUARE, 34.1, 49.7)
    assert not geo.contains(SQUARE, 34.3, 49.7)
    assert not geo.contains(WITH_HOLE, 34.1, 49.7)
    assert geo.contains(WITH_HOLE, 34.02, 49.62)
    multi = {
        "type": "MultiPolygon",
        "coordinates": [SQUARE["coordinates"], [[[50, 35], [51, 35], [51, 36], [50, 35]]]],
    }
    assert geo.contains(geo.clean_geometry(multi), 35.2, 50.8)
    assert geo.bbox(SQUARE) == [34.0, 49.6, 34.2, 49.8]


@pytest.mark.parametrize(
    "value",
    [
        None,
        "Polygon",
        {"type": "Point", "coordinates": [49.7, 34.1]},
        {"type": "Polygon", "coordinates": [[[49.6, 34.0], [49.8, 34.0], [49.6, 34.0]]]},
        {
            "type": "Polygon",
            "coordinates": [[[49.6, 34.0], [49.8, 34.0], [49.8, 34.2], [49.6, 34.3]]],
        },
        {
            "type": "Polygon",
            "coordinates": [[["a", 34.0], [49.8, 34.0], [49.8, 34.2], ["a", 34.0]]],
        },
        {"type": "Polygon", "coordinates": [[[200, 34], [49.8, 34], [49.8, 34.2], [200, 34]]]},
        {"type": "MultiPolygon", "coordinates": []},
        {"type": "FeatureCollection", "features": []},
    ],
)
def test_bad_boundaries_are_refused_in_persian(value):
    with pytest.raises(geo.GeometryError) as refused:
        geo.clean_geometry(value)
    assert any("\u0600" <= ch <= "\u06ff" for ch in str(refused.value))


def test_a_feature_collection_of_one_is_unwrapped():
    wrapped = {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": SQUARE}]}
    assert geo.clean_geometry(wrapped) == SQUARE


@pytest.mark.django_db
def test_points_outside_the_city_are_refused_and_the_district_is_found():
    city = City.objects.create(name="اراک", slug="arak-geo", boundary=SQUARE)
    west = District.objects.create(
        city=city,
        name="غرب",
        number=1,
        boundary={
            "type": "Polygon",
            "coordinates": [[[49.6, 34.0], [49.7, 34.0], [49.7, 34.2], [49.6, 34.2], [49.6, 34.0]]],
        },
    )
    assert city.bbox == [34.0, 49.6, 34.2, 49.8]
    assert check_point(city, Decimal("34.1"), Decimal("49.65"), None) == west
    assert check_point(city, Decimal("34.1"), Decimal("49.75"), None) is None
    assert check_point(city, None, None, None) is None
    for lat, lon in [("34.3", "49.7"), ("51.5", "-0.1"), ("34.1", "49.9")]:
        with pytest.raises(DomainError) as refused:
            check_point(city, Decimal(lat), Decimal(lon), None)
        assert refused.value.code == "point_outside_city"
        assert "اراک" in refused.value.message
    with pytest.raises(DomainError):
        check_point(city, Decimal("34.1"), None, None)


@pytest.mark.django_db
def test_a_city_without_a_boundary_takes_points_in_its_districts_or_in_iran():
    bare = City.objects.create(name="بی‌مرز", slug="bare")
    assert check_point(bare, Decimal("35.7"), Decimal("51.4"), None) is None
    with pytest.raises(DomainError):
        check_point(bare, Decimal("48.85"), Decimal("2.35"), None)
    District.objects.create(city=bare, name="یک", number=1, boundary=SQUARE)
    with pytest.raises(DomainError):
        check_point(bare, Decimal("35.7"), Decimal("51.4"), None)
