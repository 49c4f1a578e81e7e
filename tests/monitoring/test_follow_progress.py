"""Followers of a plan item, of its plan or of a problem it addresses hear a verified value
of a linked indicator and the item's monitoring state (`follow.progress`) — unless
`monitoring.progress` told them already, and never the planner who acted."""

import pytest

from accounts.models import Notification
from inventory.models import InventoryEntry
from monitoring.notify import FOLLOWED, PROGRESS
from monitoring.services import baseline_set, indicator_link_set, item_monitoring_set, target_set
from participation.models import Follow
from tests.factories import ProblemFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked(planner, make_indicator, goal):
    indicator = make_indicator("e_services", unit="درصد")
    indicator_link_set(actor=planner, indicator=indicator, plan_item=goal, weight=1)
    baseline_set(actor=planner, indicator=indicator, value=0, year=1403)
    target_set(actor=planner, indicator=indicator, year=1404, value=100)
    return indicator


def test_a_verified_value_tells_each_follower_once(
    django_capture_on_commit_callbacks, plan, goal, linked, verified, planner2, citizen
):
    entry = InventoryEntry.objects.create(plan=plan, code="P-1", title="ترافیک")
    entry.addressed_by.add(goal)
    problem = ProblemFactory(plan=plan, author=citizen, inventory_entry=entry)
    item_fan, plan_fan, problem_fan, everything = UserFactory.create_batch(4)
    Follow.objects.create(user=item_fan, plan_item=goal)
    Follow.objects.create(user=plan_fan, plan=plan)
    Follow.objects.create(user=problem_fan, problem=problem)
    for target in ({"plan_item": goal}, {"plan": plan}, {"problem": problem}):
        Follow.objects.create(user=everything, **target)
    Follow.objects.create(user=citizen, problem=problem)  # the author: told by PROGRESS
    Follow.objects.create(user=planner2, plan=plan)  # the verifier
    with django_capture_on_commit_callbacks(execute=True):
        verified(linked, 1404, 3, 40)
    followed = Notification.objects.filter(kind=FOLLOWED)
    assert sorted(followed.values_list("user_id", flat=True)) == sorted(
        [item_fan.pk, plan_fan.pk, problem_fan.pk, everything.pk]
    )
    assert list(Notification.objects.filter(kind=PROGRESS).values_list("user_id", flat=True)) == [
        citizen.pk
    ]
    assert not Notification.objects.filter(user=citizen, kind=FOLLOWED).exists()
    payload = followed.first().payload
    assert payload["event"] == "measurement"
    assert payload["plan_item"]["id"] == goal.pk
    assert payload["indicator"]["code"] == "e_services"


def test_an_item_state_change_tells_its_followers_not_the_actor(
    django_capture_on_commit_callbacks, planner, goal
):
    fan = UserFactory()
    Follow.objects.create(user=fan, plan_item=goal)
    Follow.objects.create(user=planner, plan_item=goal)
    with django_capture_on_commit_callbacks(execute=True):
        item_monitoring_set(actor=planner, plan_item=goal, state="cancelled", reason="بودجه نیست")
    assert list(Notification.objects.filter(kind=FOLLOWED).values_list("user_id", flat=True)) == [
        fan.pk
    ]
    assert Notification.objects.get(kind=FOLLOWED).payload["state"] == "cancelled"
