"""Importing a city's boundaries: all or nothing, Persian reports, city admins only."""

import json

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Activity
from accounts.services import boundaries_import
from backend.errors import DomainError, Refused
from cities.places import check_point
from demo.boundaries import arak_boundaries
from tests.factories import DistrictFactory, StaffRoleFactory, UserFactory


def square(west, south, size=0.02):
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def feature(properties, geometry):
    return {"type": "Feature", "properties": properties, "geometry": geometry}


@pytest.fixture
def two_districts(arak):
    return (
        DistrictFactory(city=arak, number=1, name="منطقه‌ی یک"),
        DistrictFactory(city=arak, number=2, name="منطقه‌ی دو"),
    )


@pytest.mark.django_db
class TestImport:
    def test_sets_city_and_districts_and_records_it(self, arak, city_admin, two_districts):
        one, two = two_districts
        done = boundaries_import(
            actor=city_admin,
            city=arak,
            geojson=collection(
                feature({"city": True}, square(49.6, 34.0, 0.2)),
                feature({"number": "۱"}, square(49.6, 34.0)),
                feature({"name": "منطقه ی دو"}, square(49.7, 34.1)),  # no ZWNJ: still found
            ),
        )
        assert done.city_boundary
        assert len(done.districts) == 2
        arak.refresh_from_db()
        one.refresh_from_db()
        two.refresh_from_db()
        assert arak.bbox == [34.0, 49.6, 34.2, 49.8]
        assert one.bbox == [34.0, 49.6, 34.02, 49.62]
        assert two.boundary["type"] == "Polygon"
        entry = Activity.objects.get(action="city.boundaries_import")
        assert entry.city_id == arak.pk
        assert entry.actor == city_admin
        # The points rule now uses them.
        assert check_point(arak, 34.01, 49.61, None) == one
        with pytest.raises(DomainError) as refused:
            check_point(arak, 35.5, 51.4, None)
        assert refused.value.code == "point_outside_city"

    def test_all_or_nothing_with_a_persian_line_per_problem(self, arak, city_admin, two_districts):
        one, _two = two_districts
        bad = collection(
            feature({"city": True}, square(49.6, 34.0, 0.2)),
            feature({"number": 1}, square(49.6, 34.0)),
            feature({"number": 9}, square(49.7, 34.1)),  # no such district
            feature({"name": "منطقه‌ی دو"}, {"type": "Point", "coordinates": [49.7, 34.1]}),
            feature({"number": 1}, square(49.6, 34.0)),  # repeated
        )
        with pytest.raises(DomainError) as error:
            boundaries_import(actor=city_admin, city=arak, geojson=bad)
        problems = error.value.extra["problems"]
        assert len(problems) == 3
        assert "عارضه‌ی ۳" in problems[0]
        assert "منطقه‌ای با این شماره" in problems[0]
        assert "Polygon" in problems[1]
        assert "منطقه‌ی دو" in problems[1]
        assert "دو بار" in problems[2]
        arak.refresh_from_db()
        one.refresh_from_db()
        assert arak.boundary is None
        assert one.boundary is None
        assert not Activity.objects.filter(action="city.boundaries_import").exists()

    @pytest.mark.parametrize(
        "geojson",
        [None, [], {"type": "Feature"}, {"type": "FeatureCollection", "features": []}],
    )
    def test_not_a_collection(self, arak, city_admin, geojson):
        with pytest.raises(DomainError) as error:
            boundaries_import(actor=city_admin, city=arak, geojson=geojson)
        assert error.value.code == "geojson"

    def test_bad_rings_are_refused(self, arak, city_admin, two_districts):
        open_ring = {"type": "Polygon", "coordinates": [[[49.6, 34.0], [49.7, 34.0], [49.7, 34.1]]]}
        with pytest.raises(DomainError) as error:
            boundaries_import(
                actor=city_admin,
                city=arak,
                geojson=collection(feature({"number": 1}, open_ring)),
            )
        assert "حلقه" in error.value.extra["problems"][0]

    def test_only_the_citys_admins_or_a_superuser(self, arak, qom, two_districts):
        geojson = collection(feature({"number": 1}, square(49.6, 34.0)))
        for user in (
            UserFactory(),
            StaffRoleFactory(city=arak, role="planner").user,
            StaffRoleFactory(city=qom, role="city_admin").user,
        ):
            with pytest.raises(Refused):
                boundaries_import(actor=user, city=arak, geojson=geojson)
        superuser = UserFactory(is_superuser=True)
        assert boundaries_import(actor=superuser, city=arak, geojson=geojson).districts


@pytest.mark.django_db
def test_the_command_imports_a_file(arak, city_admin, tmp_path):
    for number in (1, 2, 3, 4):
        DistrictFactory(city=arak, number=number)
    path = tmp_path / "arak.geojson"
    path.write_text(json.dumps(arak_boundaries()), encoding="utf-8")
    call_command("import_boundaries", "arak", str(path), "--user", city_admin.username)
    arak.refresh_from_db()
    assert arak.boundary is not None
    assert arak.districts.exclude(boundary=None).count() == 4


@pytest.mark.django_db
def test_the_command_reports_refusals_in_persian(arak, tmp_path):
    DistrictFactory(city=arak, number=1)
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(collection(feature({"number": 7}, square(1, 1)))))
    plain = UserFactory()
    with pytest.raises(CommandError, match="مدیر"):
        call_command("import_boundaries", "arak", str(path), "--user", plain.username)
    with pytest.raises(CommandError, match="منطقه‌ای با این شماره"):
        call_command(
            "import_boundaries",
            "arak",
            str(path),
            "--user",
            UserFactory(is_superuser=True).username,
        )
    with pytest.raises(CommandError, match="شهری"):
        call_command("import_boundaries", "nowhere", str(path))
    (tmp_path / "broken.geojson").write_text("{not json")
    with pytest.raises(CommandError, match="خوانده نشد"):
        call_command(
            "import_boundaries", "arak", str(tmp_path / "broken.geojson"), "--user", plain.username
        )


def test_the_admin_checks_a_typed_boundary():
    from planning.admin import _clean_boundary

    assert _clean_boundary(None) is None
    assert _clean_boundary(square(49.6, 34.0))["type"] == "Polygon"
    from django import forms

    with pytest.raises(forms.ValidationError, match="Polygon"):
        _clean_boundary({"type": "Point", "coordinates": [49.6, 34.0]})
