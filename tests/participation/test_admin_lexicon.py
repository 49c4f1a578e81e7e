"""The synonym lexicon in the admin: planners keep their city's groups, see the groups for
every city, and nothing of other cities; writes go through the service."""

import pytest

from accounts.models import Activity
from participation.models import SynonymGroup
from tests.factories import StaffRoleFactory, UserFactory

URL = "/admin/participation/synonymgroup/"


@pytest.fixture
def planner(arak):
    user = StaffRoleFactory(city=arak, role="planner").user
    user.is_staff = True
    user.save()
    return user


def test_a_planner_adds_a_group_for_their_city(client, planner, arak):
    client.force_login(planner)
    assert client.get(URL).status_code == 200
    answer = client.post(
        f"{URL}add/", {"city": arak.pk, "terms": "ازدحام\nشلوغی\nازدحام", "active": "on"}
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    group = SynonymGroup.objects.get(city=arak)
    assert group.term_list() == ["ازدحام", "شلوغی"]  # the repeat dropped
    assert Activity.objects.filter(action="lexicon.save", city_id=arak.pk).exists()


def test_a_group_needs_two_different_words(client, planner, arak):
    client.force_login(planner)
    answer = client.post(f"{URL}add/", {"city": arak.pk, "terms": "فقط یکی", "active": "on"})
    assert answer.status_code == 200
    assert "دست‌کم دو واژه" in answer.content.decode()
    assert not SynonymGroup.objects.filter(city=arak).exists()


def test_groups_for_every_city_are_read_only_to_planners(client, planner):
    seeded = SynonymGroup.objects.filter(city=None).first()
    assert seeded is not None  # the migration's groups
    client.force_login(planner)
    assert client.get(f"{URL}{seeded.pk}/change/").status_code == 200
    answer = client.post(f"{URL}{seeded.pk}/change/", {"terms": "الف\nب", "active": "on"})
    assert answer.status_code == 403
    assert SynonymGroup.objects.get(pk=seeded.pk).terms == seeded.terms
    assert client.post(f"{URL}{seeded.pk}/delete/", {"post": "yes"}).status_code == 403


def test_another_citys_planner_sees_none_of_it(client, arak, qom):
    group = SynonymGroup.objects.create(city=arak, terms="ازدحام\nشلوغی")
    other = StaffRoleFactory(city=qom, role="planner").user
    other.is_staff = True
    other.save()
    client.force_login(other)
    assert client.get(f"{URL}{group.pk}/change/").status_code in (302, 404)
    listing = client.get(URL).content.decode()
    assert "ازدحام" not in listing


def test_staff_without_a_planner_role_is_kept_out(client, arak):
    moderator = StaffRoleFactory(city=arak, role="moderator").user
    moderator.is_staff = True
    moderator.save()
    client.force_login(moderator)
    assert client.get(URL).status_code == 403
    assert client.get(f"{URL}add/").status_code == 403
    citizen = UserFactory(is_staff=True)
    client.force_login(citizen)
    assert client.get(URL).status_code == 403


def test_a_superuser_keeps_the_groups_for_every_city(client, arak):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    answer = client.post(f"{URL}add/", {"city": "", "terms": "سایه‌بان\nسایبان", "active": "on"})
    assert answer.status_code == 302
    group = SynonymGroup.objects.filter(city=None).latest("id")
    client.post(f"{URL}{group.pk}/delete/", {"post": "yes"})
    assert not SynonymGroup.objects.filter(pk=group.pk).exists()
    assert Activity.objects.filter(action="lexicon.delete").exists()
