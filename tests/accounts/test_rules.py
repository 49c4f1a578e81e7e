"""Role × city matrix: staff powers hold in their own city only."""

import pytest

from accounts import rules as r
from tests.factories import StaffRoleFactory, UserFactory

PREDICATES = {
    "moderator": r.is_city_moderator,
    "planner": r.is_city_planner,
    "city_admin": r.is_city_admin,
}


@pytest.mark.django_db
@pytest.mark.parametrize("held", ["moderator", "planner", "city_admin"])
@pytest.mark.parametrize("asked", ["moderator", "planner", "city_admin"])
def test_role_matrix(arak, qom, held, asked):
    user = StaffRoleFactory(city=qom, role=held).user
    assert PREDICATES[asked].test(user, qom) is (held == asked)
    # A Qom role gives no power in Arak.
    assert PREDICATES[asked].test(user, arak) is False


@pytest.mark.django_db
def test_anonymous_and_plain_users_hold_nothing(arak):
    from django.contrib.auth.models import AnonymousUser

    for user in (AnonymousUser(), UserFactory()):
        for predicate in PREDICATES.values():
            assert predicate.test(user, arak) is False


@pytest.mark.django_db
def test_objects_with_a_city_are_judged_by_their_city(arak, qom, organisation):
    moderator = StaffRoleFactory(city=arak, role="moderator").user
    assert r.is_city_moderator.test(moderator, organisation)  # organisation is in Arak
    assert not r.is_city_moderator.test(StaffRoleFactory(city=qom).user, organisation)


@pytest.mark.django_db
def test_roles_are_read_once_per_user_object(arak, django_assert_num_queries):
    user = StaffRoleFactory(city=arak, role="planner").user
    with django_assert_num_queries(1):
        for _ in range(5):
            r.is_city_planner.test(user, arak)
            r.is_city_moderator.test(user, arak)
