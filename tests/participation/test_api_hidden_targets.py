"""Hidden, rejected and someone else's pending content is 404 everywhere: commenting on,
supporting, replying to, endorsing or proposing for it answers exactly like an id that
names nothing, on the API as on the web (a 409 would confirm that it exists)."""

import pytest

from participation.models import Comment, Endorsement, Proposal, Support
from tests.factories import (
    CommentFactory,
    MembershipFactory,
    ProblemFactory,
    ProposalFactory,
)

UNSEEN = ["hidden", "rejected", "pending", "unknown"]


def _content(factory, state, **kwargs):
    if state == "unknown":
        found = factory(**kwargs)
        pk = found.pk
        found.delete()
        return pk
    return factory(moderation_state=state, **kwargs).pk


@pytest.mark.django_db
@pytest.mark.parametrize("state", UNSEEN)
class TestApi:
    def test_comment_on_problem(self, as_user, citizen, plan, state):
        pk = _content(ProblemFactory, state, plan=plan)
        response = as_user(citizen).post("/api/v1/comments/", {"problem": pk, "body": "نظر"})
        assert response.status_code == 404
        assert Comment.objects.count() == 0
        assert response.json()["code"] == "not_found"

    def test_comment_on_proposal(self, as_user, citizen, plan, state):
        pk = _content(ProposalFactory, state, plan=plan)
        response = as_user(citizen).post("/api/v1/comments/", {"proposal": pk, "body": "نظر"})
        assert response.status_code == 404
        assert Comment.objects.count() == 0

    def test_reply(self, as_user, citizen, plan, state):
        problem = ProblemFactory(plan=plan)
        pk = _content(CommentFactory, state, problem=problem)
        response = as_user(citizen).post(
            "/api/v1/comments/", {"problem": problem.pk, "parent": pk, "body": "پاسخ"}
        )
        assert response.status_code == 404
        assert not Comment.objects.filter(parent__isnull=False).exists()

    def test_support(self, as_user, citizen, plan, state):
        pk = _content(ProblemFactory, state, plan=plan)
        assert as_user(citizen).post(f"/api/v1/problems/{pk}/support/").status_code == 404
        assert Support.objects.count() == 0

    def test_endorse(self, as_user, organisation, plan, state):
        member = MembershipFactory(organisation=organisation).user
        pk = _content(ProposalFactory, state, plan=plan)
        response = as_user(member).post(
            f"/api/v1/proposals/{pk}/endorsement/",
            {"organisation": organisation.pk, "statement": "حمایت"},
        )
        assert response.status_code == 404
        assert Endorsement.objects.count() == 0

    def test_propose_for_problem(self, as_user, citizen, plan, state):
        pk = _content(ProblemFactory, state, plan=plan)
        response = as_user(citizen).post(
            "/api/v1/proposals/", {"plan": plan.pk, "problem": pk, "title": "ع", "body": "ش"}
        )
        assert response.status_code == 404
        assert Proposal.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("state", UNSEEN)
class TestWeb:
    def test_comment_on_problem(self, client, citizen, plan, state):
        pk = _content(ProblemFactory, state, plan=plan)
        client.force_login(citizen)
        assert client.post(f"/problems/{pk}/comments/", {"body": "نظر"}).status_code == 404
        assert Comment.objects.count() == 0

    def test_comment_on_proposal(self, client, citizen, plan, state):
        pk = _content(ProposalFactory, state, plan=plan)
        client.force_login(citizen)
        assert client.post(f"/proposals/{pk}/comments/", {"body": "نظر"}).status_code == 404

    @pytest.mark.parametrize("htmx", [False, True])
    def test_reply(self, client, citizen, plan, state, htmx):
        problem = ProblemFactory(plan=plan)
        pk = _content(CommentFactory, state, problem=problem)
        client.force_login(citizen)
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        response = client.post(
            f"/problems/{problem.pk}/comments/", {"body": "پاسخ", "parent": pk}, **headers
        )
        assert response.status_code == 404
        assert not Comment.objects.filter(parent__isnull=False).exists()

    def test_support(self, client, citizen, plan, state):
        pk = _content(ProblemFactory, state, plan=plan)
        client.force_login(citizen)
        assert client.post(f"/problems/{pk}/support/", {"action": "support"}).status_code == 404
        assert Support.objects.count() == 0

    def test_endorse(self, client, organisation, plan, state):
        pk = _content(ProposalFactory, state, plan=plan)
        client.force_login(MembershipFactory(organisation=organisation).user)
        response = client.post(
            f"/proposals/{pk}/endorse/", {"organisation": organisation.pk, "statement": "حمایت"}
        )
        assert response.status_code == 404
        assert Endorsement.objects.count() == 0

    def test_propose_for_problem(self, client, citizen, plan, state):
        pk = _content(ProblemFactory, state, plan=plan)
        client.force_login(citizen)
        assert client.get(f"/proposals/new/?problem={pk}").status_code == 404
        response = client.post("/proposals/new/", {"problem": pk, "title": "ع", "body": "ش"})
        assert response.status_code == 404
        assert Proposal.objects.count() == 0


@pytest.mark.django_db
def test_own_pending_problem_is_seen_but_not_open(as_user, client, citizen, plan):
    """The author sees their pending problem, so the answer is the state's 409, not 404."""
    pk = ProblemFactory(plan=plan, author=citizen, moderation_state="pending").pk
    response = as_user(citizen).post("/api/v1/comments/", {"problem": pk, "body": "نظر"})
    assert response.status_code == 409
    assert response.json()["code"] == "not_published"
    client.force_login(citizen)
    assert client.post(f"/problems/{pk}/comments/", {"body": "نظر"}).status_code == 409
