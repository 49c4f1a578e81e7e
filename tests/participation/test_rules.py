"""Role × state matrices of participation's permissions (participation/rules.py)."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import Organisation
from backend.authz import allowed
from backend.errors import Conflict, DomainError, Refused
from participation.rules import enforce
from planning.models import Plan, PlanItem
from tests.factories import (
    CommentFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    ProposalFactory,
    StaffRoleFactory,
    UserFactory,
)

STATES = ["published", "pending", "rejected", "hidden"]
ORGANISATION_STATES = [s.value for s in Organisation.Status]


def person(role: str, *, author=None, organisation=None):
    """anonymous | citizen | author (of the content) | member / admin (of the organisation)."""
    if role == "anonymous":
        return AnonymousUser()
    if role == "author":
        return author
    if role in ("member", "admin"):
        return MembershipFactory(organisation=organisation, role=role).user
    return UserFactory()


@pytest.mark.django_db
class TestSubmitProblem:
    @pytest.mark.parametrize("role", ["anonymous", "citizen"])
    @pytest.mark.parametrize("phase", [p.value for p in Plan.Phase])
    def test_matrix(self, arak, role, phase):
        plan = PlanFactory(city=arak, phase=phase)
        expected = role == "citizen" and phase in ("problem_finding", "consultation")
        assert allowed(person(role), "participation.submit_problem", plan) is expected

    def test_closed_phase_is_a_conflict(self, arak):
        plan = PlanFactory(city=arak, phase=Plan.Phase.ADOPTED)
        with pytest.raises(Conflict) as caught:
            enforce(UserFactory(), "participation.submit_problem", plan)
        assert caught.value.code == "not_accepting_problems"

    def test_inactive_user_is_refused(self, plan):
        user = UserFactory(is_active=False)
        assert not allowed(user, "participation.submit_problem", plan)


@pytest.mark.django_db
class TestPropose:
    @pytest.mark.parametrize(("role", "expected"), [("anonymous", False), ("citizen", True)])
    def test_matrix(self, plan, role, expected):
        assert allowed(person(role), "participation.propose", plan) is expected


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["participation.propose_for_organisation", "participation.endorse"]
)
class TestActingForOrganisation:
    @pytest.mark.parametrize("role", ["anonymous", "citizen", "member", "admin"])
    @pytest.mark.parametrize("status", ORGANISATION_STATES)
    def test_matrix(self, arak, name, role, status):
        organisation = OrganisationFactory(city=arak, status=status)
        user = person(role, organisation=organisation)
        expected = role in ("member", "admin") and status == "verified"
        assert allowed(user, name, organisation) is expected

    @pytest.mark.parametrize(
        ("role", "status", "code"),
        [("citizen", "verified", "not_member"), ("member", "pending", "organisation_unverified")],
    )
    def test_reasons(self, arak, name, role, status, code):
        organisation = OrganisationFactory(city=arak, status=status)
        with pytest.raises(Refused) as caught:
            enforce(person(role, organisation=organisation), name, organisation)
        assert caught.value.code == code


@pytest.mark.django_db
class TestWithdrawEndorsement:
    @pytest.mark.parametrize("role", ["anonymous", "citizen", "member", "admin"])
    @pytest.mark.parametrize("status", ORGANISATION_STATES)
    def test_matrix(self, arak, role, status):
        organisation = OrganisationFactory(city=arak, status=status)
        user = person(role, organisation=organisation)
        expected = role in ("member", "admin")
        assert allowed(user, "participation.withdraw_endorsement", organisation) is expected


@pytest.mark.django_db
class TestSupport:
    @pytest.mark.parametrize("role", ["anonymous", "citizen", "author"])
    @pytest.mark.parametrize("state", STATES)
    def test_matrix(self, plan, role, state):
        problem = ProblemFactory(plan=plan, moderation_state=state)
        expected = role == "citizen" and state == "published"
        user = person(role, author=problem.author)
        assert allowed(user, "participation.support", problem) is expected

    def test_own_problem_reason(self, plan):
        problem = ProblemFactory(plan=plan)
        with pytest.raises(DomainError) as caught:
            enforce(problem.author, "participation.support", problem)
        assert (caught.value.code, caught.value.status) == ("own_problem", 400)


def _item(plan, state: str) -> PlanItem:
    now = timezone.now()
    windows = {
        "open": {"status": "open"},
        "open_in_window": {
            "status": "open",
            "comment_opens_at": now - timedelta(days=1),
            "comment_closes_at": now + timedelta(days=1),
        },
        "window_over": {
            "status": "open",
            "comment_opens_at": now - timedelta(days=2),
            "comment_closes_at": now - timedelta(days=1),
        },
        "window_ahead": {"status": "open", "comment_opens_at": now + timedelta(days=1)},
        "draft": {"status": "draft"},
        "closed": {"status": "closed"},
        "adopted": {"status": "adopted"},
    }
    return PlanItemFactory(plan=plan, **windows[state])


ITEM_STATES = ["open", "open_in_window", "window_over", "window_ahead", "draft", "closed"]


@pytest.mark.django_db
class TestComment:
    @pytest.mark.parametrize("role", ["anonymous", "citizen"])
    @pytest.mark.parametrize("state", ITEM_STATES)
    def test_plan_item_matrix(self, plan, role, state):
        item = _item(plan, state)
        expected = role == "citizen" and state in ("open", "open_in_window")
        assert allowed(person(role), "participation.comment", item) is expected

    @pytest.mark.parametrize("kind", ["problem", "proposal"])
    @pytest.mark.parametrize("role", ["anonymous", "citizen", "author"])
    @pytest.mark.parametrize("state", STATES)
    def test_content_matrix(self, plan, kind, role, state):
        factory = ProblemFactory if kind == "problem" else ProposalFactory
        content = factory(plan=plan, moderation_state=state)
        expected = role != "anonymous" and state == "published"
        user = person(role, author=content.author)
        assert allowed(user, "participation.comment", content) is expected

    def test_reasons(self, plan):
        with pytest.raises(Conflict) as caught:
            enforce(UserFactory(), "participation.comment", _item(plan, "closed"))
        assert caught.value.code == "comments_closed"
        pending = ProblemFactory(plan=plan, moderation_state="pending")
        with pytest.raises(Conflict) as caught:
            enforce(pending.author, "participation.comment", pending)
        assert caught.value.code == "not_published"


@pytest.mark.django_db
class TestReply:
    @pytest.mark.parametrize("role", ["anonymous", "citizen", "author"])
    @pytest.mark.parametrize("state", STATES)
    @pytest.mark.parametrize("depth", ["top", "reply"])
    def test_matrix_on_a_published_problem(self, plan, role, state, depth):
        problem = ProblemFactory(plan=plan)
        parent = CommentFactory(problem=problem, moderation_state=state)
        if depth == "reply":
            top = CommentFactory(problem=problem)
            parent.parent = top
            parent.save()
        expected = role != "anonymous" and state == "published" and depth == "top"
        user = person(role, author=parent.author)
        assert allowed(user, "participation.reply", parent) is expected

    @pytest.mark.parametrize("target_state", ["pending", "rejected", "hidden"])
    def test_target_no_longer_accepting(self, plan, target_state):
        problem = ProblemFactory(plan=plan, moderation_state=target_state)
        parent = CommentFactory(problem=problem)
        assert not allowed(UserFactory(), "participation.reply", parent)

    def test_closed_item(self, plan):
        parent = CommentFactory(problem=None, plan_item=_item(plan, "closed"))
        with pytest.raises(Conflict) as caught:
            enforce(UserFactory(), "participation.reply", parent)
        assert caught.value.code == "comments_closed"

    def test_reasons(self, plan):
        problem = ProblemFactory(plan=plan)
        pending = CommentFactory(problem=problem, moderation_state="pending")
        with pytest.raises(Conflict):
            enforce(UserFactory(), "participation.reply", pending)
        top = CommentFactory(problem=problem)
        deep = CommentFactory(problem=problem, parent=top)
        with pytest.raises(DomainError) as caught:
            enforce(UserFactory(), "participation.reply", deep)
        assert caught.value.code == "reply_too_deep"


@pytest.mark.django_db
class TestViewTriageReason:
    @pytest.mark.parametrize(
        ("role", "expected"), [("anonymous", False), ("citizen", False), ("author", True)]
    )
    def test_matrix(self, plan, role, expected):
        problem = ProblemFactory(plan=plan)
        user = person(role, author=problem.author)
        assert allowed(user, "participation.view_triage_reason", problem) is expected


PHOTO_ROLES = ["anonymous", "citizen", "author", "moderator", "other_city_moderator"]


def _photo_person(role, problem, moderator, qom_moderator):
    if role == "moderator":
        return moderator
    if role == "other_city_moderator":
        return qom_moderator
    return person(role, author=problem.author)


@pytest.mark.django_db
class TestPhotos:
    @pytest.mark.parametrize("role", PHOTO_ROLES)
    @pytest.mark.parametrize("state", STATES)
    def test_view_matrix(self, plan, moderator, qom_moderator, role, state):
        problem = ProblemFactory(plan=plan, moderation_state=state)
        user = _photo_person(role, problem, moderator, qom_moderator)
        expected = state == "published" or role in ("author", "moderator")
        assert allowed(user, "participation.view_photos", problem) is expected

    @pytest.mark.parametrize("role", PHOTO_ROLES)
    @pytest.mark.parametrize("state", STATES)
    def test_remove_matrix(self, plan, moderator, qom_moderator, role, state):
        problem = ProblemFactory(plan=plan, moderation_state=state)
        user = _photo_person(role, problem, moderator, qom_moderator)
        expected = role == "moderator" or (role == "author" and state == "pending")
        assert allowed(user, "participation.remove_photo", problem) is expected

    def test_the_author_after_review_is_a_conflict(self, plan):
        problem = ProblemFactory(plan=plan, moderation_state="published")
        with pytest.raises(Conflict) as caught:
            enforce(problem.author, "participation.remove_photo", problem)
        assert caught.value.code == "photo_locked"

    def test_someone_else_is_refused(self, plan):
        problem = ProblemFactory(plan=plan, moderation_state="pending")
        with pytest.raises(Refused):
            enforce(UserFactory(), "participation.remove_photo", problem)


LEXICON_ROLES = ["anonymous", "citizen", "planner", "other_planner", "moderator", "superuser"]


def _lexicon_person(role, arak, qom):
    if role == "anonymous":
        return AnonymousUser()
    if role == "planner":
        return StaffRoleFactory(city=arak, role="planner").user
    if role == "other_planner":
        return StaffRoleFactory(city=qom, role="planner").user
    if role == "moderator":
        return StaffRoleFactory(city=arak, role="moderator").user
    if role == "superuser":
        return UserFactory(is_superuser=True)
    return UserFactory()


@pytest.mark.django_db
class TestLexicon:
    @pytest.mark.parametrize("role", LEXICON_ROLES)
    @pytest.mark.parametrize("scope", ["arak", "every_city", "any"])
    def test_matrix(self, arak, qom, role, scope):
        from participation.models import SynonymGroup

        user = _lexicon_person(role, arak, qom)
        target = {
            "arak": SynonymGroup(city=arak, terms="الف\nب"),
            "every_city": SynonymGroup(city=None, terms="الف\nب"),
            "any": None,
        }[scope]
        expected = role == "superuser" or (
            (scope == "arak" and role == "planner")
            or (scope == "any" and role in ("planner", "other_planner"))
        )
        assert allowed(user, "participation.edit_lexicon", target) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["participation.edit_problem", "participation.withdraw_problem"])
class TestEditAndWithdrawOwnPendingProblem:
    """Only the author, only while the problem waits for the moderators."""

    @pytest.mark.parametrize("role", ["anonymous", "citizen", "author", "moderator"])
    @pytest.mark.parametrize("state", [*STATES, "withdrawn"])
    def test_matrix(self, arak, plan, name, role, state):
        author = UserFactory()
        problem = ProblemFactory(plan=plan, author=author, moderation_state=state)
        if role == "moderator":
            user = StaffRoleFactory(city=arak, role="moderator").user
        else:
            user = person(role, author=author)
        expected = role == "author" and state == "pending"
        assert allowed(user, name, problem) is expected

    def test_reasons(self, plan, name):
        author = UserFactory()
        pending = ProblemFactory(plan=plan, author=author, moderation_state="pending")
        with pytest.raises(Refused) as caught:
            enforce(AnonymousUser(), name, pending)
        assert caught.value.code == "sign_in"
        with pytest.raises(Refused) as caught:
            enforce(UserFactory(), name, pending)
        assert caught.value.code == "not_author"
        published = ProblemFactory(plan=plan, author=author)
        with pytest.raises(Conflict) as caught:
            enforce(author, name, published)
        assert caught.value.code == "not_pending"
