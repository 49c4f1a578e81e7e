"""The admin shows and accepts Jalali dates while the database keeps Gregorian ones."""

import datetime

import pytest
from django.utils import timezone

from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    return client


def change_form_data(user, **overrides):
    data = {
        "username": user.username,
        "phone": user.phone,
        "display_name": user.display_name,
        "is_active": "on",
        "date_joined_0": "1404/01/01",
        "date_joined_1": "09:00:00",
        "staff_roles-TOTAL_FORMS": "0",
        "staff_roles-INITIAL_FORMS": "0",
        "staff_roles-MIN_NUM_FORMS": "0",
        "staff_roles-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_admin_accepts_jalali_date_in_persian_digits(admin_client):
    user = UserFactory()
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        change_form_data(user, date_joined_0="۱۴۰۴/۰۱/۰۵", date_joined_1="14:30:00"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    local = timezone.localtime(user.date_joined)
    assert local.date() == datetime.date(2025, 3, 25)
    assert (local.hour, local.minute) == (14, 30)


@pytest.mark.django_db
def test_admin_shows_jalali_dates(admin_client):
    user = UserFactory()
    user.date_joined = timezone.make_aware(datetime.datetime(2025, 3, 21, 9, 0))
    user.save()
    html = admin_client.get(f"/admin/accounts/user/{user.pk}/change/").content.decode()
    assert 'value="1404/01/01"' in html
    listing = admin_client.get("/admin/accounts/user/").content.decode()
    assert "1404/01/01 09:00" in listing


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["1404/13/01", "1404/12/31", "فردا", "2025-02-30"])
def test_admin_refuses_impossible_dates_with_a_persian_message(admin_client, bad):
    user = UserFactory()
    response = admin_client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        change_form_data(user, date_joined_0=bad, date_joined_1="10:00"),
    )
    assert response.status_code == 200
    assert "تاریخ نامعتبر" in response.content.decode()
    before = user.date_joined
    user.refresh_from_db()
    assert user.date_joined == before


@pytest.mark.django_db
def test_every_admin_page_opens(admin_client, organisation):
    from django.contrib import admin

    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        url = f"/admin/{meta.app_label}/{meta.model_name}/"
        assert admin_client.get(url).status_code == 200, url
        # Append-only records (moderation decisions, queue, reports) have no add page.
        request = admin_client.request().wsgi_request
        expected = 200 if model_admin.has_add_permission(request) else 403
        assert admin_client.get(url + "add/").status_code == expected, url


@pytest.mark.django_db
def test_planner_authors_an_item_with_a_jalali_comment_window(admin_client):
    from planning.models import PlanItem
    from tests.factories import PlanFactory

    plan = PlanFactory()
    response = admin_client.post(
        "/admin/planning/planitem/add/",
        {
            "plan": plan.pk,
            "kind": "goal",
            "code": "۳",
            "title": "کاهش آلودگی هوا",
            "body": "",
            "status": "open",
            "comment_opens_at_0": "۱۴۰۴/۰۷/۰۱",
            "comment_opens_at_1": "08:00",
            "comment_closes_at_0": "1404/08/01",
            "comment_closes_at_1": "08:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    item = PlanItem.objects.get(plan=plan)
    assert item.code == "3"
    assert timezone.localtime(item.comment_opens_at).date() == datetime.date(2025, 9, 23)
    assert timezone.localtime(item.comment_closes_at).date() == datetime.date(2025, 10, 23)
