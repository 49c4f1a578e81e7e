"""Search (`q=`) reads the matches' keys first (participation.selectors.problems_matching):
up to SEARCH_PROBE matches it lists those keys, past it it filters the newest-first walk.
Both paths must find the same problems in the same order, with the capped count; here the
probe and the cap are made small so a handful of rows takes either path."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.paging import CappedPaginator
from participation import selectors
from participation.models import Problem
from tests.factories import ProblemFactory

URL = "/api/v1/problems/"
PROBE = 5
CAP = 8


@pytest.fixture
def small_probe(monkeypatch):
    monkeypatch.setattr(selectors, "SEARCH_PROBE", PROBE)


@pytest.fixture
def small_cap(monkeypatch):
    monkeypatch.setattr(CappedPaginator, "COUNT_CAP", CAP)


def made(plan, title: str, days_ago: int, **extra) -> Problem:
    problem = ProblemFactory(plan=plan, title=title, **extra)
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    Problem.objects.filter(pk=problem.pk).update(created_at=moment)
    return problem


def listed(api_client, **params) -> dict:
    response = api_client.get(URL, params)
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
class TestSearchPaths:
    def test_few_matches_newest_first_with_exact_count(self, api_client, plan, small_probe):
        """Fewer matches than the probe: the keys path. Hidden, pending and other words'
        problems are left out; newest first; the count is exact."""
        wanted = [made(plan, f"آب‌گرفتگی کوچه {n}", days_ago=n) for n in (3, 1, 2)]
        made(plan, "آب‌گرفتگی پنهان", days_ago=0, moderation_state="hidden")
        made(plan, "آب‌گرفتگی در انتظار", days_ago=0, moderation_state="pending")
        made(plan, "ترافیک میدان", days_ago=0)
        body = listed(api_client, plan=plan.pk, q="آب گرفتگی")
        newest_first = [wanted[1], wanted[2], wanted[0]]  # 1, 2 and 3 days ago
        assert [row["id"] for row in body["results"]] == [p.pk for p in newest_first]
        assert body["count"] == 3
        assert body["count_more"] is False

    def test_many_matches_same_order_and_capped_count(
        self, api_client, plan, small_probe, small_cap
    ):
        """More matches than the probe: the walk path gives the same order as the keys
        path would, every match is reachable page by page, and the count stops at the cap."""
        matches = [made(plan, f"زباله در خیابان {n}", days_ago=n) for n in range(9)]
        made(plan, "صندلی پارک", days_ago=0)
        expected = [p.pk for p in matches]  # days_ago 0 … 8: newest first
        first = listed(api_client, plan=plan.pk, q="زباله", page_size=4)
        assert [row["id"] for row in first["results"]] == expected[:4]
        assert first["count"] == CAP
        assert first["count_more"] is True
        second = listed(api_client, plan=plan.pk, q="زباله", page_size=4, page=2)
        assert [row["id"] for row in second["results"]] == expected[4:8]

    @pytest.mark.parametrize("ordering", ["newest", "oldest", "most_supported"])
    def test_both_paths_agree_with_every_ordering(self, api_client, plan, small_probe, ordering):
        """The same problems match «پل» (a few) and «پل عابر» (fewer): each list in each
        ordering equals the one computed here from every row."""
        rows = []
        for n in range(8):
            rows.append(made(plan, f"پل عابر {n}" if n % 2 else f"پل خراب {n}", days_ago=n))
            Problem.objects.filter(pk=rows[-1].pk).update(supports_count=(n * 7) % 5)
        everything = {p.pk: Problem.objects.get(pk=p.pk) for p in rows}

        def expected(pks):
            found = [everything[pk] for pk in pks]
            if ordering == "newest":
                key = lambda p: (-p.created_at.timestamp(), -p.pk)  # noqa: E731
            elif ordering == "oldest":
                key = lambda p: (p.created_at.timestamp(), p.pk)  # noqa: E731
            else:
                key = lambda p: (-p.supports_count, -p.created_at.timestamp(), -p.pk)  # noqa: E731
            return [p.pk for p in sorted(found, key=key)]

        for q, pks in (("پل", list(everything)), ("پل عابر", [p.pk for p in rows[1::2]])):
            body = listed(api_client, plan=plan.pk, q=q, ordering=ordering, page_size=100)
            assert [row["id"] for row in body["results"]] == expected(pks), q

    def test_page_shows_more_than_cap(self, client, plan, small_probe, small_cap):
        for n in range(CAP + 2):
            made(plan, f"ترافیک بلوار {n}", days_ago=n)
        made(plan, "ترافیک میدان", days_ago=0, moderation_state="pending")
        html = client.get("/problems/", {"plan": plan.pk, "q": "ترافیک"}).content.decode()
        assert "بیش از ۸ مسئله" in html
        html = client.get("/problems/", {"plan": plan.pk, "q": "ترافیک بلوار ۳"}).content.decode()
        assert "۱ مسئله" in html
        assert "بیش از" not in html

    def test_query_counts_on_both_paths(self, api_client, plan, small_probe, monkeypatch):
        """As in production the probe reads as many keys as the cap: on both paths it has
        counted the matches already, so the page runs no COUNT of its own. On the keys path
        the probe read every match with its sort columns, so the page's keys are picked
        without a statement of their own: one statement fewer."""
        monkeypatch.setattr(CappedPaginator, "COUNT_CAP", PROBE)
        for n in range(3):
            made(plan, f"چاله خیابان {n}", days_ago=n)
        for n in range(PROBE + 3):
            made(plan, f"ترافیک کوچه {n}", days_ago=n)
        counts = []
        for q, count, more in (("چاله", 3, False), ("ترافیک", PROBE, True)):
            with CaptureQueriesContext(connection) as queries:
                body = listed(api_client, plan=plan.pk, q=q)
            assert (body["count"], body["count_more"]) == (count, more)
            assert not [x for x in queries if x["sql"].startswith("SELECT COUNT(")], q
            counts.append(len(queries))
        assert counts[0] == counts[1] - 1

    @pytest.mark.parametrize("ordering", ["newest", "oldest", "most_supported"])
    def test_keys_picked_from_the_probe_follow_sql_through_ties_and_pages(
        self, api_client, plan, small_probe, monkeypatch, ordering
    ):
        """Problems sharing a moment and a support count: the keys path's pages, picked in
        Python from the probe's columns, are the ones SQL's ORDER BY gives (the walk path,
        made to run here by a probe of one), page after page."""
        monkeypatch.setattr(selectors, "SEARCH_PROBE", 20)
        moment = timezone.now() - datetime.timedelta(days=1)
        for n in range(7):
            problem = ProblemFactory(plan=plan, title=f"نشت گاز {n}")
            Problem.objects.filter(pk=problem.pk).update(
                created_at=moment - datetime.timedelta(hours=n % 2), supports_count=n % 3
            )
        picked = []
        for page in (1, 2, 3):
            with CaptureQueriesContext(connection) as queries:
                body = listed(
                    api_client, plan=plan.pk, q="نشت", ordering=ordering, page_size=3, page=page
                )
            assert not [x for x in queries if "LIMIT" in x["sql"] and "ORDER BY" in x["sql"]]
            picked += [row["id"] for row in body["results"]]
        monkeypatch.setattr(selectors, "SEARCH_PROBE", 1)
        by_sql = listed(api_client, plan=plan.pk, q="نشت", ordering=ordering, page_size=10)
        assert picked == [row["id"] for row in by_sql["results"]]
        assert len(set(picked)) == 7

    def test_a_filter_after_the_search_is_counted_afresh(self, plan, small_probe):
        """The probe's count holds for the filters it ran under; one added later (here by
        hand, as no caller does) makes the paginator count again."""
        for n in range(3):
            made(plan, f"چاله خیابان {n}", days_ago=n)
        searched = selectors.problems_matching(Problem.objects.filter(plan=plan), ["چاله"])
        assert CappedPaginator(searched, 10).count == 3
        narrowed = searched.filter(title__endswith="1")
        with CaptureQueriesContext(connection) as queries:
            assert CappedPaginator(narrowed, 10).count == 1
        assert len(queries) == 1


@pytest.mark.django_db
def test_short_words_match_at_a_word_start_and_longer_ones_anywhere(api_client, plan):
    """«دی» is the month in «۱۹ دی» and the start of «دیوار», not the middle of «خدیجه»;
    «گرفتگی» still matches inside «آبگرفتگی» written as one word."""
    street = made(plan, "چاله در خیابان ۱۹ دی", days_ago=1)
    wall = made(plan, "دیوار مدرسه ترک برداشته", days_ago=2)
    made(plan, "کوچه خدیجه کبری تاریک است", days_ago=3)
    joined = made(plan, "آبگرفتگی زیرگذر", days_ago=4)
    found = [row["id"] for row in listed(api_client, plan=plan.pk, q="دی")["results"]]
    assert found == [street.pk, wall.pk]
    assert [row["id"] for row in listed(api_client, plan=plan.pk, q="19 دی")["results"]] == [
        street.pk
    ]
    assert [row["id"] for row in listed(api_client, plan=plan.pk, q="گرفتگی")["results"]] == [
        joined.pk
    ]


@pytest.mark.django_db
def test_a_searched_page_sends_its_keys_as_one_array_on_postgresql(api_client, plan, small_probe):
    """The keys path filters by the probe's keys (backend.lookups.keys_in), not by one
    placeholder per key."""
    for n in range(3):
        made(plan, f"چاله خیابان {n}", days_ago=n)
    with CaptureQueriesContext(connection) as queries:
        body = listed(api_client, plan=plan.pk, q="چاله")
    assert body["count"] == 3
    keyed = [q["sql"] for q in queries if "participation_problem" in q["sql"]]
    if connection.vendor == "postgresql":
        assert any("= ANY(" in sql for sql in keyed)
        assert not any('"participation_problem"."id" IN (' in sql for sql in keyed)
    # The page's rows are read by the page's keys alone, not also by every match's.
    rows = [sql for sql in keyed if sql.startswith('SELECT "participation_problem"."id", ')]
    assert len(rows) == 1
    assert (
        rows[0].count('"participation_problem"."id" = ANY(')
        + rows[0].count('"participation_problem"."id" IN (')
        == 1
    )
