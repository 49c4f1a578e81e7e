"""Role x state matrices of every moderation permission (moderation/rules.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.authz import allowed, authorise
from backend.errors import Refused
from moderation.models import Appeal, Decision, QueueEntry
from tests.factories import ProblemFactory, StaffRoleFactory, UserFactory

ROLES = ["anonymous", "citizen", "author", "other_city_moderator", "moderator", "city_admin"]
STATES = ["pending", "published", "hidden", "rejected"]


@pytest.fixture
def people(arak, qom):
    author = UserFactory()
    return {
        "anonymous": AnonymousUser(),
        "citizen": UserFactory(),
        "author": author,
        "other_city_moderator": StaffRoleFactory(city=qom, role="moderator").user,
        "moderator": StaffRoleFactory(city=arak, role="moderator").user,
        "city_admin": StaffRoleFactory(city=arak, role="city_admin").user,
    }


def content_in(state, people, plan):
    return ProblemFactory(plan=plan, author=people["author"], moderation_state=state)


def entry_for(problem, *, reason="new", appeal=None):
    return QueueEntry.objects.create(
        problem=problem, city_id=problem.plan.city_id, reason=reason, appeal=appeal
    )


def decision_on(problem, entry, moderator, outcome="reject"):
    return Decision.objects.create(
        problem=problem,
        entry=entry,
        city_id=entry.city_id,
        moderator=moderator,
        author_id=problem.author_id,
        outcome=outcome,
        previous_state="pending",
        new_state="rejected" if outcome == "reject" else "published",
    )


def check(user, name, obj, expected):
    assert allowed(user, name, obj) is expected
    if not expected:
        with pytest.raises(Refused) as error:
            authorise(user, name, obj)
        assert error.value.status == 403
        assert error.value.message


CITY_STAFF = {
    "moderation.moderate_city": {"moderator"},
    "moderation.read_audit": {"moderator", "city_admin"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(CITY_STAFF))
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("as_id", [False, True])
def test_city_permissions(people, arak, name, role, as_id):
    check(people[role], name, arak.pk if as_id else arak, role in CITY_STAFF[name])


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["moderation.claim", "moderation.release"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_claim_and_release(people, plan, name, role, state):
    entry = entry_for(content_in(state, people, plan))
    check(people[role], name, entry, role == "moderator")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_decide(people, plan, role, state):
    entry = entry_for(content_in(state, people, plan))
    check(people[role], "moderation.decide", entry, role == "moderator")


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_a_moderator_never_decides_on_own_content(people, plan, state):
    moderator = people["moderator"]
    own = ProblemFactory(plan=plan, author=moderator, moderation_state=state)
    check(moderator, "moderation.decide", entry_for(own), False)
    check(moderator, "moderation.claim", entry_for(own), False)  # nor claims it


@pytest.mark.django_db
def test_claiming_own_content_is_refused_by_the_service(people, plan):
    from moderation.services import queue_claim

    moderator = people["moderator"]
    entry = entry_for(ProblemFactory(plan=plan, author=moderator, moderation_state="pending"))
    with pytest.raises(Refused) as error:
        queue_claim(moderator=moderator, entry_id=entry.pk)
    assert error.value.code == "own_content"


@pytest.mark.django_db
def test_an_appeal_goes_to_another_moderator(people, plan, arak):
    problem = content_in("pending", people, plan)
    first = people["moderator"]
    second = StaffRoleFactory(city=arak, role="moderator").user
    rejection = decision_on(problem, entry_for(problem), first)
    appeal = Appeal.objects.create(decision=rejection, author=people["author"], message="m")
    appeal_entry = entry_for(problem, reason="appeal", appeal=appeal)
    check(first, "moderation.decide", appeal_entry, False)
    check(second, "moderation.decide", appeal_entry, True)


VIEW = {  # state -> roles that see the content
    "published": set(ROLES),
    "pending": {"author"},
    "hidden": {"author"},
    "rejected": {"author"},
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_view_content(people, plan, role, state):
    check(
        people[role],
        "moderation.view_content",
        content_in(state, people, plan),
        role in VIEW[state],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("state", STATES)
def test_report(people, plan, role, state):
    expected = state == "published" and role not in {"anonymous", "author"}
    check(people[role], "moderation.report", content_in(state, people, plan), expected)


APPEAL_CASES = {
    # case -> (outcome, decided on an appeal, already appealed): may the author appeal?
    "rejection": ("reject", False, False, True),
    "approval": ("approve", False, False, False),
    "rejection upheld on appeal": ("reject", True, False, False),
    "already appealed": ("reject", False, True, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("case", sorted(APPEAL_CASES))
def test_appeal(people, plan, role, case):
    outcome, on_appeal, appealed, author_may = APPEAL_CASES[case]
    problem = content_in("rejected", people, plan)
    entry = entry_for(problem)
    if on_appeal:
        first = decision_on(problem, entry, people["moderator"])
        earlier = Appeal.objects.create(decision=first, author=people["author"], message="m")
        entry = entry_for(problem, reason="appeal", appeal=earlier)
    decision = decision_on(problem, entry, people["moderator"], outcome)
    if appealed:
        Appeal.objects.create(decision=decision, author=people["author"], message="m")
        decision = Decision.objects.select_related("entry", "appeal").get(pk=decision.pk)
    check(people[role], "moderation.appeal", decision, role == "author" and author_may)
