"""Counts that stop at a cap (backend/paging.py): the API's lists and the problems page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.paging import CappedPaginator
from tests.factories import PlanFactory, ProblemFactory


@pytest.fixture
def cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 5)


@pytest.fixture
def plan(db):
    return PlanFactory()


def test_the_count_is_exact_up_to_the_cap(cap, plan, client):
    for _ in range(5):
        ProblemFactory(plan=plan)
    body = client.get(f"/api/v1/problems/?plan={plan.pk}&page_size=2").json()
    assert (body["count"], body["count_more"]) == (5, False)
    assert len(body["results"]) == 2


def test_past_the_cap_the_count_stops_and_says_so(cap, plan, client):
    for _ in range(8):
        ProblemFactory(plan=plan)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(f"/api/v1/problems/?plan={plan.pk}&page_size=2").json()
    assert (body["count"], body["count_more"]) == (5, True)
    counts = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    assert "LIMIT 6" in counts[0]  # the database stops counting after the cap
    assert "participation_comment" not in counts[0]  # nor computes the rows' annotations
    # Pages past the cap are not offered; asking for one is a Persian 404.
    assert client.get(f"/api/v1/problems/?plan={plan.pk}&page_size=2&page=3").status_code == 200
    refused = client.get(f"/api/v1/problems/?plan={plan.pk}&page_size=2&page=4")
    assert refused.status_code == 404
    assert refused.json()["detail"] == "این صفحه وجود ندارد."


def test_the_problems_page_says_more_than(cap, plan, client):
    for _ in range(7):
        ProblemFactory(plan=plan)
    page = client.get(f"/problems/?plan={plan.pk}").content.decode()
    assert "بیش از ۵ مسئله" in page
    ProblemFactory.reset_sequence()


def test_a_plain_list_is_counted_by_its_length():
    assert CappedPaginator(list(range(3)), 2).count == 3
    assert CappedPaginator(list(range(3000)), 2).more
