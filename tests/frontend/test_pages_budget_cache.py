"""The public budget pages keep their figures in the cache between two changes: a second read
costs fewer queries, any budget write or monitoring change shows at once, and with the cache
down the pages are computed as before."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from budget import services
from monitoring.services import measurement_correct
from tests.frontend.conftest import YEAR

pytestmark = pytest.mark.django_db

DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


def pages(w):
    return [
        f"/plans/{w.plan.pk}/budget/?year={YEAR}",
        f"/plans/{w.plan.pk}/budget/goals/{w.goal.pk}/?year={YEAR}",
        f"/plans/{w.plan.pk}/budget/slice/{YEAR}/",
    ]


def article(html):
    return html[html.index("<article") : html.index("</article>")]


def queries(client, path):
    with CaptureQueriesContext(connection) as seen:
        response = client.get(path)
    assert response.status_code == 200
    return len(seen), response.content.decode()


def test_a_second_read_comes_from_the_cache(client, budget_world):
    for path in pages(budget_world):
        first, html = queries(client, path)
        second, again = queries(client, path)
        assert second < first
        assert article(again) == article(html)


def test_a_line_update_shows_at_once(client, budget_world, planner):
    path = f"/plans/{budget_world.plan.pk}/budget/slice/{YEAR}/"
    _n, before = queries(client, path)
    assert 'value="10000000000"' in before
    services.line_update(actor=planner, line=budget_world.line100, approved="11000000000")
    _n, after = queries(client, path)
    assert 'value="13700000000"' not in before  # every line of the year: 10 + 2 + 0.7 bn
    assert 'value="13700000000"' in after


@pytest.mark.parametrize(
    "change",
    [
        lambda w, planner: services.project_update(actor=planner, project=w.p2, status="done"),
        lambda w, planner: services.funding_set(
            actor=planner, line=w.line300, project=w.p2, share="100"
        ),
        lambda w, planner: services.funding_remove(actor=planner, funding=w.p1.fundings.get()),
        lambda w, planner: services.milestone_update(
            actor=planner, milestone=w.m2, done_on="1404/08/01"
        ),
    ],
    ids=["project", "funding", "funding_removed", "milestone"],
)
def test_every_budget_write_shows_at_once(client, budget_world, planner, change):
    path = f"/plans/{budget_world.plan.pk}/budget/?year={YEAR}"
    _n, before = queries(client, path)
    change(budget_world, planner)
    _n, after = queries(client, path)
    assert article(after) != article(before)


def test_a_monitoring_correction_shows_at_once(client, budget_world, planner):
    path = f"/plans/{budget_world.plan.pk}/budget/goals/{budget_world.goal.pk}/?year={YEAR}"
    _n, before = queries(client, path)
    verified = budget_world.indicator.measurements.get(state="verified")
    measurement_correct(actor=planner, measurement=verified, value="0", reason="خطای ورود")
    _n, after = queries(client, path)
    assert article(after) != article(before)


def test_with_the_cache_down_the_pages_are_computed(client, budget_world):
    with override_settings(CACHES=DOWN):
        assert caches["default"].__class__.__name__ == "RedisCache"
        for path in pages(budget_world):
            response = client.get(path)
            assert response.status_code == 200
            assert "<article" in response.content.decode()
