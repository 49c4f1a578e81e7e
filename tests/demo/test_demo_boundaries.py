"""The demo's boundaries hold every demo pin in its own district and inside the city."""

from backend import geo
from demo import content_plan
from demo.boundaries import arak_boundaries, qom_boundaries
from demo.plan_loader import _point


def _shapes(collection):
    city = next(f for f in collection["features"] if f["properties"].get("city"))
    districts = {
        f["properties"]["number"]: geo.clean_geometry(f["geometry"])
        for f in collection["features"]
        if "number" in f["properties"]
    }
    return geo.clean_geometry(city["geometry"]), districts


def test_every_demo_pin_is_in_its_district_and_the_city():
    city, districts = _shapes(arak_boundaries())
    assert sorted(districts) == [1, 2, 3, 4]
    placed = 0
    for index, row in enumerate(content_plan.PROBLEMS):
        number = row[3]
        lat, lon = _point(number, index)
        if lat is None:
            continue
        placed += 1
        assert geo.contains(city, lat, lon)
        assert [n for n, shape in districts.items() if geo.contains(shape, lat, lon)] == [number]
    assert placed >= 30


def test_the_whole_spread_of_each_district_stays_inside_it():
    _city, districts = _shapes(arak_boundaries())
    for number, shape in districts.items():
        for index in range(21 * 19):  # every offset _point() can give
            assert geo.contains(shape, *_point(number, index))


def test_qom_has_a_city_and_three_districts_that_do_not_overlap():
    city, districts = _shapes(qom_boundaries())
    assert sorted(districts) == [1, 2, 3]
    for number, shape in districts.items():
        lat, lon = geo.centroid(shape)
        assert geo.contains(city, lat, lon)
        assert [n for n, s in districts.items() if geo.contains(s, lat, lon)] == [number]
