import pytest

from backend.errors import Conflict
from moderation.services import content_set_state, initial_state
from tests.factories import ExpertFactory, MembershipFactory, ProblemFactory

ALLOWED = [
    ("pending", "published"),
    ("pending", "rejected"),
    ("published", "hidden"),
    ("hidden", "published"),
    ("rejected", "pending"),
    ("rejected", "published"),
]
ALL = ["pending", "published", "rejected", "hidden"]


@pytest.mark.django_db
@pytest.mark.parametrize("start", ALL)
@pytest.mark.parametrize("end", ALL)
def test_lifecycle_matrix(start, end):
    problem = ProblemFactory(moderation_state=start)
    if (start, end) in ALLOWED:
        content_set_state(content=problem, state=end)
        problem.refresh_from_db()
        assert problem.moderation_state == end and problem.moderation_changed_at
    else:
        with pytest.raises(Conflict):
            content_set_state(content=problem, state=end)
        problem.refresh_from_db()
        assert problem.moderation_state == start


@pytest.mark.django_db
def test_unknown_state():
    with pytest.raises(Conflict):
        content_set_state(content=ProblemFactory(), state="deleted")


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
