"""The published problems' narrow search table on PostgreSQL (migration 0014): its triggers
keep one row per published problem whatever writes the problems, and a search of one plan's
published problems reads it (participation.selectors._public_probe and _public_window) with
the same answers as the problems' own table gives."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.paging import CappedPaginator
from participation import selectors, services
from participation.keys import problem_keys
from participation.models import Problem
from tests.factories import (
    AxisFactory,
    PlanFactory,
    ProblemFactory,
    UserFactory,
    unsaved_benches,
)

URL = "/api/v1/problems/"
TABLE = "participation_publicsearch"

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the table is PostgreSQL's"),
    pytest.mark.django_db,
]


def made(plan, title: str, days_ago: int = 0, **extra) -> Problem:
    problem = ProblemFactory(plan=plan, title=title, **extra)
    moment = timezone.now() - datetime.timedelta(days=days_ago, seconds=problem.pk)
    Problem.objects.filter(pk=problem.pk).update(created_at=moment)
    return problem


def assert_in_step() -> None:
    """The table holds exactly the published problems, each as the problems' table has it."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT problem_id, plan_id, moment, supports_count, words FROM {TABLE} ORDER BY 1"
        )
        held = cursor.fetchall()
        cursor.execute(
            "SELECT id, plan_id, (EXTRACT(EPOCH FROM created_at) * 1000000)::bigint, "
            "supports_count, search_words FROM participation_problem "
            "WHERE moderation_state = 'published' ORDER BY 1"
        )
        assert held == cursor.fetchall()


def held_keys() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT problem_id FROM {TABLE} ORDER BY 1")
        return [row[0] for row in cursor.fetchall()]


def search(client, plan, q: str, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"plan": plan.pk, "q": q, "page_size": 100, **params})
    assert response.status_code == 200, response.content
    used = any(TABLE in query["sql"] for query in queries)
    return [row["id"] for row in response.json()["results"]], used


class TestKeptByTheTriggers:
    def test_only_published_problems_have_a_row(self, plan):
        shown = made(plan, "چراغ خاموش")
        made(plan, "چاله در انتظار", moderation_state="pending")
        made(plan, "چاله پنهان", moderation_state="hidden")
        assert held_keys() == [shown.pk]
        assert_in_step()

    def test_publishing_adds_the_row_and_leaving_the_state_removes_it(self, plan):
        problem = made(plan, "درخت افتاده", moderation_state="pending")
        problem.moderation_state = "published"
        problem.save()
        assert held_keys() == [problem.pk]
        Problem.objects.filter(pk=problem.pk).update(moderation_state="hidden")
        assert held_keys() == []
        assert_in_step()

    def test_supports_text_plan_and_moment_are_rewritten(self, plan, citizen, citizen2):
        problem = made(plan, "پیاده‌رو شکسته")
        services.problem_support(user=citizen, problem=problem)
        services.problem_support(user=citizen2, problem=problem)
        assert_in_step()
        services.problem_unsupport(user=citizen, problem=problem)
        assert_in_step()
        Problem.objects.filter(pk=problem.pk).update(**problem_keys("نیمکت زنگ‌زده", ""))
        assert_in_step()
        Problem.objects.filter(pk=problem.pk).update(plan=PlanFactory(city=plan.city))
        Problem.objects.filter(pk=problem.pk).update(created_at=timezone.now())
        assert_in_step()

    def test_bulk_writes_and_deletes(self, plan, citizen):
        rows = unsaved_benches(plan, citizen, ["pending", "published"] * 3)
        Problem.objects.bulk_create(rows)
        assert_in_step()
        Problem.objects.filter(pk=rows[1].pk).delete()
        Problem.objects.filter(plan=plan).update(moderation_state="published")
        assert_in_step()
        assert len(held_keys()) == 5

    def test_emptying_the_problems_empties_it(self, plan):
        made(plan, "زباله")
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks left pending
            cursor.execute("TRUNCATE participation_problem CASCADE")
        assert held_keys() == []


class TestWhichTableIsRead:
    """A search of one plan's published problems reads the narrow table; anything that
    changes which rows are searched reads the problems' own."""

    @pytest.fixture
    def problems(self, plan):
        return [made(plan, f"زباله در کوچه {n}", days_ago=n) for n in range(3)]

    def test_a_visitor_searching_a_plan(self, api_client, plan, problems):
        keys, narrow = search(api_client, plan, "زباله")
        assert narrow
        assert keys == [p.pk for p in problems]
        assert search(api_client, plan, "زباله", status="published")[1]

    def test_a_citizen_with_nothing_unpublished_in_the_plan(self, api_client, plan, problems):
        citizen = UserFactory()
        made(PlanFactory(city=plan.city), "زباله من", moderation_state="pending", author=citizen)
        api_client.force_authenticate(citizen)
        keys, narrow = search(api_client, plan, "زباله")
        assert narrow
        assert keys == [p.pk for p in problems]

    def test_a_citizen_with_a_pending_problem_finds_it_too(self, api_client, plan, problems):
        citizen = UserFactory()
        own = made(plan, "زباله من", moderation_state="pending", author=citizen)
        Problem.objects.filter(pk=own.pk).update(created_at=timezone.now())  # the newest
        api_client.force_authenticate(citizen)
        keys, narrow = search(api_client, plan, "زباله")
        assert not narrow
        assert keys == [own.pk, *[p.pk for p in problems]]

    def test_another_filter_reads_the_problems(self, api_client, plan, problems):
        axis = AxisFactory(city=plan.city)
        Problem.objects.filter(pk=problems[1].pk).update(axis=axis)
        keys, narrow = search(api_client, plan, "زباله", axis=axis.pk)
        assert (keys, narrow) == ([problems[1].pk], False)
        assert search(api_client, plan, "زباله", status="pending") == ([], False)

    def test_the_web_list_reads_it_for_a_visitor(self, client, plan, problems):
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/problems/", {"plan": plan.pk, "q": "زباله"})
        assert response.status_code == 200
        assert any(TABLE in query["sql"] for query in queries)
        assert f'href="/problems/{problems[0].pk}/"' in response.content.decode()


class TestSameAnswersAsTheProblemsTable:
    """The same searches through both tables: `created_after` long ago narrows nothing but
    sends the search to the problems' table. With a probe, a cap and a window of 4, every
    case is met: all matches probed, more than the cap, pages in and past the window."""

    QUERIES = ["زباله", "کوچه", "زباله کوچه", "پارک", "صندلی زباله", "هیچ", "ک"]

    @pytest.fixture
    def problems(self, plan, monkeypatch):
        monkeypatch.setattr(selectors, "SEARCH_PROBE", 4)
        monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 4)
        monkeypatch.setattr(selectors, "SEARCH_WINDOW", 4)
        for n in range(14):
            title = ["زباله در کوچه", "صندلی پارک", "زباله میدان", "کوچه تاریک"][n % 4]
            problem = made(plan, f"{title} {n}", days_ago=n % 5)
            Problem.objects.filter(pk=problem.pk).update(supports_count=n % 3)
        made(plan, "زباله پنهان", moderation_state="hidden")
        made(PlanFactory(city=plan.city), "زباله برنامه‌ی دیگر")

    def test_every_query_page_and_ordering(self, api_client, plan, problems):
        for q in self.QUERIES:
            for ordering in ("newest", "oldest", "most_supported"):
                for page in (1, 2, 3):
                    params = {"ordering": ordering, "page_size": 2, "page": page}
                    narrow = api_client.get(URL, {"plan": plan.pk, "q": q, **params})
                    wide = api_client.get(
                        URL, {"plan": plan.pk, "q": q, "created_after": "1300-01-01", **params}
                    )
                    assert narrow.status_code == wide.status_code, (q, ordering, page)
                    if narrow.status_code == 200:
                        a, b = narrow.json(), wide.json()
                        assert [r["id"] for r in a["results"]] == [r["id"] for r in b["results"]]
                        assert (a["count"], a["count_more"]) == (b["count"], b["count_more"])
