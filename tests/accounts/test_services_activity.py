"""The activity log: every state change in accounts writes one entry (write side), and a
city's admins read it through the API and the page (read side)."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.admin.sites import site as admin_site
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts import services
from accounts.models import Activity, StaffRole
from backend.errors import Refused
from tests.factories import MembershipFactory, OrganisationFactory, StaffRoleFactory, UserFactory

TEHRAN = ZoneInfo("Asia/Tehran")


def only_entry(**filters) -> Activity:
    entries = list(Activity.objects.filter(**filters))
    assert len(entries) == 1, entries
    return entries[0]


# Write side -------------------------------------------------------------------------


@pytest.mark.django_db
class TestWrites:
    def test_organisation_register(self, arak, citizen):
        org = services.organisation_register(
            actor=citizen, city=arak, name="انجمن", registration_number="12"
        )
        entry = only_entry(action="organisation.register")
        assert entry.actor == citizen
        assert entry.city == arak
        assert (entry.object_type, entry.object_id) == ("organisation", org.pk)
        assert entry.before == {}
        assert entry.after["status"] == "pending"
        assert entry.after["registration_number"] == "12"

    def test_organisation_status(self, arak, city_admin):
        org = OrganisationFactory(city=arak, status="pending")
        services.organisation_set_status(actor=city_admin, organisation=org, status="verified")
        entry = only_entry(action="organisation.status")
        assert entry.actor == city_admin
        assert entry.city == arak
        assert (entry.object_type, entry.object_id) == ("organisation", org.pk)
        assert entry.before == {"status": "pending"}
        assert entry.after == {"status": "verified"}

    def test_refused_change_writes_nothing(self, arak, citizen):
        org = OrganisationFactory(city=arak, status="pending")
        with pytest.raises(Refused):
            services.organisation_set_status(actor=citizen, organisation=org, status="verified")
        assert not Activity.objects.exists()

    def test_membership_invite_accept_and_role_change(self, organisation, ngo_admin, citizen):
        invitation = services.membership_invite(
            actor=ngo_admin, organisation=organisation, phone=citizen.phone
        )
        entry = only_entry(action="membership.invite")
        assert entry.actor == ngo_admin
        assert entry.city_id == organisation.city_id
        assert (entry.object_type, entry.object_id) == ("invitation", invitation.pk)
        assert entry.before == {}
        assert entry.after["role"] == "member"
        services.membership_invite(actor=ngo_admin, organisation=organisation, phone=citizen.phone)
        assert Activity.objects.filter(action="membership.invite").count() == 1  # no change
        services.invitation_accept(actor=citizen, invitation=invitation)
        accepted = only_entry(action="membership.accept")
        assert accepted.actor == citizen
        assert accepted.after["user"] == citizen.pk
        assert accepted.after["role"] == "member"
        services.membership_set_role(
            actor=ngo_admin, organisation=organisation, user=citizen, role="admin"
        )
        latest = only_entry(action="membership.role")
        assert latest.before == {"role": "member"}
        assert latest.after["role"] == "admin"

    def test_membership_remove(self, organisation, ngo_admin, citizen):
        membership = MembershipFactory(organisation=organisation, user=citizen)
        services.membership_remove(actor=ngo_admin, organisation=organisation, user=citizen)
        entry = only_entry(action="membership.remove")
        assert entry.actor == ngo_admin
        assert entry.city_id == organisation.city_id
        assert (entry.object_type, entry.object_id) == ("membership", membership.pk)
        assert entry.before["role"] == "member"
        assert entry.before["user"] == citizen.pk
        assert entry.after == {}

    def test_staff_role_grant_and_revoke(self, arak, citizen):
        root = UserFactory(is_superuser=True, is_staff=True)
        staff_role = services.staff_role_grant(
            actor=root, user=citizen, city=arak, role="moderator"
        )
        entry = only_entry(action="staff_role.grant")
        assert entry.actor == root
        assert entry.city == arak
        assert (entry.object_type, entry.object_id) == ("staffrole", staff_role.pk)
        assert entry.before == {}
        assert entry.after == {"user": citizen.pk, "role": "moderator"}
        role_id = staff_role.pk
        services.staff_role_revoke(actor=root, staff_role=staff_role)
        entry = only_entry(action="staff_role.revoke")
        assert entry.actor == root
        assert entry.city == arak
        assert entry.object_id == role_id
        assert entry.before == {"user": citizen.pk, "role": "moderator"}
        assert entry.after == {}
        assert not StaffRole.objects.filter(user=citizen).exists()

    def test_staff_roles_only_by_superusers(self, arak, city_admin, citizen):
        with pytest.raises(Refused):
            services.staff_role_grant(actor=city_admin, user=citizen, city=arak, role="moderator")
        role = StaffRoleFactory(city=arak, user=citizen, role="planner")
        with pytest.raises(Refused):
            services.staff_role_revoke(actor=city_admin, staff_role=role)
        assert not Activity.objects.exists()

    def test_expertise_verify_and_revoke(self, citizen):
        root = UserFactory(is_superuser=True, is_staff=True)
        services.expertise_verify(actor=root, user=citizen, expertise="حمل‌ونقل")
        citizen.refresh_from_db()
        assert citizen.is_expert
        assert citizen.expertise_verified_by == root
        entry = only_entry(action="expertise.verify")
        assert entry.actor == root
        assert entry.city is None
        assert (entry.object_type, entry.object_id) == ("user", citizen.pk)
        assert entry.before["verified_at"] is None
        assert entry.after["expertise"] == "حمل‌ونقل"
        assert entry.after["verified_by"] == root.pk
        services.expertise_revoke(actor=root, user=citizen)
        citizen.refresh_from_db()
        assert not citizen.is_expert
        entry = only_entry(action="expertise.revoke")
        assert entry.actor == root
        assert entry.before["verified_by"] == root.pk
        assert entry.after["verified_at"] is None

    def test_expertise_only_by_superusers(self, citizen, city_admin):
        with pytest.raises(Refused):
            services.expertise_verify(actor=city_admin, user=citizen, expertise="x")
        assert not Activity.objects.exists()

    def test_entries_cannot_be_changed_or_deleted(self, arak, city_admin):
        org = OrganisationFactory(city=arak, status="pending")
        services.organisation_set_status(actor=city_admin, organisation=org, status="verified")
        entry = Activity.objects.get()
        with pytest.raises(PermissionError):
            entry.save()
        with pytest.raises(PermissionError):
            entry.delete()
        with pytest.raises(PermissionError):
            Activity.objects.all().delete()


# The admin goes through the services -------------------------------------------------


@pytest.mark.django_db
class TestAdmin:
    def _request(self, user):
        from django.contrib.messages.storage.fallback import FallbackStorage

        request = RequestFactory().post("/admin/")
        request.user = user
        request.session = {}
        request._messages = FallbackStorage(request)
        return request

    def test_staff_role_add_and_delete_are_logged(self, arak, citizen):
        root = UserFactory(is_superuser=True, is_staff=True)
        model_admin = admin_site._registry[StaffRole]
        obj = StaffRole(user=citizen, city=arak, role="moderator")
        model_admin.save_model(self._request(root), obj, form=None, change=False)
        assert obj.pk
        assert only_entry(action="staff_role.grant").actor == root
        model_admin.delete_queryset(self._request(root), StaffRole.objects.filter(pk=obj.pk))
        assert only_entry(action="staff_role.revoke").object_id == obj.pk
        assert not StaffRole.objects.exists()

    def test_staff_role_add_refused_for_non_superusers(self, arak, citizen, city_admin):
        city_admin.is_staff = True
        model_admin = admin_site._registry[StaffRole]
        obj = StaffRole(user=citizen, city=arak, role="moderator")
        model_admin.save_model(self._request(city_admin), obj, form=None, change=False)
        assert obj.pk is None
        assert not StaffRole.objects.filter(user=citizen).exists()

    def test_expertise_is_read_only_and_badged_through_the_service(self, citizen):
        from accounts.models import User

        root = UserFactory(is_superuser=True, is_staff=True)
        model_admin = admin_site._registry[User]
        request = self._request(root)
        readonly = model_admin.get_readonly_fields(request, citizen)
        assert {"expertise", "expertise_verified_at", "expertise_verified_by"} <= set(readonly)

        class Form:
            cleaned_data = {"expertise_grant": "شهرسازی", "expertise_take": False}

        model_admin.save_model(request, citizen, Form(), change=True)
        citizen.refresh_from_db()
        assert citizen.is_expert
        assert citizen.expertise == "شهرسازی"
        assert only_entry(action="expertise.verify").actor == root

    def test_activity_admin_is_read_only(self):
        model_admin = admin_site._registry[Activity]
        request = self._request(UserFactory(is_superuser=True, is_staff=True))
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)


# Read side: the API ------------------------------------------------------------------


def _entries(city, n, actor=None, action="organisation.status"):
    actor = actor or UserFactory()
    for _ in range(n):
        org = OrganisationFactory(city=city)
        services.activity_record(
            actor=actor,
            action=action,
            obj=org,
            city_id=city.pk,
            before={"status": "pending"},
            after={"status": "verified"},
        )
    return actor


def _at(entry_filter, moment):
    # The log refuses updates (the ORM, and on PostgreSQL a trigger); tests move a row's
    # time with raw SQL, with the trigger off inside the test's own transaction.
    ids = list(Activity.objects.filter(**entry_filter).values_list("pk", flat=True))
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending
            cursor.execute("ALTER TABLE accounts_activity DISABLE TRIGGER USER")
        for pk in ids:
            cursor.execute(
                "UPDATE accounts_activity SET created_at = %s WHERE id = %s",
                [moment.astimezone(ZoneInfo("UTC")).replace(tzinfo=None).isoformat(" "), pk],
            )
        if postgres:
            cursor.execute("ALTER TABLE accounts_activity ENABLE TRIGGER USER")


@pytest.mark.django_db
class TestApi:
    URL = "/api/v1/activity/"

    def test_city_admin_reads_their_city(self, as_user, city_admin, arak, qom):
        actor = _entries(arak, 2)
        _entries(qom, 3)
        response = as_user(city_admin).get(self.URL, {"city": "arak"})
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 2
        row = body["results"][0]
        assert row["action"] == "organisation.status"
        assert row["action_label"] == "تغییر وضعیت سمن"
        assert row["actor"] == actor.pk
        assert row["actor_name"] == actor.public_name
        assert row["object_type"] == "organisation"
        assert row["object_repr"]
        assert row["before"] == {"status": "pending"}
        assert row["after"] == {"status": "verified"}
        assert row["created_at"].startswith(str(timezone.now().year)[:2])
        assert re.fullmatch(r"14\d\d/\d\d/\d\d \d\d:\d\d", row["created_at_jalali"])
        ids = [r["id"] for r in body["results"]]
        assert ids == sorted(ids, reverse=True)  # newest first

    @pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "planner", "qom"])
    def test_others_are_refused_in_persian(self, api_client, as_user, arak, qom, role):
        _entries(arak, 1)
        if role == "anonymous":
            client = api_client
        elif role == "citizen":
            client = as_user(UserFactory())
        elif role == "qom":
            client = as_user(StaffRoleFactory(city=qom, role="city_admin").user)
        else:
            client = as_user(StaffRoleFactory(city=arak, role=role).user)
        response = client.get(self.URL, {"city": "arak"})
        assert response.status_code == 403
        assert "مدیران همین شهر" in response.json()["detail"]

    @pytest.mark.parametrize(
        "params",
        [
            {},
            {"city": "nowhere"},
            {"city": "arak", "created_after": "1404/13/40"},
            {"city": "arak", "created_before": "yesterday"},
            {"city": "arak", "action": "nothing.here"},
            {"city": "arak", "actor": "abc"},
            {"city": "arak", "actor": "99999999999999999999999"},
        ],
    )
    def test_bad_input_is_400_in_persian(self, as_user, city_admin, arak, params):
        response = as_user(city_admin).get(self.URL, params)
        assert response.status_code == 400
        assert any("\u0600" <= ch <= "\u06ff" for ch in str(response.json()))

    def test_filters(self, as_user, city_admin, arak):
        first = _entries(arak, 2)
        second = _entries(arak, 1, action="membership.add")
        client = as_user(city_admin)
        assert client.get(self.URL, {"city": "arak", "actor": first.pk}).json()["count"] == 2
        by_action = client.get(self.URL, {"city": "arak", "action": "membership.add"}).json()
        assert by_action["count"] == 1
        assert by_action["results"][0]["actor"] == second.pk
        _at({"actor": first}, datetime(2025, 3, 10, 12, tzinfo=TEHRAN))  # 1403/12/20
        _at({"actor": second}, datetime(2025, 3, 25, 23, 30, tzinfo=TEHRAN))  # 1404/01/05

        def count(**params):
            return client.get(self.URL, {"city": "arak", **params}).json()["count"]

        assert count(created_after="۱۴۰۴/۰۱/۰۱") == 1
        assert count(created_after="2025-03-26") == 0
        assert count(created_before="1404/01/05") == 3  # the whole day counts
        assert count(created_before="1404/01/04") == 2
        assert count(created_after="1403-12-20", created_before="2025-03-10") == 2

    def test_pagination(self, as_user, city_admin, arak):
        _entries(arak, 25)
        body = as_user(city_admin).get(self.URL, {"city": "arak"}).json()
        assert body["count"] == 25
        assert len(body["results"]) == 20
        assert body["next"]
        page2 = as_user(city_admin).get(self.URL, {"city": "arak", "page": 2}).json()
        assert len(page2["results"]) == 5

    def test_query_count_does_not_grow(self, as_user, city_admin, arak):
        client = as_user(city_admin)
        counts = []
        for n in (1, 19):
            _entries(arak, n, actor=UserFactory()) if n == 1 else [
                _entries(arak, 1) for _ in range(n)
            ]
            with CaptureQueriesContext(connection) as queries:
                response = client.get(self.URL, {"city": "arak"})
            assert response.status_code == 200
            counts.append(len(queries))
        assert response.json()["count"] == 20
        assert counts[0] == counts[1]


# Read side: the page -----------------------------------------------------------------


@pytest.mark.django_db
class TestPage:
    URL = "/activity/arak/"

    def test_city_admin_sees_the_log(self, client, city_admin, arak):
        actor = _entries(arak, 2)
        client.force_login(city_admin)
        response = client.get(self.URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="fa" dir="rtl">' in html
        assert html.count('data-testid="activity"') == 2
        assert "تغییر وضعیت سمن" in html
        assert actor.public_name in html
        assert re.search(r"۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2}", html)
        assert 'data-testid="activity-filters"' in html
        assert 'data-testid="nav-activity"' in client.get("/").content.decode()

    def test_filters_and_pagination(self, client, city_admin, arak):
        _entries(arak, 23)
        _entries(arak, 1, action="membership.add")
        client.force_login(city_admin)
        html = client.get(self.URL).content.decode()
        assert html.count('data-testid="activity"') == 20
        assert 'rel="next"' in html
        assert "۲ از ۲" in html or "صفحه‌ی ۱ از ۲" in html
        page2 = client.get(self.URL, {"page": 2}).content.decode()
        assert page2.count('data-testid="activity"') == 4
        filtered = client.get(self.URL, {"action": "membership.add", "created_after": ""})
        assert filtered.content.decode().count('data-testid="activity"') == 1

    def test_bad_date_is_400_with_the_form(self, client, city_admin, arak):
        client.force_login(city_admin)
        response = client.get(self.URL, {"created_after": "۱۴۰۴/۱۳/۴۰"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "تاریخ نامعتبر" in html
        assert 'data-testid="activity-filters"' in html

    @pytest.mark.parametrize("role", ["citizen", "moderator", "planner", "qom"])
    def test_others_are_refused(self, client, arak, qom, role):
        _entries(arak, 1)
        if role == "citizen":
            user = UserFactory()
        elif role == "qom":
            user = StaffRoleFactory(city=qom, role="city_admin").user
        else:
            user = StaffRoleFactory(city=arak, role=role).user
        client.force_login(user)
        response = client.get(self.URL)
        assert response.status_code == 403
        html = response.content.decode()
        assert "مدیران همین شهر" in html
        assert 'data-testid="activity"' not in html
        assert 'href="/activity/arak/"' not in client.get("/").content.decode()

    def test_anonymous_is_sent_to_sign_in_and_unknown_city_is_404(self, client, city_admin):
        response = client.get(self.URL)
        assert response.status_code == 302
        assert response["Location"].startswith("/signin/")
        client.force_login(city_admin)
        assert client.get("/activity/nowhere/").status_code == 404


@pytest.mark.django_db
def test_page_shows_field_names_and_choice_labels_in_persian(client, city_admin, arak):
    from accounts.services import activity_record
    from tests.factories import OrganisationFactory

    organisation = OrganisationFactory(city=arak)
    activity_record(
        actor=city_admin,
        action="organisation.status",
        obj=organisation,
        city_id=arak.pk,
        before={"status": "pending"},
        after={"status": "verified"},
    )
    client.force_login(city_admin)
    html = client.get("/activity/arak/").content.decode()
    assert "وضعیت" in html  # the field's name, not "status"
    assert "تأییدشده" in html or "تأیید شده" in html  # the choice's label, not "verified"
    assert "status:" not in html
    assert "organisation " not in html
