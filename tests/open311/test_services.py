"""Issuing and revoking keys: only hashes stored, the activity log, the command, the page."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Activity
from backend.errors import Conflict, DomainError, Refused
from open311.models import Open311Client
from open311.services import client_for_key, client_issue, client_revoke
from tests.factories import StaffRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_issue_stores_only_a_hash(arak, city_admin):
    client, raw_key = client_issue(actor=city_admin, city=arak, name="اپ", contact="a@b.ir")
    stored = Open311Client.objects.get(pk=client.pk)
    assert raw_key not in str(Open311Client.objects.filter(pk=client.pk).values().first())
    assert stored.key_hash == hashlib.sha256(raw_key.encode()).hexdigest()
    assert raw_key.startswith(stored.key_prefix + ".")
    assert client_for_key(raw_key) == stored
    activity = Activity.objects.get(action="open311.client_issue")
    assert (activity.actor, activity.city, activity.object_id) == (city_admin, arak, client.pk)
    assert raw_key not in str(activity.after)


def test_issue_is_refused_to_others(arak, qom):
    for user in (
        UserFactory(),
        StaffRoleFactory(city=qom, role="city_admin").user,
        StaffRoleFactory(city=arak, role="planner").user,
    ):
        with pytest.raises(Refused):
            client_issue(actor=user, city=arak, name="x")
    assert not Open311Client.objects.exists()


def test_names(arak, city_admin):
    with pytest.raises(DomainError):
        client_issue(actor=city_admin, city=arak, name="  \u200c ")
    client_issue(actor=city_admin, city=arak, name="اپ")
    with pytest.raises(Conflict):
        client_issue(actor=city_admin, city=arak, name="اپ")


def test_revoke(arak, city_admin, qom):
    client, raw_key = client_issue(actor=city_admin, city=arak, name="اپ")
    with pytest.raises(Refused):
        client_revoke(actor=StaffRoleFactory(city=qom, role="city_admin").user, client=client)
    client_revoke(actor=city_admin, client=client)
    with pytest.raises(Refused) as caught:
        client_for_key(raw_key)
    assert caught.value.code == "api_key_revoked"
    client.account.refresh_from_db()
    assert not client.account.is_active
    assert Activity.objects.filter(action="open311.client_revoke").count() == 1
    client_revoke(actor=city_admin, client=client)  # again: nothing more recorded
    assert Activity.objects.filter(action="open311.client_revoke").count() == 1


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "x",
        "abcd1234",
        "abcd1234.",
        "." * 500,
        "\u0000",
        "abcd1234.\u0000x",
        "é" * 20,
        "k" * 300,
    ],
)
def test_bad_keys(arak, city_admin, raw):
    client_issue(actor=city_admin, city=arak, name="اپ")
    with pytest.raises(Refused):
        client_for_key(raw)


def test_command(arak, city_admin):
    out = StringIO()
    call_command("open311_key", "arak", "سامانه‌ی ۱۳۷", stdout=out)
    raw_key = out.getvalue().split("api_key: ")[1].split()[0]
    assert client_for_key(raw_key).name == "سامانه‌ی ۱۳۷"
    assert Activity.objects.get(action="open311.client_issue").actor is None
    with pytest.raises(CommandError):
        call_command("open311_key", "nowhere", "x", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("open311_key", "arak", "y", "--by", UserFactory().username, stdout=StringIO())


def test_page_issue_shows_the_key_once_and_revokes(client, arak, city_admin):
    client.force_login(city_admin)
    url = f"/cities/{arak.slug}/open311/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "اپ محله", "contact": "dev@example.com"})
    assert response.status_code == 200
    made = Open311Client.objects.get()
    page = response.content.decode()
    assert f"{made.key_prefix}." in page
    assert 'data-testid="raw-key-value"' in page
    again = client.get(url).content.decode()
    assert 'data-testid="raw-key-value"' not in again
    assert "اپ محله" in again
    response = client.post(url, {"revoke": made.pk})
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.revoked_at is not None


def test_page_is_for_the_citys_admins(client, arak, qom):
    url = f"/cities/{arak.slug}/open311/"
    assert client.get(url).status_code == 302  # sign in first
    client.force_login(StaffRoleFactory(city=qom, role="city_admin").user)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "x"}).status_code == 403
    assert not Open311Client.objects.exists()
