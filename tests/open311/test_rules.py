"""Role × city matrix of open311.manage_clients (open311/rules.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.authz import allowed
from tests.factories import StaffRoleFactory, UserFactory


def person(role: str, city, other):
    if role == "anonymous":
        return AnonymousUser()
    if role == "citizen":
        return UserFactory()
    if role == "superuser":
        return UserFactory(is_superuser=True)
    if role.startswith("other_"):
        return StaffRoleFactory(city=other, role=role.removeprefix("other_")).user
    return StaffRoleFactory(city=city, role=role).user


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", False),
        ("citizen", False),
        ("moderator", False),
        ("planner", False),
        ("city_admin", True),
        ("other_city_admin", False),
        ("superuser", True),
    ],
)
def test_manage_clients(arak, qom, role, expected):
    assert allowed(person(role, arak, qom), "open311.manage_clients", arak) is expected
