import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import selectors, services
from accounts.models import Activity, Invitation, Membership, Notification, Organisation
from backend.errors import Conflict, DomainError, Missing, Refused
from tests.factories import MembershipFactory, OrganisationFactory, StaffRoleFactory, UserFactory


@pytest.mark.django_db
class TestRegister:
    def test_starts_pending_with_registrant_as_admin(self, arak, citizen):
        org = services.organisation_register(
            actor=citizen, city=arak, name=" انجمن  محله ", registration_number="۱۴۰۱-۲۲"
        )
        assert org.status == Organisation.Status.PENDING
        assert org.name == "انجمن محله"
        assert org.registration_number == "1401-22"
        assert Membership.objects.get(organisation=org).role == "admin"

    def test_registration_number_unique_across_digit_kinds(self, arak, citizen, citizen2):
        services.organisation_register(
            actor=citizen, city=arak, name="الف", registration_number="1401-22"
        )
        with pytest.raises(Conflict):
            services.organisation_register(
                actor=citizen2, city=arak, name="ب", registration_number="١٤٠١-٢٢"
            )

    @pytest.mark.parametrize("number", ["", "   ", "<b>", "شماره"])
    def test_bad_registration_number(self, arak, citizen, number):
        with pytest.raises(DomainError):
            services.organisation_register(
                actor=citizen, city=arak, name="الف", registration_number=number
            )

    def test_name_required(self, arak, citizen):
        with pytest.raises(DomainError):
            services.organisation_register(
                actor=citizen, city=arak, name="  ", registration_number="12"
            )


@pytest.mark.django_db
class TestSetStatus:
    def test_city_admin_verifies_and_members_are_told(self, arak, city_admin):
        org = OrganisationFactory(city=arak, status="pending")
        admin = MembershipFactory(organisation=org, role="admin").user
        services.organisation_set_status(actor=city_admin, organisation=org, status="verified")
        org.refresh_from_db()
        assert org.status == "verified"
        assert org.status_changed_by == city_admin
        assert org.status_changed_at
        note = Notification.objects.get(user=admin)
        assert note.kind == "organisation.status"
        assert note.payload["status"] == "verified"

    def test_member_cannot_verify_own_organisation_even_as_city_admin(self, arak, city_admin):
        org = OrganisationFactory(city=arak, status="pending")
        MembershipFactory(organisation=org, user=city_admin, role="admin")
        with pytest.raises(Refused):
            services.organisation_set_status(actor=city_admin, organisation=org, status="verified")
        org.refresh_from_db()
        assert org.status == "pending"

    def test_organisation_admin_cannot_verify_itself(self, arak):
        org = OrganisationFactory(city=arak, status="pending")
        admin = MembershipFactory(organisation=org, role="admin").user
        with pytest.raises(Refused):
            services.organisation_set_status(actor=admin, organisation=org, status="verified")

    def test_city_admin_of_another_city_has_no_power(self, arak, qom):
        org = OrganisationFactory(city=arak, status="pending")
        qom_admin = StaffRoleFactory(city=qom, role="city_admin").user
        with pytest.raises(Refused):
            services.organisation_set_status(actor=qom_admin, organisation=org, status="verified")

    @pytest.mark.parametrize("role", ["moderator", "planner"])
    def test_other_staff_roles_cannot_verify(self, arak, role):
        org = OrganisationFactory(city=arak, status="pending")
        staff = StaffRoleFactory(city=arak, role=role).user
        with pytest.raises(Refused):
            services.organisation_set_status(actor=staff, organisation=org, status="verified")

    def test_superuser_is_not_exempt_from_the_member_rule(self, arak):
        org = OrganisationFactory(city=arak, status="pending")
        root = UserFactory(is_superuser=True, is_staff=True)
        MembershipFactory(organisation=org, user=root)
        with pytest.raises(Refused):
            services.organisation_set_status(actor=root, organisation=org, status="verified")

    def test_unknown_status(self, arak, city_admin):
        org = OrganisationFactory(city=arak, status="pending")
        with pytest.raises(DomainError):
            services.organisation_set_status(actor=city_admin, organisation=org, status="gold")

    def test_suspend(self, arak, city_admin, organisation):
        services.organisation_set_status(
            actor=city_admin, organisation=organisation, status="suspended"
        )
        organisation.refresh_from_db()
        assert not organisation.is_verified


def invite_and_accept(organisation, admin, user, role="member"):
    invitation = services.membership_invite(
        actor=admin, organisation=organisation, phone=user.phone, role=role
    )
    return services.invitation_accept(actor=user, invitation=invitation)


@pytest.mark.django_db
class TestMembers:
    def test_admin_invites_promotes_and_removes_members(self, organisation, ngo_admin, citizen):
        invitation = services.membership_invite(
            actor=ngo_admin, organisation=organisation, phone="۰۹۱۲۰۰۰۰۰۰۱"
        )
        assert not organisation.memberships.filter(user=citizen).exists()  # not without consent
        assert invitation.phone == citizen.phone
        services.invitation_accept(actor=citizen, invitation=invitation)
        assert organisation.memberships.filter(user=citizen, role="member").exists()
        services.membership_set_role(
            actor=ngo_admin, organisation=organisation, user=citizen, role="admin"
        )
        assert organisation.memberships.get(user=citizen).role == "admin"
        services.membership_remove(actor=ngo_admin, organisation=organisation, user=citizen)
        assert not organisation.memberships.filter(user=citizen).exists()

    def test_plain_member_cannot_manage(self, organisation, citizen, citizen2):
        MembershipFactory(organisation=organisation, user=citizen)
        with pytest.raises(Refused):
            services.membership_invite(
                actor=citizen, organisation=organisation, phone=citizen2.phone
            )
        with pytest.raises(Refused):
            services.membership_set_role(
                actor=citizen, organisation=organisation, user=citizen, role="admin"
            )

    def test_outsider_cannot_manage(self, organisation, ngo_admin, citizen):
        with pytest.raises(Refused):
            services.membership_remove(actor=citizen, organisation=organisation, user=ngo_admin)

    def test_admin_of_another_organisation_cannot_invite(self, arak, organisation, citizen):
        other_admin = MembershipFactory(organisation=OrganisationFactory(city=arak), role="admin")
        with pytest.raises(Refused):
            services.membership_invite(
                actor=other_admin.user, organisation=organisation, phone=citizen.phone
            )

    def test_last_admin_cannot_leave_or_step_down(self, organisation, ngo_admin):
        with pytest.raises(Conflict) as leaving:
            services.membership_remove(actor=ngo_admin, organisation=organisation, user=ngo_admin)
        assert leaving.value.status == 409
        assert any("\u0600" <= c <= "\u06ff" for c in leaving.value.message)
        with pytest.raises(Conflict):
            services.membership_set_role(
                actor=ngo_admin, organisation=organisation, user=ngo_admin, role="member"
            )
        assert organisation.memberships.get(user=ngo_admin).role == "admin"

    def test_member_may_leave(self, organisation, citizen):
        MembershipFactory(organisation=organisation, user=citizen)
        services.membership_remove(actor=citizen, organisation=organisation, user=citizen)
        assert not organisation.memberships.filter(user=citizen).exists()

    def test_removing_a_non_member(self, organisation, ngo_admin, citizen):
        with pytest.raises(Missing):
            services.membership_remove(actor=ngo_admin, organisation=organisation, user=citizen)

    def test_bad_role(self, organisation, ngo_admin, citizen):
        with pytest.raises(DomainError):
            services.membership_invite(
                actor=ngo_admin, organisation=organisation, phone=citizen.phone, role="owner"
            )


@pytest.mark.django_db
class TestInvitations:
    def test_invitee_is_told_and_declining_changes_nothing(self, organisation, ngo_admin, citizen):
        invitation = services.membership_invite(
            actor=ngo_admin, organisation=organisation, phone=citizen.phone
        )
        note = Notification.objects.get(user=citizen)
        assert note.kind == "organisation.invitation"
        assert note.payload["invitation"] == invitation.pk
        services.invitation_decline(actor=citizen, invitation=invitation)
        invitation.refresh_from_db()
        assert invitation.status == "declined"
        assert not organisation.memberships.filter(user=citizen).exists()
        with pytest.raises(Conflict):  # answered once
            services.invitation_accept(actor=citizen, invitation=invitation)

    def test_only_the_invitee_answers(self, organisation, ngo_admin, citizen, citizen2):
        invitation = services.membership_invite(
            actor=ngo_admin, organisation=organisation, phone=citizen.phone
        )
        for someone in (citizen2, ngo_admin):
            with pytest.raises(Refused):
                services.invitation_accept(actor=someone, invitation=invitation)
        assert not organisation.memberships.filter(user__in=[citizen, citizen2]).exists()

    def test_unregistered_number_waits_for_its_owner(self, organisation, ngo_admin):
        invitation = services.membership_invite(
            actor=ngo_admin, organisation=organisation, phone="09351112233", role="admin"
        )
        assert not Notification.objects.exists()
        newcomer = services.user_for_phone(phone="09351112233")  # signs up later
        assert [i.pk for i in selectors.pending_invitations(user=newcomer)] == [invitation.pk]
        services.invitation_accept(actor=newcomer, invitation=invitation)
        assert organisation.memberships.get(user=newcomer).role == "admin"

    def test_inviting_again_keeps_one_pending_invitation(self, organisation, ngo_admin, citizen):
        first = services.membership_invite(
            actor=ngo_admin, organisation=organisation, phone=citizen.phone
        )
        again = services.membership_invite(
            actor=ngo_admin, organisation=organisation, phone=citizen.phone, role="admin"
        )
        assert first.pk == again.pk
        assert Invitation.objects.get().role == "admin"

    def test_an_invitation_never_blocks_the_city_admin(self, arak, city_admin):
        org = OrganisationFactory(city=arak, status="pending")
        ngo_admin = MembershipFactory(organisation=org, role="admin").user
        city_admin.phone = "09127770000"
        city_admin.save()
        services.membership_invite(actor=ngo_admin, organisation=org, phone=city_admin.phone)
        services.organisation_set_status(actor=city_admin, organisation=org, status="verified")
        org.refresh_from_db()
        assert org.status == "verified"

    def test_activity_of_invite_accept_decline(self, organisation, ngo_admin, citizen, citizen2):
        invite_and_accept(organisation, ngo_admin, citizen)
        declined = services.membership_invite(
            actor=ngo_admin, organisation=organisation, phone=citizen2.phone
        )
        services.invitation_decline(actor=citizen2, invitation=declined)
        actions = list(
            Activity.objects.filter(action__startswith="membership.")
            .order_by("id")
            .values_list("action", "actor_id")
        )
        assert actions == [
            ("membership.invite", ngo_admin.pk),
            ("membership.accept", citizen.pk),
            ("membership.invite", ngo_admin.pk),
            ("membership.decline", citizen2.pk),
        ]
        assert all(a.city_id == organisation.city_id for a in Activity.objects.all())


@pytest.mark.django_db
class TestOrganisationApi:
    URL = "/api/v1/organisations/"

    def test_register_lists_pending_to_its_members_only(self, as_user, api_client, citizen, arak):
        response = as_user(citizen).post(
            self.URL,
            {"name": "انجمن محله‌ی سردشت", "registration_number": "۱۴۰۲-۷۷", "city": "arak"},
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "pending"
        assert body["registration_number"] == "1402-77"
        assert [o["id"] for o in as_user(citizen).get(self.URL).json()["results"]] == [body["id"]]
        api_client.credentials()
        assert api_client.get(self.URL).json()["count"] == 0

    @pytest.mark.parametrize(
        "payload",
        [
            {"name": "x", "registration_number": "1", "city": "tehran"},
            {"name": "", "registration_number": "1", "city": "arak"},
            {"name": "x", "registration_number": "<b>", "city": "arak"},
            {"registration_number": "1", "city": "arak"},
        ],
    )
    def test_register_refusals(self, as_user, citizen, arak, payload):
        response = as_user(citizen).post(self.URL, payload)
        assert response.status_code == 400

    def test_members_invited_by_admin(self, as_user, organisation, ngo_admin, citizen, citizen2):
        url = f"{self.URL}{organisation.pk}/members/"
        response = as_user(ngo_admin).post(url, {"phone": "۰۹۱۲۰۰۰۰۰۰۱"})
        assert response.status_code == 201
        assert response.json()["status"] == "pending"
        assert not organisation.memberships.filter(user=citizen).exists()
        assert as_user(citizen).post(url, {"phone": citizen2.phone}).status_code == 403
        assert as_user(ngo_admin).post(url, {"phone": "123"}).status_code == 400
        assert as_user(citizen).get(url).json() == []  # not a member before accepting

        invitations = as_user(citizen).get("/api/v1/invitations/").json()["results"]
        assert [i["organisation"] for i in invitations] == [organisation.pk]
        accept = f"/api/v1/invitations/{invitations[0]['id']}/accept"
        assert as_user(citizen2).post(accept).status_code == 404  # not theirs
        answered = as_user(citizen).post(accept)
        assert answered.status_code == 200, answered.json()
        assert answered.json()["status"] == "accepted"
        assert as_user(citizen).post(accept).status_code == 409
        assert len(as_user(citizen).get(url).json()) == 2
        assert as_user(citizen).get("/api/v1/invitations/").json()["results"] == []

        member = f"{url}{citizen.pk}/"
        promoted = as_user(ngo_admin).patch(member, {"role": "admin"}, format="json")
        assert promoted.status_code == 200
        assert promoted.json()["role"] == "admin"
        assert as_user(ngo_admin).delete(member).status_code == 204
        last = as_user(ngo_admin).delete(f"{url}{ngo_admin.pk}/")
        assert last.status_code == 409
        assert last.json()["code"] == "last_admin"

    def test_invite_answer_tells_nothing_about_registration(
        self, as_user, organisation, ngo_admin, citizen
    ):
        url = f"{self.URL}{organisation.pk}/members/"
        known = as_user(ngo_admin).post(url, {"phone": citizen.phone})
        unknown = as_user(ngo_admin).post(url, {"phone": "09359999999"})
        assert known.status_code == unknown.status_code == 201
        shape = {k: v for k, v in known.json().items() if k not in ("id", "phone")}
        assert shape == {k: v for k, v in unknown.json().items() if k not in ("id", "phone")}
        assert known.json().keys() == unknown.json().keys()

    def test_decline_by_api(self, as_user, organisation, ngo_admin, citizen):
        invitation = services.membership_invite(
            actor=ngo_admin, organisation=organisation, phone=citizen.phone
        )
        response = as_user(citizen).post(f"/api/v1/invitations/{invitation.pk}/decline")
        assert response.status_code == 200
        assert response.json()["status"] == "declined"
        assert not organisation.memberships.filter(user=citizen).exists()

    def test_duplicate_registration_is_a_persian_409(self, as_user, citizen, citizen2, arak):
        payload = {"name": "الف", "registration_number": "77", "city": "arak"}
        assert as_user(citizen).post(self.URL, payload).status_code == 201
        again = as_user(citizen2).post(self.URL, {**payload, "registration_number": "۷۷"})
        assert again.status_code == 409
        assert again.json()["code"] == "duplicate_registration"

    def test_list_query_count_constant(self, api_client, arak):
        counts = []
        for n in (1, 20):
            for _ in range(n):
                MembershipFactory(organisation=OrganisationFactory(city=arak))
            with CaptureQueriesContext(connection) as queries:
                api_client.get(self.URL, {"page_size": 100})
            counts.append(len(queries))
        assert counts[0] == counts[1]


@pytest.mark.django_db
def test_names_and_descriptions_are_stored_as_plain_text(arak, citizen):
    org = services.organisation_register(
        actor=citizen,
        city=arak,
        name="<b>انجمن</b> <script>x()</script>سبز",
        registration_number="1403-1",
        description="خط اول <img src=x onerror=alert(1)>\nخط دوم",
    )
    assert org.name == "انجمن سبز"
    assert org.description == "خط اول\nخط دوم"
    services.profile_update(user=citizen, display_name="<i>مریم</i>  احمدی")
    assert citizen.display_name == "مریم احمدی"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["...", "\u200b\u200b", "\u3164", "\u2800", "\u202e!!"])
def test_organisation_name_must_show_letters(citizen, arak, name):
    from accounts.services import organisation_register

    with pytest.raises(DomainError, match="نام سازمان"):
        organisation_register(
            actor=citizen, city=arak, name=name, registration_number="1403-991", description=""
        )


@pytest.mark.django_db
def test_display_name_of_punctuation_only_falls_back_to_none(citizen):
    from accounts.services import profile_update

    profile_update(user=citizen, display_name="؟؟!!")
    citizen.refresh_from_db()
    assert citizen.display_name == ""
