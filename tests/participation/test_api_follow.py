"""The follow endpoints: POST/DELETE /api/v1/{problems,plan-items,plans}/{id}/follow/ and
GET /api/v1/me/follows/."""

import pytest

from participation.models import Follow
from tests.factories import PlanItemFactory, ProblemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(plan, citizen2):
    return {
        "problems": ProblemFactory(plan=plan, author=citizen2),
        "plan-items": PlanItemFactory(plan=plan, code="1", kind="goal"),
        "plans": plan,
    }


@pytest.mark.parametrize("kind", ["problems", "plan-items", "plans"])
def test_follow_and_unfollow_are_idempotent(kind, targets, as_user, citizen):
    url = f"/api/v1/{kind}/{targets[kind].pk}/follow/"
    client = as_user(citizen)
    first, second = client.post(url), client.post(url)
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json() == {"following": True, "followers_count": 1}
    assert client.delete(url).json() == {"following": False, "followers_count": 0}
    again = client.delete(url)
    assert again.status_code == 200
    assert again.json() == {"following": False, "followers_count": 0}


@pytest.mark.parametrize("kind", ["problems", "plan-items", "plans"])
def test_a_visitor_gets_401(kind, targets, api_client):
    assert api_client.post(f"/api/v1/{kind}/{targets[kind].pk}/follow/").status_code == 401
    assert api_client.get("/api/v1/me/follows/").status_code == 401


@pytest.mark.parametrize("kind", ["problems", "plan-items", "plans"])
def test_unknown_ids_are_404_in_persian(kind, as_user, citizen):
    response = as_user(citizen).post(f"/api/v1/{kind}/999999/follow/")
    assert response.status_code == 404
    assert any("\u0600" <= c <= "\u06ff" for c in response.json()["detail"])


def test_someone_elses_pending_problem_is_404(plan, citizen, citizen2, as_user):
    pending = ProblemFactory(plan=plan, author=citizen2, moderation_state="pending")
    assert as_user(citizen).post(f"/api/v1/problems/{pending.pk}/follow/").status_code == 404
    assert as_user(citizen2).post(f"/api/v1/problems/{pending.pk}/follow/").status_code == 201
    assert not Follow.objects.filter(user=citizen).exists()


def test_other_methods_are_refused(targets, as_user, citizen):
    response = as_user(citizen).get(f"/api/v1/plans/{targets['plans'].pk}/follow/")
    assert response.status_code == 405


def test_my_follows_lists_each_target_newest_first(targets, as_user, citizen, plan):
    client = as_user(citizen)
    for kind in ("problems", "plan-items", "plans"):
        client.post(f"/api/v1/{kind}/{targets[kind].pk}/follow/")
    body = client.get("/api/v1/me/follows/").json()
    assert body["count"] == 3
    rows = body["results"]
    assert [row["target_type"] for row in rows] == ["plan", "plan_item", "problem"]
    assert rows[2]["target"]["id"] == targets["problems"].pk
    assert rows[2]["target"]["title"] == targets["problems"].title
    assert rows[1]["target"]["code"] == "1"
    assert all(row["plan"] == plan.pk for row in rows)
    assert rows[0]["created_at_jalali"]


def test_my_follows_costs_the_same_for_1_and_20(django_assert_num_queries, as_user, citizen, plan):
    client = as_user(citizen)
    counts = []
    for many in (1, 20):
        Follow.objects.bulk_create(
            [Follow(user=citizen, problem=p) for p in ProblemFactory.create_batch(many, plan=plan)]
        )
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/me/follows/").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_schema_names_the_endpoints(client):
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/api/v1/problems/{id}/follow/",
        "/api/v1/plan-items/{id}/follow/",
        "/api/v1/plans/{id}/follow/",
        "/api/v1/me/follows/",
    ):
        assert f"{path}:" in schema, path
