"""The plan's problem map: clusters bounded whatever the data, filters, only published
problems, zoom levels; the API's GeoJSON, its Persian 400s and its query count."""

from decimal import Decimal

import pytest
from django.core.cache import cache

from participation import selectors
from participation.models import Problem
from tests.factories import AxisFactory, DistrictFactory, PlanFactory, ProblemFactory

ARAK_BOX = (34.04, 49.63, 34.13, 49.73)


def url(plan, query=""):
    return f"/api/v1/plans/{plan.pk}/map/{query}"


def pin(plan, lat, lon, **kwargs):
    return ProblemFactory(
        plan=plan, latitude=Decimal(f"{lat:.5f}"), longitude=Decimal(f"{lon:.5f}"), **kwargs
    )


def grid(plan, n, **kwargs):
    """n problems spread over Arak on a regular grid."""
    side = int(n**0.5) + 1
    rows = []
    for i in range(n):
        lat = 34.045 + (i // side) * 0.08 / side
        lon = 49.635 + (i % side) * 0.09 / side
        rows.append(
            Problem(
                plan=plan,
                author=kwargs["author"],
                title=f"مسئله {i}",
                body="<p>شرح</p>",
                moderation_state="published",
                latitude=Decimal(f"{lat:.5f}"),
                longitude=Decimal(f"{lon:.5f}"),
            )
        )
    Problem.objects.bulk_create(rows)


@pytest.mark.django_db
class TestSelector:
    def test_only_published_problems_with_a_point(self, plan, citizen):
        shown = pin(plan, 34.09, 49.69)
        for state in ("pending", "rejected", "hidden"):
            pin(plan, 34.09, 49.69, moderation_state=state, author=citizen)
        ProblemFactory(plan=plan)  # no point
        pin(PlanFactory(city=plan.city), 34.09, 49.69)  # another plan
        view = selectors.problem_map(plan=plan, user=citizen, bbox=ARAK_BOX, zoom=18)
        assert [p["id"] for p in view.points] == [shown.pk]
        assert view.total == 1
        assert not view.truncated

    def test_clusters_are_bounded_at_any_zoom(self, plan, citizen):
        grid(plan, 2500, author=citizen)
        for zoom in (3, 8, 12, 14, 16):
            view = selectors.problem_map(plan=plan, bbox=ARAK_BOX, zoom=zoom)
            assert len(view.clusters) + len(view.points) <= selectors.MAP_MAX_FEATURES
            assert view.total == 2500
            assert sum(c["count"] for c in view.clusters) + len(view.points) == 2500
        # A whole-country view over a small city: a handful of clusters.
        wide = selectors.problem_map(plan=plan, bbox=(24, 43.5, 40.5, 63.5), zoom=5)
        assert len(wide.clusters) <= 2
        assert wide.total == 2500
        # From zoom 17: single problems, capped and marked truncated.
        close = selectors.problem_map(plan=plan, bbox=ARAK_BOX, zoom=17)
        assert len(close.points) == selectors.MAP_MAX_FEATURES
        assert close.truncated
        assert close.clusters == []

    def test_cells_shrink_as_the_zoom_grows(self, plan, citizen):
        grid(plan, 400, author=citizen)
        counts = [
            len(selectors.problem_map(plan=plan, bbox=ARAK_BOX, zoom=z).clusters)
            for z in (10, 12, 14)
        ]
        assert counts[0] < counts[1] < counts[2]
        assert selectors.map_cell_size(bbox=ARAK_BOX, zoom=14) < selectors.map_cell_size(
            bbox=ARAK_BOX, zoom=12
        )

    def test_a_lone_problem_in_its_cell_is_a_point_with_its_title(self, plan):
        lone = pin(plan, 34.05, 49.64, title="چاله‌ی بزرگ")
        pin(plan, 34.12, 49.72)
        pin(plan, 34.12001, 49.72001)
        view = selectors.problem_map(plan=plan, bbox=ARAK_BOX, zoom=12)
        assert view.points == [{"id": lone.pk, "title": "چاله‌ی بزرگ", "lat": 34.05, "lon": 49.64}]
        assert [c["count"] for c in view.clusters] == [2]

    def test_wide_views_come_from_the_cache_for_a_minute(self, plan, django_assert_num_queries):
        pin(plan, 34.1, 49.7)
        assert selectors.problem_map(plan=plan, bbox=ARAK_BOX, zoom=12).total == 1
        pin(plan, 34.1, 49.7)
        with django_assert_num_queries(0):  # any box at that zoom: a lookup
            assert selectors.problem_map(plan=plan, bbox=ARAK_BOX, zoom=12).total == 1
            moved = (34.05, 49.65, 34.14, 49.75)
            assert selectors.problem_map(plan=plan, bbox=moved, zoom=12).total == 1
        # Closer views are grouped live, so the new problem shows there at once.
        close = (34.09, 49.69, 34.11, 49.71)
        assert selectors.problem_map(plan=plan, bbox=close, zoom=16).total == 2
        cache.clear()
        assert selectors.problem_map(plan=plan, bbox=ARAK_BOX, zoom=12).total == 2

    def test_filters(self, plan, arak):
        axis, other_axis = AxisFactory(city=arak), AxisFactory(city=arak)
        north, south = DistrictFactory(city=arak), DistrictFactory(city=arak)
        a = pin(plan, 34.1, 49.7, axis=axis, district=north)
        b = pin(plan, 34.1, 49.7, axis=other_axis, district=south, triage_state="accepted")
        outside = pin(plan, 35.5, 51.4, axis=axis)  # not in the box

        def ids(**filters):
            view = selectors.problem_map(plan=plan, bbox=ARAK_BOX, zoom=18, filters=filters)
            return {p["id"] for p in view.points}

        assert ids() == {a.pk, b.pk}
        assert ids(axis=axis) == {a.pk}
        assert ids(district=south) == {b.pk}
        assert ids(triage_state="accepted") == {b.pk}
        assert ids(triage_state="new", axis=other_axis) == set()
        assert outside.pk not in ids(axis=axis)

    def test_district_map_counts_published_problems_and_supports(self, plan, arak):
        one, two = DistrictFactory(city=arak, number=1), DistrictFactory(city=arak, number=2)
        ProblemFactory(plan=plan, district=one, supports_count=5)
        ProblemFactory(plan=plan, district=one, supports_count=2)
        ProblemFactory(plan=plan, district=one, moderation_state="pending", supports_count=9)
        ProblemFactory(plan=PlanFactory(city=arak), district=two, supports_count=4)
        rows = {d.pk: d for d in selectors.district_map(plan=plan)}
        assert (rows[one.pk].problems_count, rows[one.pk].supports_sum) == (2, 7)
        assert (rows[two.pk].problems_count, rows[two.pk].supports_sum) == (0, 0)

    def test_district_figures_are_counted_once_a_minute(
        self, plan, arak, django_assert_num_queries
    ):
        from django.core.cache import cache

        one = DistrictFactory(city=arak, number=1)
        ProblemFactory(plan=plan, district=one, supports_count=3)
        selectors.district_map(plan=plan)
        ProblemFactory(plan=plan, district=one, supports_count=4)
        with django_assert_num_queries(1):  # the districts; the figures from the cache
            rows = {d.pk: d for d in selectors.district_map(plan=plan)}
        assert (rows[one.pk].problems_count, rows[one.pk].supports_sum) == (1, 3)
        cache.delete(f"map:districts:{plan.pk}")  # the minute is over
        rows = {d.pk: d for d in selectors.district_map(plan=plan)}
        assert (rows[one.pk].problems_count, rows[one.pk].supports_sum) == (2, 7)


@pytest.mark.django_db
class TestApi:
    def test_geojson_shape(self, api_client, plan):
        lone = pin(plan, 34.05, 49.64, title="چاله")
        pin(plan, 34.12, 49.72)
        pin(plan, 34.12001, 49.72001)
        response = api_client.get(url(plan, "?bbox=34.04,49.63,34.13,49.73&zoom=12"))
        assert response.status_code == 200
        body = response.json()
        assert body["type"] == "FeatureCollection"
        assert body["bbox"] == [49.63, 34.04, 49.73, 34.13]
        assert body["total"] == 3
        assert body["zoom"] == 12
        assert body["cell"] > 0
        kinds = {f["properties"]["kind"]: f for f in body["features"]}
        point = kinds["point"]
        assert point["geometry"] == {"type": "Point", "coordinates": [49.64, 34.05]}
        assert point["properties"] == {
            "kind": "point",
            "id": lone.pk,
            "title": "چاله",
            "url": f"/problems/{lone.pk}/",
        }
        assert kinds["cluster"]["properties"] == {"kind": "cluster", "count": 2}

    def test_without_a_bbox_the_city_is_the_view(self, api_client, plan):
        plan.city.boundary = {
            "type": "Polygon",
            "coordinates": [[[49.6, 34.0], [49.8, 34.0], [49.8, 34.2], [49.6, 34.0]]],
        }
        plan.city.save()
        pin(plan, 34.05, 49.7)
        body = api_client.get(url(plan)).json()
        assert body["bbox"] == [49.6, 34.0, 49.8, 34.2]
        assert body["total"] == 1

    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("?bbox=1,2,3", "bbox"),
            ("?bbox=a,b,c,d", "bbox"),
            ("?bbox=34.2,49.6,34.0,49.8", "bbox"),
            ("?bbox=34,49,95,50", "bbox"),
            ("?bbox=nan,49,35,50", "bbox"),
            ("?zoom=abc", "zoom"),
            ("?zoom=30", "zoom"),
            ("?zoom=-1", "zoom"),
            ("?axis=abc", "axis"),
            ("?axis=999999", "axis"),
            ("?district=999999", "district"),
            ("?triage_state=open", "triage_state"),
        ],
    )
    def test_bad_input_is_a_persian_400(self, api_client, plan, query, field):
        response = api_client.get(url(plan, query))
        assert response.status_code == 400
        message = response.json()[field][0]
        assert any("\u0600" <= ch <= "\u06ff" for ch in message), message

    def test_another_citys_axis_is_refused(self, api_client, plan, qom):
        response = api_client.get(url(plan, f"?axis={AxisFactory(city=qom).pk}"))
        assert response.status_code == 400
        assert "شهر این برنامه" in response.json()["axis"][0]

    def test_persian_digits_in_the_bbox(self, api_client, plan):
        pin(plan, 34.1, 49.7)
        response = api_client.get(url(plan, "?bbox=۳۴٫۰۴،۴۹٫۶۳،۳۴٫۱۳،۴۹٫۷۳&zoom=۱۸"))
        assert response.status_code == 200
        assert response.json()["total"] == 1
        assert response.json()["zoom"] == 18

    def test_unknown_plan_is_a_404(self, api_client):
        assert api_client.get("/api/v1/plans/999999/map/").status_code == 404

    @pytest.mark.parametrize("zoom", [12, 18])
    def test_query_count_does_not_grow_with_the_data(
        self, api_client, plan, citizen, arak, zoom, django_assert_max_num_queries
    ):
        axis = AxisFactory(city=arak)
        query = f"?bbox=34.04,49.63,34.13,49.73&zoom={zoom}&axis={axis.pk}"
        pin(plan, 34.1, 49.7, axis=axis)
        with django_assert_max_num_queries(4):
            assert api_client.get(url(plan, query)).status_code == 200
        grid(plan, 600, author=citizen)
        Problem.objects.filter(plan=plan).update(axis=axis)
        cache.clear()  # wide views are cached for a minute
        with django_assert_max_num_queries(4):
            body = api_client.get(url(plan, query)).json()
        assert len(body["features"]) <= 300
        assert body["total"] >= 300
