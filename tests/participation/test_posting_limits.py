"""Per-author posting limits, counted in the database (issue 9, finding 6)."""

import datetime

import pytest
from django.utils import timezone

from backend.errors import TooMany
from backend.ratelimit import posting_unlimited
from moderation.models import Report, Rule
from participation import services
from participation.models import Comment, Problem, Proposal
from tests.factories import ProblemFactory, UserFactory

pytestmark = pytest.mark.django_db


def persian(text) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in str(text))


@pytest.fixture
def limits(settings):
    settings.POSTING_LIMITS = {"problem": 3, "comment": 3, "proposal": 2, "report": 2}
    return settings.POSTING_LIMITS


def post_problem(client, plan, n=0):
    return client.post(
        "/api/v1/problems/",
        {"plan": plan.pk, "title": f"مسئله {n}", "body": "شرح"},
        format="json",
    )


def test_defaults_are_set():
    from django.conf import settings

    assert settings.POSTING_LIMITS == {
        "problem": 10,
        "comment": 30,
        "proposal": 5,
        "report": 20,
        "open311": 200,  # per Open311 client app (OPEN311_POSTING_LIMIT)
    }
    assert settings.POSTING_LIMIT_WINDOW_SECONDS == 3600


def test_the_api_answers_a_persian_429_with_retry_after(as_user, citizen, plan, limits):
    client = as_user(citizen)
    for n in range(3):
        assert post_problem(client, plan, n).status_code == 201
    response = post_problem(client, plan, 3)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "posting_limit"
    assert persian(body["detail"])
    assert 0 < int(response["Retry-After"]) <= 3600
    assert body["retry_after"] == int(response["Retry-After"])
    assert Problem.objects.filter(author=citizen).count() == 3


def test_the_limit_is_per_author(as_user, citizen, citizen2, plan, limits):
    for n in range(3):
        post_problem(as_user(citizen), plan, n)
    assert post_problem(as_user(citizen2), plan).status_code == 201


def test_rows_older_than_the_window_do_not_count(as_user, citizen, plan, limits):
    for n in range(3):
        post_problem(as_user(citizen), plan, n)
    Problem.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1, seconds=5))
    assert post_problem(as_user(citizen), plan).status_code == 201


def test_retry_after_counts_from_the_oldest_row_in_the_window(citizen, plan, limits):
    for n in range(3):
        services.problem_submit(author=citizen, plan=plan, title=f"م {n}", body="ش")
    Problem.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=50))
    with pytest.raises(TooMany) as error:
        services.problem_submit(author=citizen, plan=plan, title="م", body="ش")
    assert 9 * 60 <= error.value.retry_after <= 10 * 60 + 1


def test_comments_and_proposals_have_their_own_limits(citizen, plan, limits):
    problem = ProblemFactory(plan=plan, moderation_state="published")
    for _ in range(3):
        services.comment_post(author=citizen, body="نظر", problem=problem)
    with pytest.raises(TooMany):
        services.comment_post(author=citizen, body="نظر", problem=problem)
    for _ in range(2):
        services.proposal_submit(author=citizen, plan=plan, title="پیشنهاد", body="شرح")
    with pytest.raises(TooMany):
        services.proposal_submit(author=citizen, plan=plan, title="پیشنهاد", body="شرح")
    assert Comment.objects.count() == 3
    assert Proposal.objects.count() == 2


def test_reports_have_a_limit(citizen, plan, limits):
    from moderation.services import report_submit

    rule = Rule.objects.create(code="spam", title="هرزنامه", description="d")
    problems = [ProblemFactory(plan=plan, moderation_state="published") for _ in range(3)]
    for problem in problems[:2]:
        report_submit(reporter=citizen, content=problem, rule_code=rule.code)
    with pytest.raises(TooMany):
        report_submit(reporter=citizen, content=problems[2], rule_code=rule.code)
    assert Report.objects.count() == 2


def test_zero_turns_a_limit_off(citizen, plan, settings):
    settings.POSTING_LIMITS = {"problem": 0}
    for n in range(12):
        services.problem_submit(author=citizen, plan=plan, title=f"م {n}", body="ش")


def test_loaders_may_post_without_limits(citizen, plan, limits):
    with posting_unlimited():
        for n in range(5):
            services.problem_submit(author=citizen, plan=plan, title=f"م {n}", body="ش")
    with pytest.raises(TooMany):
        services.problem_submit(author=citizen, plan=plan, title="م", body="ش")


def test_the_page_answers_a_persian_429_too(client, citizen, plan, limits):
    client.force_login(citizen)
    for n in range(3):
        response = client.post(
            "/problems/new/", {"plan": plan.pk, "title": f"مسئله {n}", "body": "شرح"}
        )
        assert response.status_code == 302
    response = client.post("/problems/new/", {"plan": plan.pk, "title": "مسئله", "body": "شرح"})
    assert response.status_code == 429
    assert "Retry-After" in response
    assert "دقیقه" in response.content.decode()
    assert Problem.objects.filter(author=citizen).count() == 3
    UserFactory()
