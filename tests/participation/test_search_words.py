"""The search's word index on PostgreSQL (participation.models.SearchWord, migration 0013):
a trigger numbers each problem's words whenever its text is written, and a search finds
the same problems as reading the texts would. Then the window a common word's first pages
come from (participation.selectors._recent_matches)."""

import datetime
import time

import pytest
from django.db import connection, transaction
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.paging import CappedPaginator
from participation import selectors
from participation.keys import problem_keys
from participation.models import SEARCH_WORD_MAX, Problem, SearchWord
from participation.selectors import HoldsAnyWord
from tests.factories import ProblemFactory, UserFactory, unsaved_benches
from tests.races import needs_postgresql, run_together

URL = "/api/v1/problems/"

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the word index is PostgreSQL's"
)


def made(plan, title: str, days_ago: int = 0, **extra) -> Problem:
    problem = ProblemFactory(plan=plan, title=title, **extra)
    moment = timezone.now() - datetime.timedelta(days=days_ago)
    Problem.objects.filter(pk=problem.pk).update(created_at=moment)
    return problem


def stored_words(problem: Problem) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT search_words FROM participation_problem WHERE id = %s", [problem.pk])
        numbers = cursor.fetchone()[0]
    return set(SearchWord.objects.filter(pk__in=numbers).values_list("word", flat=True))


def found(api_client, plan, q: str, **params) -> list[int]:
    response = api_client.get(URL, {"plan": plan.pk, "q": q, "page_size": 100, **params})
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@postgres_only
@pytest.mark.django_db
class TestTrigger:
    def test_a_new_problem_holds_the_numbers_of_its_words(self, plan):
        problem = ProblemFactory(plan=plan, title="آبگرفتگی زیرگذر", body="<p>بعد از باران</p>")
        assert stored_words(problem) == set(problem.search_text.split(" "))
        assert {"آبگرفتگی", "زیرگذر", "باران"} <= stored_words(problem)

    def test_a_changed_text_is_numbered_again_and_old_words_stop_matching(self, api_client, plan):
        problem = made(plan, "چراغ خاموش کوچه")
        assert found(api_client, plan, "خاموش") == [problem.pk]
        keys = problem_keys("صندلی شکسته پارک", "")
        Problem.objects.filter(pk=problem.pk).update(**keys)  # no save(), no signal
        assert found(api_client, plan, "خاموش") == []
        assert found(api_client, plan, "شکسته") == [problem.pk]
        # The word stays numbered (words are never removed) and matches nothing.
        assert SearchWord.objects.filter(word="خاموش").exists()

    def test_bulk_created_problems_are_numbered(self, api_client, plan, citizen):
        rows = unsaved_benches(plan, citizen, ["published"] * 3)
        Problem.objects.bulk_create(rows)
        assert sorted(found(api_client, plan, "نیمکت")) == sorted(p.pk for p in rows)

    def test_words_shared_by_problems_are_numbered_once(self, plan):
        made(plan, "درخت خشک")
        made(plan, "درخت افتاده")
        assert SearchWord.objects.filter(word="درخت").count() == 1

    def test_a_word_longer_than_the_index_holds_is_found_by_its_start(self, api_client, plan):
        long_word = "ا" * 150 + "ب" * 150
        problem = made(plan, "پیوند", body=f"<p>{long_word}</p>")
        assert max(len(w) for w in SearchWord.objects.values_list("word", flat=True)) == (
            SEARCH_WORD_MAX
        )
        assert found(api_client, plan, "ا" * 120 + "ب" * 10) == [problem.pk]

    def test_an_empty_text_holds_no_words(self, plan):
        problem = made(plan, "موقت")
        Problem.objects.filter(pk=problem.pk).update(search_text="")
        assert stored_words(problem) == set()


@pytest.mark.django_db
class TestSameMatchesAsTheTexts:
    """Every search finds what `LIKE` over the texts finds (selectors.word_condition),
    whichever database: on SQLite that is the search itself."""

    TITLES = [
        "چاله در خیابان ۱۹ دی",
        "دیوار مدرسه ترک برداشته",
        "کوچه خدیجه کبری تاریک است",
        "آبگرفتگی زیرگذر امام",
        "گرفتگی جوی آب در بلوار امامزاده",
        "تابلو خیابان شهدا افتاده",
        "خیابان شهدا شلوغ است",
        "سطل زباله میدان شهدا",
    ]
    QUERIES = [
        "دی",
        "19 دی",
        "گرفتگی",
        "امام",
        "امامزاده",
        "خیابان شهدا",
        "شهدا خیابان",
        "ش",
        "زباله",
        "کبری تاریک",
        "هیچ‌چیز",
        "آب",
        "بلوار امام",
        "آ آب",
        "امام امامزاده",
        "امامزاده امام",
        "آب آب",
    ]

    def test_each_query(self, api_client, plan):
        for n, title in enumerate(self.TITLES):
            made(plan, title, days_ago=n)
        for q in self.QUERIES:
            words = [w for w in problem_keys(q, "")["search_text"].split(" ") if w]
            expected = Problem.objects.filter(plan=plan, moderation_state="published")
            for word in words:
                expected = expected.filter(selectors.word_condition(word))
            assert found(api_client, plan, q) == list(expected.values_list("pk", flat=True)), q


@postgres_only
@pytest.mark.django_db
class TestRecentWindow:
    """More matches than the probe: the first pages of the newest-first list come from the
    window of newest rows; a page past it, and every other ordering, from SQL. All agree
    with the list computed here."""

    @pytest.fixture
    def common(self, plan, monkeypatch):
        monkeypatch.setattr(selectors, "SEARCH_PROBE", 4)
        monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 4)
        monkeypatch.setattr(selectors, "SEARCH_WINDOW", 4)
        matches = []
        for n in range(12):
            if n % 3 == 2:
                made(plan, f"صندلی پارک {n}", days_ago=n)  # in the window, not a match
            else:
                matches.append(made(plan, f"زباله در کوچه {n}", days_ago=n))
        made(plan, "زباله پنهان", days_ago=0, moderation_state="hidden")
        return [p.pk for p in matches]  # newest first

    def test_pages_in_and_past_the_window(self, api_client, plan, common):
        # The 4 newest rows hold 3 matches: pages of one, the first three from the window.
        for page in (1, 2, 3, 4):
            with CaptureQueriesContext(connection) as queries:
                got = found(api_client, plan, "زباله", page_size=1, page=page)
            assert got == common[page - 1 : page]
            sorted_in_sql = [q["sql"] for q in queries if "LIMIT 1 OFFSET" in q["sql"]]
            assert bool(sorted_in_sql) == (page == 4), page
        assert found(api_client, plan, "زباله", page_size=2, page=2) == common[2:4]

    def test_other_orderings_are_left_to_sql(self, api_client, plan, common):
        assert found(api_client, plan, "زباله", ordering="oldest") == list(reversed(common))[:4]

    def test_count_stays_capped(self, api_client, plan, common):
        body = api_client.get(URL, {"plan": plan.pk, "q": "زباله"}).json()
        assert (body["count"], body["count_more"]) == (4, True)


@pytest.mark.django_db(transaction=True)
def test_writers_adding_the_same_new_words_at_once_all_succeed(plan):
    """Eight submissions at once, each holding its transaction open a moment, share new
    words in different orders: the trigger waits for the others' words instead of failing
    (no duplicate, no deadlock), and every problem is found by every word."""
    needs_postgresql()
    words = ["واژه‌نوالف", "واژه‌نوب", "واژه‌نوج", "واژه‌نود"]
    citizens = [UserFactory() for _ in range(8)]

    def submit(n, citizen):
        shuffled = words[n % 4 :] + words[: n % 4]
        with transaction.atomic():
            problem = Problem.objects.create(
                plan=plan,
                author=citizen,
                title=f"مسئله {n}",
                body="<p>x</p>",
                moderation_state="published",
                **problem_keys(" ".join(reversed(shuffled) if n % 2 else shuffled), ""),
            )
            time.sleep(0.2)  # the others insert their words meanwhile
        return problem.pk

    outcomes = run_together(*[lambda n=n, c=c: submit(n, c) for n, c in enumerate(citizens)])
    assert all(isinstance(pk, int) for pk in outcomes), outcomes
    normalised = problem_keys(" ".join(words), "")["search_text"].split(" ")
    for word in normalised:
        assert SearchWord.objects.filter(word=word).count() == 1
        holders = Problem.objects.filter(
            HoldsAnyWord(F("search_text"), [SearchWord.objects.get(word=word).pk])
        )
        assert sorted(holders.values_list("pk", flat=True)) == sorted(outcomes)


@pytest.mark.parametrize(
    ("numbers", "kept"),
    [
        ([[1, 2, 3], [2]], [[2]]),  # «آ» beside «آب»
        ([[2], [1, 2, 3]], [[2]]),
        ([[1, 2], [1, 2]], [[1, 2]]),  # the same word twice: once
        ([[1, 2], [3]], [[3], [1, 2]]),  # unrelated: both, the smaller first
        ([[5]], [[5]]),
    ],
)
def test_a_word_implied_by_another_is_not_tested(numbers, kept):
    assert selectors._narrowest(numbers) == kept
