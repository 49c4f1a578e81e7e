"""The user admin: Jalali dates in and out, and the expert badge only through the service.

Replaces the expertise_verified_at cases of tests/backend/test_admin_jalali.py, which
typed the badge's date by hand: the badge fields are read-only now."""

import datetime

import pytest
from django.utils import timezone

from accounts.models import Activity
from tests.factories import UserFactory


@pytest.fixture
def root(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


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
        "staff_roles-MAX_NUM_FORMS": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_jalali_date_in_persian_digits(client, root):
    user = UserFactory()
    client.force_login(root)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        change_form_data(user, date_joined_0="۱۴۰۴/۰۱/۰۵", date_joined_1="14:30:00"),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    local = timezone.localtime(user.date_joined)
    assert local.date() == datetime.date(2025, 3, 25)
    assert (local.hour, local.minute) == (14, 30)


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["1404/13/01", "1404/12/31", "فردا", "2025-02-30"])
def test_impossible_dates_are_refused_in_persian(client, root, bad):
    user = UserFactory()
    client.force_login(root)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        change_form_data(user, date_joined_0=bad, date_joined_1="10:00"),
    )
    assert response.status_code == 200
    assert "تاریخ نامعتبر" in response.content.decode()


@pytest.mark.django_db
def test_badge_fields_cannot_be_typed_and_the_form_badges_through_the_service(client, root):
    user = UserFactory()
    client.force_login(root)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        change_form_data(
            user,
            expertise="دست‌ساز",
            expertise_verified_at_0="1404/01/05",
            expertise_verified_at_1="10:00",
        ),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.is_expert
    assert user.expertise == ""
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        change_form_data(user, expertise_grant="شهرسازی"),
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_expert
    assert user.expertise == "شهرسازی"
    assert user.expertise_verified_by == root
    entry = Activity.objects.get(action="expertise.verify")
    assert entry.actor == root
    assert entry.object_id == user.pk
    client.post(
        f"/admin/accounts/user/{user.pk}/change/",
        change_form_data(user, expertise_take="on"),
    )
    user.refresh_from_db()
    assert not user.is_expert
    assert Activity.objects.filter(action="expertise.revoke", actor=root).count() == 1


@pytest.mark.django_db
def test_staff_role_added_in_the_admin_is_logged(client, root, arak):
    user = UserFactory()
    client.force_login(root)
    response = client.post(
        "/admin/accounts/staffrole/add/", {"user": user.pk, "city": arak.pk, "role": "moderator"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = Activity.objects.get(action="staff_role.grant")
    assert entry.actor == root
    assert entry.city == arak


@pytest.mark.django_db
def test_admin_cannot_add_or_remove_members_behind_the_services(rf, admin_user, organisation):
    from django.contrib import admin

    from accounts.models import Membership, Organisation
    from tests.factories import MembershipFactory

    MembershipFactory(organisation=organisation)
    request = rf.get("/admin/")
    request.user = admin_user
    organisation_admin = admin.site._registry[Organisation]
    (inline,) = [
        i
        for i in organisation_admin.get_inline_instances(request, organisation)
        if i.model is Membership
    ]
    assert not inline.has_add_permission(request, organisation)
    assert not inline.has_change_permission(request, organisation)
    assert not inline.has_delete_permission(request, organisation)
