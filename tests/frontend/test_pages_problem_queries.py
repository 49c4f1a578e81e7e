"""What a problem's page reads, for a visitor: the boundaries from the cache, the followers
with the problem, and a thread of at most a page without counting it
(frontend.views_participation._comments_context)."""

import json
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backend import publiccache
from participation.models import Follow, Problem
from tests.factories import (
    AxisFactory,
    CommentFactory,
    DistrictFactory,
    ProblemFactory,
    UserFactory,
)

SQUARE = {
    "type": "Polygon",
    "coordinates": [[[49.6, 34.0], [49.8, 34.0], [49.8, 34.2], [49.6, 34.2], [49.6, 34.0]]],
}


def page(client, problem) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/problems/{problem.pk}/")
    assert response.status_code == 200
    return response.content.decode(), [q["sql"] for q in queries]


def _main_table(sql: str) -> str:
    """The table a statement reads from, not its subqueries'."""
    while True:
        flat = re.sub(r"\([^()]*\)", "", sql)
        if flat == sql:
            break
        sql = flat
    found = re.search(r' FROM "(\w+)"', sql)
    return found.group(1) if found else ""


def reading(table: str, statements: list[str]) -> list[str]:
    return [s for s in statements if _main_table(s) == table]


def as_json(text: str) -> str:
    return json.dumps(text)[1:-1]  # json_script writes non-ASCII letters as \\u escapes


@pytest.mark.django_db
def test_the_boundaries_come_from_the_cache_and_an_edit_is_drawn_next(plan):
    district = DistrictFactory(city=plan.city, number=1, name="منطقه‌ی یک", boundary=SQUARE)
    problem = ProblemFactory(plan=plan, latitude=Decimal("34.1"), longitude=Decimal("49.7"))
    client = Client()
    first, _ = page(client, problem)
    assert as_json("منطقه‌ی یک") in first
    html, statements = page(client, problem)
    assert not reading("planning_district", statements)
    assert as_json("منطقه‌ی یک") in html
    district.name = "منطقه‌ی تازه"
    district.save()  # the admin's save: the cached boundaries are forgotten
    html, statements = page(client, problem)
    assert as_json("منطقه‌ی تازه") in html
    assert as_json("منطقه‌ی یک") not in html
    assert reading("planning_district", statements)


@pytest.mark.django_db
def test_followers_are_read_with_the_problem(plan):
    problem = ProblemFactory(plan=plan)
    for _ in range(3):
        Follow.objects.create(user=UserFactory(), problem=problem)
    html, statements = page(Client(), problem)
    assert "۳ دنبال‌کننده" in html
    assert not reading("participation_follow", statements)


@pytest.mark.django_db
def test_a_visitor_reads_a_short_thread_without_counting_it_and_none_not_at_all(plan):
    quiet = ProblemFactory(plan=plan)
    _, statements = page(Client(), quiet)
    assert not reading("participation_comment", statements)

    talked = ProblemFactory(plan=plan)
    top = CommentFactory(problem=talked, body="<p>نظر نخست</p>")
    CommentFactory(problem=talked, parent=top, body="<p>پاسخ به نظر</p>")
    CommentFactory(problem=talked, body="<p>نظر پنهان</p>", moderation_state="hidden")
    html, statements = page(Client(), talked)
    assert "نظر نخست" in html
    assert "پاسخ به نظر" in html
    assert "نظر پنهان" not in html
    comments = reading("participation_comment", statements)
    assert len(comments) == 1  # the tops and their replies, read together
    assert not [s for s in comments if s.startswith("SELECT COUNT(")]


@pytest.mark.django_db
def test_a_signed_in_author_still_sees_their_own_pending_comment(plan):
    """The shortcut is the visitor's: an author's pending comment is not in the published
    count, and they see it all the same."""
    problem = ProblemFactory(plan=plan)
    author = UserFactory()
    CommentFactory(
        problem=problem, author=author, body="<p>در انتظار من</p>", moderation_state="pending"
    )
    client = Client()
    client.force_login(author)
    html, _ = page(client, problem)
    assert "در انتظار من" in html
    assert "در انتظار من" not in page(Client(), problem)[0]


@pytest.mark.django_db
def test_the_search_pages_selects_come_from_the_cache_and_an_edit_is_listed_next(plan):
    axis = AxisFactory(city=plan.city, title="محور آزمایشی")
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/problems/", {"plan": plan.pk, "q": "چاله"}).content.decode()
    assert "محور آزمایشی" in first
    assert reading("planning_axis", [q["sql"] for q in queries])
    with CaptureQueriesContext(connection) as queries:
        again = client.get("/problems/", {"plan": plan.pk, "q": "ترافیک"}).content.decode()
    statements = [q["sql"] for q in queries]
    assert "محور آزمایشی" in again
    for table in ("planning_axis", "planning_district"):
        assert not reading(table, statements), table
    axis.title = "محور تازه"
    axis.save()
    html = client.get("/problems/", {"plan": plan.pk, "q": "چاله"}).content.decode()
    assert "محور تازه" in html
    assert "محور آزمایشی" not in html


@pytest.mark.django_db
def test_the_uncounted_thread_is_the_visitors_only_and_up_to_a_page(plan):
    from django.contrib.auth.models import AnonymousUser
    from django.db.models import QuerySet

    from participation import selectors

    problem = ProblemFactory(plan=plan)
    CommentFactory(problem=problem, body="<p>نظر</p>")
    visitor = AnonymousUser()
    short = selectors.comment_tops(user=visitor, published=1, per_page=20, problem=problem)
    assert isinstance(short, list)
    assert len(short) == 1
    signed_in = selectors.comment_tops(
        user=UserFactory(), published=1, per_page=20, problem=problem
    )
    assert isinstance(signed_in, QuerySet)  # may hold their own pending ones: counted
    long = selectors.comment_tops(user=visitor, published=21, per_page=20, problem=problem)
    assert isinstance(long, selectors.VisitorTops)  # counted, by a compiled statement
    assert long.count() == 1
    assert selectors.comment_tops(user=visitor, published=0, per_page=20, problem=problem) == []


@pytest.mark.django_db
def test_the_list_page_reads_no_photos_and_the_same_statements_for_more_rows(plan):
    """The rows show no photos, so the page reads none; twenty rows cost what two do."""
    client = Client()
    client.get("/problems/", {"plan": plan.pk})  # the selects' choices, cached from here on
    counts = []
    for n in (2, 20):
        while Problem.objects.filter(plan=plan).count() < n:
            ProblemFactory(plan=plan, moderation_state="published")
        publiccache.bump()  # the factory writes past the services, which would bump it
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/problems/", {"plan": plan.pk}).content.decode()
        statements = [q["sql"] for q in queries]
        assert html.count('data-testid="problem-row"') == n
        assert not reading("participation_problemphoto", statements)
        counts.append(len(statements))
    assert counts[0] == counts[1]
