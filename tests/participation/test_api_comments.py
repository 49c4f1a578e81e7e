from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from participation.models import Comment
from tests.factories import (
    CommentFactory,
    ExpertFactory,
    PlanItemFactory,
    ProblemFactory,
    ProposalFactory,
)

URL = "/api/v1/comments/"


@pytest.fixture
def open_item(plan):
    return PlanItemFactory(
        plan=plan,
        status="open",
        comment_opens_at=timezone.now() - timedelta(days=1),
        comment_closes_at=timezone.now() + timedelta(days=10),
    )


@pytest.mark.django_db
class TestCommentApi:
    def test_comment_with_stance_on_open_item(self, as_user, citizen, open_item):
        response = as_user(citizen).post(
            URL, {"plan_item": open_item.pk, "body": "با این راهبرد موافقم.", "stance": "for"}
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["stance"] == "for"
        assert body["moderation_state"] == "pending"
        assert body["is_expert"] is False
        assert body["plan_item"] == open_item.pk

    def test_expert_badge_is_a_snapshot(self, as_user, open_item):
        expert = ExpertFactory()
        body = as_user(expert).post(URL, {"plan_item": open_item.pk, "body": "نظر کارشناسی"}).json()
        assert body["is_expert"] is True
        assert body["author"]["is_expert"] is True
        expert.expertise_verified_at = None
        expert.save()
        assert Comment.objects.get(pk=body["id"]).is_expert is True

    @pytest.mark.parametrize(
        "change",
        [
            {"status": "closed"},
            {"status": "draft"},
            {"status": "adopted"},
            {"comment_closes_at": timezone.now() - timedelta(minutes=1)},
            {
                "comment_opens_at": timezone.now() + timedelta(days=1),
                "comment_closes_at": timezone.now() + timedelta(days=2),
            },
        ],
    )
    def test_closed_item_refuses_comments(self, as_user, citizen, open_item, change):
        for key, value in change.items():
            setattr(open_item, key, value)
        open_item.save()
        response = as_user(citizen).post(URL, {"plan_item": open_item.pk, "body": "نظر"})
        assert response.status_code == 409
        assert response.json()["code"] == "comments_closed"
        assert Comment.objects.count() == 0

    def test_exactly_one_target(self, as_user, citizen, open_item, plan):
        problem = ProblemFactory(plan=plan)
        for payload in (
            {"body": "x"},
            {"plan_item": open_item.pk, "problem": problem.pk, "body": "x"},
        ):
            response = as_user(citizen).post(URL, payload, format="json")
            assert response.status_code == 400
            assert response.json()["code"] == "one_target"

    def test_replies_one_level_deep(self, as_user, citizen, plan):
        problem = ProblemFactory(plan=plan)
        parent = CommentFactory(problem=problem)
        reply = as_user(citizen).post(
            URL, {"problem": problem.pk, "parent": parent.pk, "body": "پاسخ"}
        )
        assert reply.status_code == 201
        reply_obj = Comment.objects.get(pk=reply.json()["id"])
        reply_obj.moderation_state = "published"
        reply_obj.save()
        deeper = as_user(citizen).post(
            URL, {"problem": problem.pk, "parent": reply_obj.pk, "body": "پاسخ به پاسخ"}
        )
        assert deeper.status_code == 400
        assert deeper.json()["code"] == "reply_too_deep"
        other = as_user(citizen).post(
            URL, {"problem": ProblemFactory(plan=plan).pk, "parent": parent.pk, "body": "x"}
        )
        assert other.status_code == 400

    @pytest.mark.parametrize(
        "payload",
        [
            {"body": "", "stance": "for"},
            {"body": "x", "stance": "maybe"},
            {"body": "ب" * 200_000},
            {"body": "<script>alert(1)</script>"},
        ],
    )
    def test_bad_input(self, as_user, citizen, open_item, payload):
        response = as_user(citizen).post(URL, {"plan_item": open_item.pk, **payload}, format="json")
        assert response.status_code == 400

    def test_unpublished_problem_cannot_be_commented(self, as_user, citizen, plan):
        problem = ProblemFactory(plan=plan, moderation_state="pending")
        response = as_user(citizen).post(URL, {"problem": problem.pk, "body": "x"})
        assert response.status_code in (404, 409)
        assert Comment.objects.count() == 0

    def test_list_requires_one_target(self, api_client):
        assert api_client.get(URL).status_code == 400
        assert api_client.get(URL, {"problem": 1, "proposal": 2}).status_code == 400
        assert api_client.get(URL, {"problem": "x"}).status_code == 400

    def test_list_shows_published_and_own(self, api_client, as_user, citizen, plan):
        problem = ProblemFactory(plan=plan)
        CommentFactory(problem=problem)
        CommentFactory(problem=problem, author=citizen, moderation_state="pending")
        CommentFactory(problem=problem, moderation_state="pending")
        assert api_client.get(URL, {"problem": problem.pk}).json()["count"] == 1
        assert as_user(citizen).get(URL, {"problem": problem.pk}).json()["count"] == 2

    def test_list_query_count_constant(self, api_client, plan):
        counts = []
        for rows in (1, 20):
            problem = ProblemFactory(plan=plan)
            for _ in range(rows):
                CommentFactory(problem=problem)
            with CaptureQueriesContext(connection) as queries:
                response = api_client.get(URL, {"problem": problem.pk})
                assert len(response.json()["results"]) == rows
            counts.append(len(queries))
        assert counts[0] == counts[1]

    def test_comment_on_proposal(self, as_user, citizen, plan):
        proposal = ProposalFactory(plan=plan)
        response = as_user(citizen).post(URL, {"proposal": proposal.pk, "body": "موافقم"})
        assert response.status_code == 201
        assert response.json()["proposal"] == proposal.pk
