"""The rows drawn in Python (frontend/templatetags/threads.py, problem_rows.py): what they
show and escape, in Persian and in English, with the per-page memo of frontend.drawing."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from participation.models import Problem
from tests.factories import CommentFactory, ProblemFactory


def draw(source: str, **context) -> str:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return engines["django"].from_string(source).render({**context, "request": request}, request)


@pytest.mark.django_db
class TestCommentArticle:
    def test_names_and_bodies_as_the_template_had_them(self):
        comment = CommentFactory(moderation_state="pending", is_expert=True, body="<p>متن</p>")
        comment.author.display_name, comment.author.show_name_publicly = "مریم <i>", True
        html = draw("{% load threads %}{% comment_article c %}", c=comment, user=AnonymousUser())
        assert "مریم &lt;i&gt;" in html  # escaped
        assert "<p>متن</p>" in html  # sanitised HTML, drawn as is
        assert 'data-testid="expert-badge"' in html
        assert 'data-testid="comment-state"' in html
        assert 'data-testid="report"' not in html  # never for a visitor

    def test_english_labels_and_latin_digits(self):
        comment = CommentFactory(moderation_state="published", stance="support")
        comment.author.show_name_publicly = False
        source = "{% load threads %}{% comment_article c %}{% comment_article c %}"
        with translation.override("en"):
            english = draw(source, c=comment, user=AnonymousUser())
        persian = draw(source, c=comment, user=AnonymousUser())
        assert "شهروند" in persian
        assert "شهروند" not in english
        assert any(d in persian for d in "۰۱۲۳۴۵۶۷۸۹")
        assert not any(d in english for d in "۰۱۲۳۴۵۶۷۸۹")
        assert english.count('data-testid="comment"') == 2


@pytest.mark.django_db
def test_a_problem_row_escapes_its_title_and_writes_its_counts(plan):
    made = ProblemFactory(plan=plan, title='چاله <b>"x"</b>')
    Problem.objects.filter(pk=made.pk).update(supports_count=1234)
    problem = (
        Problem.objects.select_related("axis", "district", "plan__city", "author")
        .annotate(comments_count=Count("comments"))
        .get(pk=made.pk)
    )
    html = draw("{% load problem_rows %}{% problem_row p %}", p=problem)
    assert "چاله &lt;b&gt;&quot;x&quot;&lt;/b&gt;" in html
    assert "۱۲۳۴ نفر این مسئله را دارند" in html
    assert f'href="/problems/{made.pk}/"' in html
    with translation.override("en"):
        assert "1234" in draw("{% load problem_rows %}{% problem_row p %}", p=problem)
