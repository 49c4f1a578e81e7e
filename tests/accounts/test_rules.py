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


# The registered permissions: role × state matrices ------------------------------------

ROLES = ["anonymous", "citizen", "moderator", "planner", "city_admin", "qom_admin", "superuser"]


def _user(role, arak, qom):
    from django.contrib.auth.models import AnonymousUser

    if role == "anonymous":
        return AnonymousUser()
    if role == "citizen":
        return UserFactory()
    if role == "superuser":
        return UserFactory(is_superuser=True, is_staff=True)
    if role == "qom_admin":
        return StaffRoleFactory(city=qom, role="city_admin").user
    return StaffRoleFactory(city=arak, role=role).user


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("membership", [None, "member", "admin"])
@pytest.mark.parametrize("status", ["pending", "verified", "suspended"])
def test_verify_organisation_matrix(arak, qom, role, membership, status):
    from backend.authz import allowed
    from tests.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory(city=arak, status=status)
    user = _user(role, arak, qom)
    if membership and role != "anonymous":
        MembershipFactory(organisation=organisation, user=user, role=membership)
    expected = role == "city_admin" and membership is None
    assert allowed(user, "accounts.verify_organisation", organisation) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("membership", [None, "member", "admin"])
def test_manage_members_matrix(arak, qom, role, membership):
    from backend.authz import allowed
    from tests.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory(city=arak)
    user = _user(role, arak, qom)
    if membership and role != "anonymous":
        MembershipFactory(organisation=organisation, user=user, role=membership)
    expected = membership == "admin" and role != "anonymous"
    assert allowed(user, "accounts.manage_members", organisation) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("membership", [None, "member", "admin"])
def test_invite_and_leave_matrix(arak, qom, role, membership):
    from backend.authz import allowed
    from tests.factories import MembershipFactory, OrganisationFactory

    organisation = OrganisationFactory(city=arak)
    user = _user(role, arak, qom)
    if membership and role != "anonymous":
        MembershipFactory(organisation=organisation, user=user, role=membership)
    signed_in = role != "anonymous"
    invite = membership == "admin" and signed_in
    assert allowed(user, "accounts.invite_member", organisation) is invite
    leave = membership is not None and signed_in
    assert allowed(user, "accounts.leave_organisation", organisation) is leave


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("invited", [True, False])
def test_answer_invitation_matrix(arak, qom, role, invited):
    from accounts.models import Invitation
    from backend.authz import allowed
    from tests.factories import OrganisationFactory

    user = _user(role, arak, qom)
    if role != "anonymous":
        user.phone = "09125550000"
        user.save()
    invitation = Invitation.objects.create(
        organisation=OrganisationFactory(city=arak),
        phone="09125550000" if invited else "09125550001",
    )
    expected = invited and role != "anonymous"
    assert allowed(user, "accounts.answer_invitation", invitation) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_review_organisations_matrix(arak, qom, role):
    from backend.authz import allowed

    user = _user(role, arak, qom)
    expected = role in ("city_admin", "qom_admin")
    assert allowed(user, "accounts.review_organisations") is expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("target", ["arak", "arak_id", "qom"])
def test_read_activity_matrix(arak, qom, role, target):
    from backend.authz import allowed

    user = _user(role, arak, qom)
    obj = {"arak": arak, "arak_id": arak.pk, "qom": qom}[target]
    expected = (role == "city_admin" and target != "qom") or (
        role == "qom_admin" and target == "qom"
    )
    assert allowed(user, "accounts.read_activity", obj) is expected


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("badged", [False, True])
def test_verify_expertise_matrix(arak, qom, role, badged):
    from django.utils import timezone

    from backend.authz import allowed

    target = UserFactory(expertise_verified_at=timezone.now() if badged else None)
    user = _user(role, arak, qom)
    assert allowed(user, "accounts.verify_expertise", target) is (role == "superuser")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("city", ["arak", "qom"])
def test_grant_staff_role_matrix(arak, qom, role, city):
    from backend.authz import allowed

    user = _user(role, arak, qom)
    target = arak if city == "arak" else qom
    assert allowed(user, "accounts.grant_staff_role", target) is (role == "superuser")


def test_refusals_are_persian():
    from backend.authz import refusal

    for name in (
        "accounts.verify_organisation",
        "accounts.manage_members",
        "accounts.invite_member",
        "accounts.answer_invitation",
        "accounts.leave_organisation",
        "accounts.review_organisations",
        "accounts.read_activity",
        "accounts.verify_expertise",
        "accounts.grant_staff_role",
    ):
        error = refusal(name)
        assert error.status == 403
        assert any("\u0600" <= ch <= "\u06ff" for ch in error.message)


# City boundaries (accounts.services.boundaries_import; obj: the city).
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "city", "expected"),
    [
        (None, None, False),
        ("moderator", "arak", False),
        ("planner", "arak", False),
        ("city_admin", "arak", True),
        ("city_admin", "qom", False),
        ("superuser", None, True),
    ],
)
def test_import_boundaries_matrix(arak, qom, role, city, expected):
    from backend.authz import allowed

    if role == "superuser":
        user = UserFactory(is_superuser=True)
    elif role is None:
        user = UserFactory()
    else:
        user = StaffRoleFactory(city={"arak": arak, "qom": qom}[city], role=role).user
    assert allowed(user, "cities.import_boundaries", arak) is expected
