"""A visitor's long thread is counted and its first page read by compiled statements
(participation.selectors.VisitorTops); every page shows what the queryset shows."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator

from participation import selectors
from participation.models import Comment
from tests.factories import CommentFactory, PlanItemFactory, ProblemFactory

pytestmark = pytest.mark.django_db
PER_PAGE = 4


@pytest.mark.parametrize("kind", ["problem", "plan_item"])
def test_every_page_of_a_visitors_thread_is_the_querysets(plan, kind):
    target = ProblemFactory(plan=plan) if kind == "problem" else PlanItemFactory(plan=plan)
    other = ProblemFactory(plan=plan) if kind == "problem" else PlanItemFactory(plan=plan)
    on = {"problem": None, kind: target}
    tops = [CommentFactory(**on) for _ in range(9)]
    CommentFactory(**on, moderation_state="hidden")  # a visitor never sees it
    CommentFactory(**{"problem": None, kind: other})
    for top in tops[::2]:
        CommentFactory(**on, parent=top)
    CommentFactory(**on, parent=tops[1], moderation_state="pending")
    published = Comment.objects.filter(**{kind: target}, moderation_state="published").count()
    shown = selectors.comment_tops(
        user=AnonymousUser(), published=published, per_page=PER_PAGE, **{kind: target}
    )
    assert isinstance(shown, selectors.VisitorTops)
    plain = selectors.comment_list().filter(parent__isnull=True, **{kind: target})
    assert Paginator(shown, PER_PAGE).count == 9
    for number in (1, 2, 3):
        fast = Paginator(shown, PER_PAGE).page(number).object_list
        slow = Paginator(plain, PER_PAGE).page(number).object_list
        fast = selectors.comment_thread_page(fast, user=None, **{kind: target})
        slow = selectors.comment_thread_page(slow, user=None, **{kind: target})
        assert [(c.pk, [r.pk for r in c.thread_replies]) for c in fast] == [
            (c.pk, [r.pk for r in c.thread_replies]) for c in slow
        ]
        assert all(getattr(c, kind) == target for c in fast)
    assert Paginator(shown, PER_PAGE).page(1).object_list[0].pk == tops[0].pk
