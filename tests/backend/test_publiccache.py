"""Cached public API reads (backend/publiccache.py): a second anonymous read is served from
the cache, and every committed write to public content makes the next read fresh."""

import re

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from backend.publiccache import PLACEHOLDER, _key, version
from inventory.services import triage_out_of_scope
from moderation.models import QueueEntry
from moderation.services import decision_apply
from participation.models import Problem
from participation.services import problem_submit, problem_support
from tests.factories import PlanFactory, ProblemFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)
MIDDLEWARE = "backend.publiccache.PublicCacheMiddleware"


@pytest.fixture(autouse=True)
def cached(settings):
    if MIDDLEWARE not in settings.MIDDLEWARE:  # tests/conftest.py leaves it out elsewhere
        at = settings.MIDDLEWARE.index("django.middleware.csrf.CsrfViewMiddleware") + 1
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


def _token(response) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())
    assert found, "the page has no form token"
    return found.group(1)


def test_a_public_page_comes_from_the_cache_with_each_visitors_own_token(plan):
    url = f"/plans/{plan.pk}/"
    first_visitor, second_visitor = (
        Client(enforce_csrf_checks=True),
        Client(enforce_csrf_checks=True),
    )
    first, _ = _get(first_visitor, url)
    second, queries = _get(second_visitor, url)
    assert (first["X-Public-Cache"], second["X-Public-Cache"]) == ("miss", "hit")
    assert queries == 0
    assert PLACEHOLDER not in first.content.decode() + second.content.decode()
    assert _token(first) != _token(second)
    assert len(first.content) == int(first.get("Content-Length", len(first.content)))
    # Each visitor's token works with that visitor's cookie (the language form posts it) …
    for visitor, page in ((first_visitor, first), (second_visitor, second)):
        answer = visitor.post(
            "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": _token(page)}
        )
        assert answer.status_code == 302
    # … and not with the other's.
    third = Client(enforce_csrf_checks=True)
    _get(third, url)
    refused = third.post("/i18n/setlang/", {"language": "en", "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403
    # The stored page keeps the placeholder, never a visitor's token.
    request = RequestFactory().get(url)
    request.LANGUAGE_CODE = "fa"
    stored = cache.get(_key(request, version()))
    assert stored is not None
    assert PLACEHOLDER.encode() in stored[0]
    assert _token(first).encode() not in stored[0]


def test_a_visitor_who_already_has_a_token_keeps_it(plan):
    visitor = Client(enforce_csrf_checks=True)
    _get(visitor, "/rules/")
    cookie = visitor.cookies["csrftoken"].value
    response, _ = _get(visitor, f"/plans/{plan.pk}/")
    response, _ = _get(visitor, f"/plans/{plan.pk}/")
    assert response["X-Public-Cache"] == "hit"
    assert visitor.cookies["csrftoken"].value == cookie
    answer = visitor.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": _token(response)}
    )
    assert answer.status_code == 302


def test_a_support_makes_the_problem_page_fresh(client, plan):
    problem = ProblemFactory(plan=plan)
    url = f"/problems/{problem.pk}/"
    _get(client, url)
    assert _get(client, url)[0]["X-Public-Cache"] == "hit"
    problem_support(user=UserFactory(), problem=problem)
    response, _ = _get(client, url)
    assert response["X-Public-Cache"] == "miss"
    assert _get(client, url)[0]["X-Public-Cache"] == "hit"


def test_a_decision_shows_on_the_problem_list_page_at_once(client, plan, citizen, moderator):
    url = f"/problems/?plan={plan.pk}"
    title = "نبود روشنایی در کوچه‌ی بهار"
    submitted = problem_submit(author=citizen, plan=plan, title=title, body="<p>شب تاریک است.</p>")
    assert title not in _get(client, url)[0].content.decode()
    entry = QueueEntry.objects.get(problem=submitted, closed_at__isnull=True)
    decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
    assert title in _get(client, url)[0].content.decode()


def test_htmx_parts_signed_in_people_and_messages_are_apart(client, plan, citizen):
    url = f"/problems/?plan={plan.pk}"
    whole, _ = _get(client, url)
    part = client.get(url, HTTP_HX_REQUEST="true")
    assert whole["X-Public-Cache"] == "miss"
    assert part["X-Public-Cache"] == "miss"  # its own entry, not the whole page
    client.cookies["messages"] = "something"
    assert "X-Public-Cache" not in client.get(url)
    del client.cookies["messages"]
    client.force_login(citizen)
    assert "X-Public-Cache" not in client.get(url)


def test_api_answers_carry_etag_and_last_modified_and_answer_304(client, plan):
    ProblemFactory(plan=plan)
    url = f"/api/v1/problems/?plan={plan.pk}"
    first, _ = _get(client, url)
    assert first.has_header("ETag")
    assert first.has_header("Last-Modified")
    again = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    again = client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert again.status_code == 304
    problem_support(user=UserFactory(), problem=plan.problems.get())
    fresh = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200


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


def test_a_page_with_a_one_time_form_token_is_never_stored(rf):
    from django.http import HttpResponse as Page

    from backend.publiccache import _storable

    request = rf.get("/")
    plain = Page(b'<form><input name="csrfmiddlewaretoken" value="x"></form>')
    once = Page(b'<form><input type="hidden" name="form_token" value="abc"></form>')
    assert _storable(request, plain)
    assert not _storable(request, once)
