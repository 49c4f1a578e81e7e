"""Races on organisations, on PostgreSQL (SQLite serialises writers, so they skip there)."""

import pytest
from rest_framework.test import APIClient

from accounts import services
from accounts.models import Membership, Organisation
from tests.factories import CityFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.races import needs_postgresql, run_together


@pytest.fixture
def postgresql():
    needs_postgresql()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql")
def test_two_admins_removing_each_other_leave_one():
    for _ in range(5):
        organisation = OrganisationFactory()
        first = MembershipFactory(organisation=organisation, role="admin").user
        second = MembershipFactory(organisation=organisation, role="admin").user
        outcomes = run_together(
            lambda o=organisation, a=first, b=second: services.membership_remove(
                actor=a, organisation=o, user=b
            ),
            lambda o=organisation, a=second, b=first: services.membership_remove(
                actor=a, organisation=o, user=b
            ),
        )
        admins = Membership.objects.filter(organisation=organisation, role="admin").count()
        assert admins == 1
        assert sum(isinstance(o, Exception) for o in outcomes) == 1
        # The loser is refused: either the last admin stays (409) or it is no admin any more.
        assert all(o is None or o.status in (403, 409) for o in outcomes), outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql")
def test_two_admins_demoting_each_other_leave_one():
    organisation = OrganisationFactory()
    first = MembershipFactory(organisation=organisation, role="admin").user
    second = MembershipFactory(organisation=organisation, role="admin").user
    outcomes = run_together(
        lambda: services.membership_set_role(
            actor=first, organisation=organisation, user=second, role="member"
        ),
        lambda: services.membership_set_role(
            actor=second, organisation=organisation, user=first, role="member"
        ),
    )
    assert Membership.objects.filter(organisation=organisation, role="admin").count() == 1
    assert sum(isinstance(o, Exception) for o in outcomes) == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql")
def test_concurrent_registrations_of_one_number_give_201_and_409():
    city = CityFactory(slug="arak")
    for attempt in range(3):
        people = [UserFactory() for _ in range(4)]
        clients = []
        for person in people:
            client = APIClient()
            client.force_authenticate(person)
            clients.append(client)
        payload = {"name": "انجمن", "registration_number": f"99-{attempt}", "city": city.slug}
        outcomes = run_together(
            *[lambda c=c, p=payload: c.post("/api/v1/organisations/", p) for c in clients]
        )
        statuses = sorted(o.status_code for o in outcomes)
        assert statuses == [201, 409, 409, 409], statuses
        for response in outcomes:
            if response.status_code == 409:
                assert response.json()["code"] == "duplicate_registration"
        assert Organisation.objects.filter(registration_number=f"99-{attempt}").count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("postgresql")
def test_concurrent_invitations_of_one_number_make_one():
    organisation = OrganisationFactory()
    admin = MembershipFactory(organisation=organisation, role="admin").user
    outcomes = run_together(
        *[
            lambda: services.membership_invite(
                actor=admin, organisation=organisation, phone="09351234567"
            )
            for _ in range(4)
        ]
    )
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert len({o.pk for o in outcomes}) == 1
