"""Cached public API reads (backend/publiccache.py): a second anonymous read is served from
the cache, and every committed write to public content makes the next read fresh."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from inventory.services import triage_out_of_scope
from participation.models import Problem
from participation.services import problem_submit, problem_support
from tests.factories import PlanFactory, ProblemFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
MIDDLEWARE = "backend.publiccache.PublicCacheMiddleware"


@pytest.fixture(autouse=True)
def cached(settings):
    if MIDDLEWARE not in settings.MIDDLEWARE:  # tests/conftest.py leaves it out elsewhere
        at = settings.MIDDLEWARE.index("backend.locale.PersianFirstLocaleMiddleware") + 1
        settings.MIDDLEWARE = [*settings.MIDDLEWARE[:at], MIDDLEWARE, *settings.MIDDLEWARE[at:]]


@pytest.fixture
def plan(arak):
    return PlanFactory(city=arak)


def _get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return response, len(queries.captured_queries)


def test_a_second_anonymous_read_comes_from_the_cache(client, plan):
    ProblemFactory(plan=plan, title="چاله‌ی خیابان شهدا")
    url = f"/api/v1/problems/?plan={plan.pk}"
    first, _ = _get(client, url)
    second, queries = _get(client, url)
    assert (first["X-Public-Cache"], second["X-Public-Cache"]) == ("miss", "hit")
    assert queries == 0
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    # Another language, another Accept or another query is another answer.
    _, queries = _get(client, url + "&page_size=5")
    assert queries > 0


def test_a_support_makes_the_next_read_fresh(client, plan):
    problem = ProblemFactory(plan=plan)
    url = f"/api/v1/problems/{problem.pk}/"
    assert _get(client, url)[0].json()["supports_count"] == 0
    problem_support(user=UserFactory(), problem=problem)
    response, _ = _get(client, url)
    assert response["X-Public-Cache"] == "miss"
    assert response.json()["supports_count"] == 1


def test_a_new_problem_and_a_triage_show_at_once(client, plan, planner, citizen):
    url = f"/api/v1/problems/?plan={plan.pk}"
    assert _get(client, url)[0].json()["count"] == 0
    submitted = problem_submit(
        author=citizen, plan=plan, title="نبود سطل زباله در پارک", body="<p>سطل‌ها را برده‌اند.</p>"
    )
    Problem.objects.filter(pk=submitted.pk).update(moderation_state="published")
    assert _get(client, url)[0].json()["count"] == 1
    detail = f"/api/v1/problems/{submitted.pk}/"
    assert _get(client, detail)[0].json()["triage_state"] == "new"
    triage_out_of_scope(actor=planner, problem_id=submitted.pk, reason="در حوزه‌ی شهرداری نیست")
    assert _get(client, detail)[0].json()["triage_state"] == "out_of_scope"


def test_a_rolled_back_write_keeps_the_cache(client, plan):
    problem = ProblemFactory(plan=plan)
    url = f"/api/v1/problems/{problem.pk}/"
    _get(client, url)

    def refused():
        with transaction.atomic():
            Problem.objects.filter(pk=problem.pk).update(supports_count=99)
            raise RuntimeError("refused")

    with pytest.raises(RuntimeError):
        refused()
    response, queries = _get(client, url)
    assert (response["X-Public-Cache"], queries) == ("hit", 0)


def test_signed_in_people_and_tokens_are_never_served_from_it(client, plan, citizen):
    ProblemFactory(plan=plan)
    url = f"/api/v1/problems/?plan={plan.pk}"
    _get(client, url)
    client.force_login(citizen)
    response, queries = _get(client, url)
    assert "X-Public-Cache" not in response
    assert queries > 0
    client.logout()
    client.cookies.clear()
    response = client.get(url, HTTP_AUTHORIZATION="Token abc")
    assert "X-Public-Cache" not in response


def test_pages_are_not_cached(client, plan):
    # HTML pages carry a CSRF token per visitor: only the JSON API is cached.
    response = client.get(f"/plans/{plan.pk}/")
    assert "X-Public-Cache" not in response


def test_with_the_cache_down_answers_are_computed(client, plan, settings):
    working = settings.CACHES
    ProblemFactory(plan=plan, title="پیاده‌روی شکسته")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    try:
        response = client.get(f"/api/v1/problems/?plan={plan.pk}")
    finally:
        settings.CACHES = working
    assert response.status_code == 200
    assert "پیاده‌روی شکسته" in response.content.decode()
    assert "X-Public-Cache" not in response
