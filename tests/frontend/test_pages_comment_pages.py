"""A long comment thread comes in pages of COMMENTS_PER_PAGE top-level comments, each with
its replies (`?comments=<page>`), oldest first: a plan item with hundreds of comments costs
one page's rows and the same queries as one with a single comment."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from frontend import views_participation
from participation.models import Comment
from tests.factories import (
    CityFactory,
    CommentFactory,
    PlanFactory,
    PlanItemFactory,
    UserFactory,
    unique_title,
)

PER_PAGE = 4


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views_participation, "COMMENTS_PER_PAGE", PER_PAGE)


def thread(item, tops: int) -> list[Comment]:
    """`tops` top-level comments a minute apart (unique bodies 0…), each with one reply
    (bodies 50…), and a hidden one that no page shows."""
    start = timezone.now() - datetime.timedelta(days=1)
    made = []
    for n in range(tops):
        top = CommentFactory(
            problem=None, plan_item=item, author=UserFactory(), body=f"<p>{unique_title(n)}</p>"
        )
        reply = CommentFactory(
            problem=None,
            plan_item=item,
            parent=top,
            author=UserFactory(),
            body=f"<p>{unique_title(50 + n)}</p>",
        )
        moment = start + datetime.timedelta(minutes=n)
        Comment.objects.filter(pk=top.pk).update(created_at=moment)
        Comment.objects.filter(pk=reply.pk).update(
            created_at=moment + datetime.timedelta(seconds=30)
        )
        made.append(top)
    CommentFactory(
        problem=None, plan_item=item, body=f"<p>{unique_title(99)}</p>", moderation_state="hidden"
    )
    return made


def shown(html: str, numbers) -> list[int]:
    return [n for n in numbers if unique_title(n) in html]


@pytest.mark.django_db
class TestCommentPages:
    def test_pages_hold_tops_with_their_replies_oldest_first(self, small_pages):
        item = PlanItemFactory(plan=PlanFactory(city=CityFactory()))
        thread(item, 6)
        client = Client()
        first = client.get(f"/plan-items/{item.pk}/").content.decode()
        assert shown(first, range(6)) == [0, 1, 2, 3]
        assert shown(first, range(50, 56)) == [50, 51, 52, 53]  # each top's reply with it
        assert first.index(unique_title(0)) < first.index(unique_title(50))
        assert first.index(unique_title(50)) < first.index(unique_title(1))
        assert 'data-testid="comments-pagination"' in first
        assert 'href="?comments=2#comments"' in first
        second = client.get(f"/plan-items/{item.pk}/", {"comments": 2}).content.decode()
        assert shown(second, range(6)) == [4, 5]
        assert shown(second, range(50, 56)) == [54, 55]
        assert unique_title(99) not in first + second  # hidden
        # A page number past the end gives the last page, never an error.
        last = client.get(f"/plan-items/{item.pk}/", {"comments": 99}).content.decode()
        assert shown(last, range(6)) == [4, 5]

    def test_one_page_has_no_links(self):
        item = PlanItemFactory(plan=PlanFactory(city=CityFactory()))
        thread(item, 3)
        html = Client().get(f"/plan-items/{item.pk}/").content.decode()
        assert shown(html, range(3)) == [0, 1, 2]
        assert 'data-testid="comments-pagination"' not in html

    def test_queries_do_not_grow_with_the_thread(self, small_pages):
        counts = []
        for tops in (1, 3 * PER_PAGE):
            item = PlanItemFactory(plan=PlanFactory(city=CityFactory()))
            thread(item, tops)
            client = Client()
            client.force_login(UserFactory())
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/plan-items/{item.pk}/").status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]
