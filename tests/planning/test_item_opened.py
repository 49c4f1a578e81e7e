"""Opening a plan item for comment (in the admin, where planners author the tree) tells the
followers of the item and of its plan, once each, not the planner who saved it
(planning.changes → participation.services.plan_item_opened_notify)."""

import pytest

from accounts.models import Notification
from participation.models import Follow
from planning.models import PlanItem
from tests.factories import PlanFactory, PlanItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def form(item, **changes):
    data = {
        "plan": item.plan_id,
        "kind": item.kind,
        "code": item.code,
        "title": item.title,
        "body": item.body,
        "status": item.status,
    }
    return {**data, **changes}


def told():
    return Notification.objects.filter(kind="follow.item_opened")


def test_opening_an_item_tells_its_and_its_plans_followers_once(admin_client, admin_user):
    plan = PlanFactory()
    item = PlanItemFactory(plan=plan, code="1", status=PlanItem.Status.DRAFT)
    item_fan, plan_fan, both = UserFactory.create_batch(3)
    Follow.objects.create(user=item_fan, plan_item=item)
    Follow.objects.create(user=plan_fan, plan=plan)
    Follow.objects.create(user=both, plan_item=item)
    Follow.objects.create(user=both, plan=plan)
    Follow.objects.create(user=admin_user, plan=plan)
    url = f"/admin/planning/planitem/{item.pk}/change/"
    response = admin_client.post(url, form(item, status="open"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(told().values_list("user_id", flat=True)) == sorted(
        [item_fan.pk, plan_fan.pk, both.pk]
    )
    payload = told().first().payload
    assert payload["plan_item"] == {"id": item.pk, "code": "1", "title": item.title}
    assert payload["plan"] == plan.pk
    # Saving it again open, or closing it, tells nobody more.
    admin_client.post(url, form(item, status="open", title="عنوان تازه"))
    admin_client.post(url, form(item, status="closed"))
    assert told().count() == 3


def test_a_new_item_added_open_tells_the_plans_followers(admin_client):
    plan = PlanFactory()
    fan = UserFactory()
    Follow.objects.create(user=fan, plan=plan)
    response = admin_client.post(
        "/admin/planning/planitem/add/",
        {"plan": plan.pk, "kind": "goal", "code": "۵", "title": "هوای پاک", "status": "open"},
    )
    assert response.status_code == 302
    assert list(told().values_list("user_id", flat=True)) == [fan.pk]


def test_a_draft_item_tells_nobody(admin_client):
    plan = PlanFactory()
    Follow.objects.create(user=UserFactory(), plan=plan)
    admin_client.post(
        "/admin/planning/planitem/add/",
        {"plan": plan.pk, "kind": "goal", "code": "6", "title": "پیش‌نویس", "status": "draft"},
    )
    assert PlanItem.objects.filter(plan=plan).exists()
    assert not told().exists()


def test_opening_items_in_the_plans_inline_tells_too(admin_client):
    plan = PlanFactory()
    item = PlanItemFactory(plan=plan, code="1", status=PlanItem.Status.DRAFT)
    fan = UserFactory()
    Follow.objects.create(user=fan, plan_item=item)
    data = {
        "city": plan.city_id,
        "title": plan.title,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "phase": plan.phase,
        "moderation_mode": plan.moderation_mode,
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "1",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
        "items-0-id": item.pk,
        "items-0-plan": plan.pk,
        "items-0-code": item.code,
        "items-0-kind": item.kind,
        "items-0-title": item.title,
        "items-0-status": "open",
    }
    response = admin_client.post(f"/admin/planning/plan/{plan.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(told().values_list("user_id", flat=True)) == [fan.pk]
