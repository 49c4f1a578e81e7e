import pytest

from accounts.models import Activity
from backend.errors import Conflict
from moderation.services import LIFECYCLE, Move, content_transition, initial_state, outcomes_from
from tests.factories import ExpertFactory, MembershipFactory, ProblemFactory, UserFactory

STATES = ["pending", "published", "rejected", "hidden", "withdrawn"]
MOVES = [m.value for m in Move]

# The lifecycle written out once more, by hand: the table in the service must say this.
EXPECTED = {
    ("pending", "approve"): "published",
    ("published", "approve"): "published",
    ("rejected", "approve"): "published",
    ("hidden", "approve"): "published",
    ("pending", "reject"): "rejected",
    ("rejected", "reject"): "rejected",
    ("hidden", "reject"): "rejected",
    ("published", "hide"): "hidden",
    ("hidden", "hide"): "hidden",
    ("hidden", "restore"): "published",
    ("rejected", "appeal"): "pending",
    ("published", "hide_by_reports"): "hidden",
    ("pending", "withdraw"): "withdrawn",
}


def test_the_table_is_the_documented_lifecycle():
    assert {(s, str(m)): e for (s, m), e in LIFECYCLE.items()} == EXPECTED


@pytest.mark.django_db
@pytest.mark.parametrize("start", STATES)
@pytest.mark.parametrize("move", MOVES)
def test_every_state_and_move(start, move):
    problem = ProblemFactory(moderation_state=start)
    actor = UserFactory()
    expected = EXPECTED.get((start, move))
    if expected is None:
        with pytest.raises(Conflict) as error:
            content_transition(content=problem, move=move, actor=actor)
        assert error.value.code == "invalid_transition"
        assert "معنا ندارد" in error.value.message
        problem.refresh_from_db()
        assert problem.moderation_state == start
        assert not Activity.objects.filter(action="content.state").exists()
        return
    before, after = content_transition(content=problem, move=move, actor=actor)
    assert (before, after) == (start, expected)
    problem.refresh_from_db()
    assert problem.moderation_state == expected
    entries = Activity.objects.filter(action="content.state")
    if expected == start:  # a decision that keeps the state moves nothing
        assert not entries.exists()
        return
    assert problem.moderation_changed_at is not None
    entry = entries.get()
    assert entry.actor == actor
    assert entry.object_type == "problem"
    assert entry.object_id == problem.pk
    assert entry.city_id == problem.plan.city_id
    assert entry.before == {"state": start}
    assert entry.after == {"state": expected, "move": move}


@pytest.mark.parametrize("state", STATES)
def test_outcomes_offered_follow_the_table(state):
    assert outcomes_from(state) == [
        o for o in ("approve", "reject", "hide", "restore") if (state, o) in EXPECTED
    ]


@pytest.mark.django_db
def test_initial_state_follows_plan_settings(organisation):
    citizen = ProblemFactory().author
    expert = ExpertFactory()
    ngo_member = MembershipFactory(organisation=organisation).user

    def start(author, *, post=False, trusted=False):
        return initial_state(author=author, post_moderation=post, trusted_publish_at_once=trusted)

    assert start(expert) == "pending"
    assert start(citizen, post=True) == "published"
    assert start(citizen, trusted=True) == "pending"
    assert start(expert, trusted=True) == "published"
    assert start(ngo_member, trusted=True) == "published"
