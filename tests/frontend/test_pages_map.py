"""The map pages: the point picker on the report form, the pin on a problem's page, the
plan's problem map with its filters and the SVG choropleths, with and without tiles."""

import re
from decimal import Decimal

import pytest

from participation.models import Problem
from tests.factories import AxisFactory, DistrictFactory, ProblemFactory

CITY = {
    "type": "Polygon",
    "coordinates": [[[49.6, 34.0], [49.8, 34.0], [49.8, 34.2], [49.6, 34.2], [49.6, 34.0]]],
}
WEST = {
    "type": "Polygon",
    "coordinates": [[[49.6, 34.0], [49.7, 34.0], [49.7, 34.2], [49.6, 34.2], [49.6, 34.0]]],
}
EAST = {
    "type": "Polygon",
    "coordinates": [[[49.7, 34.0], [49.8, 34.0], [49.8, 34.2], [49.7, 34.2], [49.7, 34.0]]],
}


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def mapped(arak, plan):
    arak.boundary = CITY
    arak.save()
    west = DistrictFactory(city=arak, number=1, name="منطقه‌ی غرب", boundary=WEST)
    east = DistrictFactory(city=arak, number=2, name="منطقه‌ی شرق", boundary=EAST)
    ProblemFactory(
        plan=plan,
        district=west,
        supports_count=12,
        latitude=Decimal("34.1"),
        longitude=Decimal("49.65"),
    )
    ProblemFactory(plan=plan, district=west, supports_count=3)
    ProblemFactory(plan=plan, district=east, moderation_state="pending", supports_count=40)
    return west, east


@pytest.mark.django_db
class TestReportForm:
    def test_the_picker_is_there_with_its_hidden_inputs(self, client, citizen, plan, mapped):
        client.force_login(citizen)
        html = html_of(client.get("/problems/new/"))
        assert 'data-testid="point-picker"' in html
        assert 'type="hidden" name="latitude" value=""' in html
        assert "استفاده از موقعیت من" in html
        assert "حذف نقطه" in html
        # Leaflet and our script from our own static files; the map is left-to-right.
        assert '/static/leaflet/leaflet.js"' in html
        assert '/static/frontend/map.js"' in html
        assert re.search(r'<div class="map" dir="ltr" data-map="picker"', html)
        assert "<script>" not in html  # no inline script (the boundaries are JSON data)
        assert 'id="picker-boundaries" type="application/json"' in html
        assert 'data-tiles=""' in html

    def test_sent_without_a_point(self, client, citizen, plan):
        client.force_login(citizen)
        response = client.post(
            "/problems/new/",
            {"plan": plan.pk, "title": "بی‌نقطه", "body": "شرح", "latitude": "", "longitude": ""},
        )
        assert response.status_code == 302
        created = Problem.objects.get(title="بی‌نقطه")
        assert created.latitude is None
        assert created.longitude is None

    def test_a_point_inside_the_city_is_kept_with_its_district(self, client, citizen, plan, mapped):
        west, _east = mapped
        client.force_login(citizen)
        response = client.post(
            "/problems/new/",
            {
                "plan": plan.pk,
                "title": "با نقطه",
                "body": "شرح",
                "latitude": "34.12345",
                "longitude": "49.61",
            },
        )
        assert response.status_code == 302
        created = Problem.objects.get(title="با نقطه")
        assert created.latitude == Decimal("34.12345")
        assert created.district == west

    def test_a_point_outside_the_city_shows_the_form_again_with_the_pin(
        self, client, citizen, plan, mapped
    ):
        client.force_login(citizen)
        response = client.post(
            "/problems/new/",
            {
                "plan": plan.pk,
                "title": "تهران",
                "body": "شرح",
                "latitude": "35.7",
                "longitude": "51.4",
            },
        )
        html = html_of(response)
        assert response.status_code == 400
        assert "بیرون از محدوده‌ی شهر اراک" in html
        assert 'name="latitude" value="35.7"' in html
        assert 'name="longitude" value="51.4"' in html
        assert 'value="تهران"' in html
        assert not Problem.objects.filter(title="تهران").exists()


@pytest.mark.django_db
class TestProblemPage:
    def test_a_small_map_only_when_there_is_a_point(self, client, plan, mapped):
        with_point = Problem.objects.get(latitude__isnull=False)
        html = html_of(client.get(f"/problems/{with_point.pk}/"))
        assert 'data-testid="problem-map"' in html
        assert 'data-lat="34.10000" data-lon="49.65000"' in html
        without = Problem.objects.filter(
            latitude__isnull=True, moderation_state="published"
        ).first()
        html = html_of(client.get(f"/problems/{without.pk}/"))
        assert 'data-testid="problem-map"' not in html
        assert "leaflet.js" not in html


@pytest.mark.django_db
class TestPlanMap:
    def test_links_from_the_plan_and_the_problems_list(self, client, plan):
        assert f'href="/plans/{plan.pk}/map/"' in html_of(client.get(f"/plans/{plan.pk}/"))
        listed = html_of(client.get(f"/problems/?plan={plan.pk}"))
        assert f'href="/plans/{plan.pk}/map/"' in listed
        assert 'data-testid="problems-map-link"' not in html_of(client.get("/problems/"))

    def test_the_page_without_tiles(self, client, plan, mapped, django_assert_max_num_queries):
        with django_assert_max_num_queries(12):
            response = client.get(f"/plans/{plan.pk}/map/")
        html = html_of(response)
        assert response.status_code == 200
        assert 'data-tiles=""' in html
        assert "نقشه‌ی پایه خاموش است" in html
        assert f'data-api="/api/v1/plans/{plan.pk}/map/"' in html
        # Two choropleths, each district labelled, the legend and a table in Persian digits.
        assert html.count("<svg") == 2
        assert "منطقه‌ی ۱" in html
        assert "منطقه‌ی ۲" in html
        assert "۲ مسئله" in html
        assert "۱۵ پشتیبانی" in html
        table = html.split('data-testid="district-table"')[1]
        assert re.search(r"منطقه‌ی غرب</th><td class=\"num\">۲</td><td class=\"num\">۱۵</td>", table)
        assert re.search(r"منطقه‌ی شرق</th><td class=\"num\">۰</td><td class=\"num\">۰</td>", table)
        assert "<script>" not in html

    def test_the_page_with_tiles(self, client, plan, mapped, settings):
        settings.MAP_TILE_URL = "https://tiles.example.ir/{z}/{x}/{y}.png"
        settings.MAP_TILE_ATTRIBUTION = "© نقشه‌ی نمونه"
        html = html_of(client.get(f"/plans/{plan.pk}/map/"))
        assert 'data-tiles="https://tiles.example.ir/{z}/{x}/{y}.png"' in html
        assert 'data-attribution="© نقشه‌ی نمونه"' in html
        assert "نقشه‌ی پایه بار نشد" in html  # the message kept for a tile error

    def test_filters_work_as_a_get_form(self, client, plan, arak, mapped):
        axis = AxisFactory(city=arak)
        west, _east = mapped
        html = html_of(
            client.get(f"/plans/{plan.pk}/map/?axis={axis.pk}&district={west.pk}&triage_state=new")
        )
        assert f'data-filters="axis={axis.pk}&amp;district={west.pk}&amp;triage_state=new"' in html
        assert f'<option value="{axis.pk}" selected>' in html

    def test_bad_filters_are_a_persian_400(self, client, plan, qom):
        response = client.get(f"/plans/{plan.pk}/map/?axis={AxisFactory(city=qom).pk}")
        assert response.status_code == 400
        assert "محور از شهر این برنامه نیست" in html_of(response)
        response = client.get(f"/plans/{plan.pk}/map/?triage_state=zzz")
        assert response.status_code == 400

    def test_without_boundaries_the_table_still_counts(self, client, plan, district):
        ProblemFactory(plan=plan, district=district)
        html = html_of(client.get(f"/plans/{plan.pk}/map/"))
        assert "<svg" not in html
        assert "مرز منطقه‌های این شهر هنوز وارد نشده است" in html
        assert 'data-testid="district-table"' in html

    def test_unknown_plan(self, client, db):
        assert client.get("/plans/999999/map/").status_code == 404
