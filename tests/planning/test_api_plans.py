from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories import CommentFactory, PlanFactory, PlanItemFactory


@pytest.fixture
def plan(arak):
    plan = PlanFactory(city=arak, title="برنامه‌ی دوم اراک")
    goal = PlanItemFactory(plan=plan, kind="goal", code="2", title="هدف دو")
    PlanItemFactory(plan=plan, kind="goal", code="10", title="هدف ده")
    PlanItemFactory(plan=plan, kind="goal", code="1", title="هدف یک")
    strategy = PlanItemFactory(plan=plan, parent=goal, kind="strategy", code="2.1")
    policy = PlanItemFactory(plan=plan, parent=strategy, kind="policy", code="2.1.3")
    PlanItemFactory(plan=plan, parent=policy, kind="project", code="2.1.3.1", status="draft")
    return plan


@pytest.mark.django_db
class TestPlansApi:
    def test_list_by_city(self, api_client, plan, qom):
        PlanFactory(city=qom)
        body = api_client.get("/api/v1/plans/", {"city": "arak"}).json()
        assert [p["id"] for p in body["results"]] == [plan.pk]
        assert body["results"][0]["start_year"] == 1404
        assert api_client.get("/api/v1/plans/", {"city": "nowhere"}).status_code == 400

    def test_tree_is_nested_and_ordered_by_code(self, api_client, plan):
        tree = api_client.get(f"/api/v1/plans/{plan.pk}/items/").json()
        assert [n["code"] for n in tree] == ["1", "2", "10"]
        node = tree[1]["children"][0]["children"][0]
        assert node["code"] == "2.1.3"
        assert node["kind"] == "policy"
        assert node["children"][0]["status"] == "draft"
        assert set(node) >= {"id", "kind", "code", "title", "status", "children"}

    def test_tree_is_one_query_for_any_size(self, api_client, plan):
        counts = []
        for extra in (0, 40):
            for i in range(extra):
                PlanItemFactory(plan=plan, kind="goal", code=str(100 + i + len(counts) * 100))
            with CaptureQueriesContext(connection) as queries:
                api_client.get(f"/api/v1/plans/{plan.pk}/items/")
            counts.append(len(queries))
        assert counts[0] == counts[1] == 2

    def test_item_detail(self, api_client, plan):
        item = plan.items.get(code="2.1")
        item.comment_opens_at = timezone.now() - timedelta(days=1)
        item.comment_closes_at = timezone.now() + timedelta(days=1)
        item.save()
        CommentFactory(problem=None, plan_item=item)
        body = api_client.get(f"/api/v1/plan-items/{item.pk}/").json()
        assert body["open_for_comment"] is True
        assert body["comments_count"] == 1
        assert body["comment_closes_at_jalali"].startswith("14")

    @pytest.mark.parametrize("path", ["/api/v1/plans/999999/", "/api/v1/plans/999999/items/"])
    def test_unknown_plan_404_in_persian(self, api_client, path):
        response = api_client.get(path)
        assert response.status_code == 404
        assert any("\u0600" <= c <= "\u06ff" for c in response.json()["detail"])


@pytest.mark.django_db
class TestTreeShape:
    @pytest.mark.parametrize(
        ("kind", "code", "parent_code"),
        [
            ("goal", "3", "2"),  # a goal has no parent
            ("strategy", "3.1", None),  # a strategy needs a goal
            ("policy", "2.1", "2"),  # wrong depth for the kind
            ("project", "2.1.1", "2.1"),  # parent of the wrong kind
            ("policy", "3.1.1", "2.1"),  # code not under the parent's
            ("goal", "x", None),
            ("goal", "", None),
        ],
    )
    def test_invalid_shapes(self, plan, kind, code, parent_code):
        from planning.models import PlanItem

        parent = plan.items.get(code=parent_code) if parent_code else None
        item = PlanItem(plan=plan, parent=parent, kind=kind, code=code, title="t")
        with pytest.raises(ValidationError):
            item.full_clean()

    def test_persian_digit_code_is_normalised(self, plan):
        item = PlanItemFactory(plan=plan, kind="goal", code="۱۱")
        assert item.code == "11"
        assert item.sort_key == "0011"


@pytest.mark.django_db
def test_plan_list_query_count_constant(api_client, arak):
    counts = []
    for n in (1, 20):
        for _ in range(n):
            PlanFactory(city=arak)
        with CaptureQueriesContext(connection) as queries:
            api_client.get("/api/v1/plans/", {"city": "arak", "page_size": 100})
        counts.append(len(queries))
    assert counts[0] == counts[1]
