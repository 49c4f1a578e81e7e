"""Closing the loop with citizens: people who reported or supported a problem whose inventory
entry a plan item addresses hear when the item's indicator publishes a verified value or the
item's monitoring state changes — once per person per event, after commit, in a constant
number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification
from inventory.models import InventoryEntry
from monitoring.notify import PROGRESS, progress_on_measurement
from monitoring.services import (
    baseline_set,
    indicator_link_set,
    item_monitoring_set,
    measurement_correct,
    measurement_enter,
    target_set,
)
from participation.models import Support
from tests.factories import ProblemFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(plan, goal):
    entry = InventoryEntry.objects.create(plan=plan, code="P-1", title="ترافیک مرکز شهر")
    entry.addressed_by.add(goal)
    return entry


@pytest.fixture
def problem(plan, entry, citizen):
    return ProblemFactory(plan=plan, author=citizen, inventory_entry=entry)


@pytest.fixture
def linked(planner, make_indicator, goal):
    indicator = make_indicator("e_services", unit="درصد")
    indicator_link_set(actor=planner, indicator=indicator, plan_item=goal, weight=1)
    baseline_set(actor=planner, indicator=indicator, value=0, year=1403)
    target_set(actor=planner, indicator=indicator, year=1404, value=100)
    return indicator


def supporters(problem, count):
    users = UserFactory.create_batch(count)
    Support.objects.bulk_create([Support(problem=problem, user=user) for user in users])
    return users


def progress():
    return Notification.objects.filter(kind=PROGRESS)


def test_a_verified_value_notifies_the_author_and_supporters_once_after_commit(
    django_capture_on_commit_callbacks, planner, planner2, linked, problem, citizen, goal
):
    people = supporters(problem, 2)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        row = measurement_enter(
            actor=planner, indicator=linked, year=1404, period=3, value=40, submit=True
        )
        from monitoring.services import measurement_verify

        measurement_verify(actor=planner2, measurement=row)
    assert not progress().exists()  # nothing before the commit
    for callback in callbacks:
        callback()
    sent = list(progress().order_by("user_id"))
    assert sorted(n.user_id for n in sent) == sorted([citizen.pk, *(u.pk for u in people)])
    payload = sent[0].payload
    assert payload["event"] == "measurement"
    assert payload["plan_item"] == {"id": goal.pk, "code": goal.code, "title": goal.title}
    assert payload["indicator"]["code"] == "e_services"
    assert payload["value"] == "40.000000"
    assert payload["realisation"] == "0.4000"
    assert payload["item_realisation"] == {str(goal.pk): "0.4000"}
    assert payload["year"] == 1404
    assert payload["period"] == 3


def test_a_correction_is_a_new_event(
    django_capture_on_commit_callbacks, planner, linked, problem, verified
):
    with django_capture_on_commit_callbacks(execute=True):
        row = verified(linked, 1404, 3, 40)
    with django_capture_on_commit_callbacks(execute=True):
        measurement_correct(actor=planner, measurement=row, value=45, reason="خطای ورود")
    payloads = [n.payload for n in progress().order_by("id")]
    assert [p["value"] for p in payloads] == ["40.000000", "45.000000"]
    assert payloads[1]["corrected"] is True


def test_one_notification_per_person_however_many_ways_they_are_linked(
    django_capture_on_commit_callbacks, plan, planner, linked, problem, citizen, strategy, goal
):
    # the citizen also supports a second problem, addressed by a second linked item
    other = InventoryEntry.objects.create(plan=plan, code="P-2", title="پیاده‌روها")
    other.addressed_by.add(strategy)
    second = ProblemFactory(plan=plan, inventory_entry=other)
    Support.objects.create(problem=second, user=citizen)
    Support.objects.create(problem=problem, user=second.author)
    indicator_link_set(actor=planner, indicator=linked, plan_item=strategy, weight=2)
    with django_capture_on_commit_callbacks(execute=True):
        from monitoring.services import measurement_verify

        row = measurement_enter(
            actor=planner, indicator=linked, year=1404, period=3, value=40, submit=True
        )
        verifier = _second_planner(plan)
        measurement_verify(actor=verifier, measurement=row)
    sent = list(progress())
    assert sorted(n.user_id for n in sent) == sorted([citizen.pk, second.author_id])
    mine = next(n for n in sent if n.user_id == citizen.pk)
    assert {item["id"] for item in mine.payload["plan_items"]} == {goal.pk, strategy.pk}


def _second_planner(plan):
    from tests.factories import StaffRoleFactory

    return StaffRoleFactory(city=plan.city, role="planner").user


def test_unpublished_problems_unlinked_indicators_and_drafts_notify_nobody(
    django_capture_on_commit_callbacks, plan, planner, make_indicator, linked, entry, verified
):
    ProblemFactory(plan=plan, inventory_entry=entry, moderation_state="pending")
    with django_capture_on_commit_callbacks(execute=True):
        verified(linked, 1404, 3, 40)
    loose = make_indicator("loose")
    ProblemFactory(plan=plan, inventory_entry=entry)
    with django_capture_on_commit_callbacks(execute=True):
        verified(loose, 1404, 3, 40)
    assert not progress().exists()
    draft = measurement_enter(actor=planner, indicator=linked, year=1404, period=4, value=1)
    assert progress_on_measurement(draft) == []


@pytest.mark.parametrize("count", [1, 20])
def test_the_notification_costs_the_same_queries_for_1_or_20_supporters(
    planner, linked, problem, verified, count, django_capture_on_commit_callbacks
):
    supporters(problem, count)
    with django_capture_on_commit_callbacks(execute=False):
        row = verified(linked, 1404, 3, 40)
    with CaptureQueriesContext(connection) as queries:
        sent = progress_on_measurement(row)
    assert len(sent) == count + 1
    # links, authors, supporters, the stored roll-up (its stamp, then the row: this process
    # has not decoded it yet), one bulk insert, and the item's followers (none here;
    # participation.services.followers_notify)
    assert len(queries) == 7


def test_a_state_change_of_the_item_notifies_its_people(
    django_capture_on_commit_callbacks, planner, goal, problem, citizen
):
    supporters(problem, 1)
    with django_capture_on_commit_callbacks(execute=True):
        item_monitoring_set(actor=planner, plan_item=goal, state="cancelled", reason="بودجه نیست")
    sent = list(progress())
    assert len(sent) == 2
    payload = sent[0].payload
    assert payload["event"] == "item_state"
    assert payload["state"] == "cancelled"
    assert payload["before"] == "active"
    assert payload["reason"] == "بودجه نیست"
    assert payload["plan_item"]["id"] == goal.pk
    # the same state again is no change: no notification
    with django_capture_on_commit_callbacks(execute=True):
        item_monitoring_set(actor=planner, plan_item=goal, state="cancelled", reason="بودجه نیست")
    assert progress().count() == 2


def test_progress_can_be_muted_for_bulk_writers(
    django_capture_on_commit_callbacks, planner, goal, linked, problem, verified
):
    from monitoring.notify import progress_muted

    with progress_muted(), django_capture_on_commit_callbacks(execute=True):
        verified(linked, 1404, 3, 40)
        item_monitoring_set(actor=planner, plan_item=goal, state="cancelled", reason="بودجه نیست")
    assert not progress().exists()
