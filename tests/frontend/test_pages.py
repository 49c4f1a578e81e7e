import re

import pytest

from accounts.models import User
from tests.factories import AxisFactory, CityFactory, CommitteeFactory


@pytest.mark.django_db
class TestHome:
    def test_persian_rtl_home_with_cities(self, client, arak):
        AxisFactory(city=arak, title="حمل‌ونقل و ترافیک")
        CommitteeFactory(city=arak, title="کمیته‌ی امور فنی و مهندسی شهری")
        html = client.get("/").content.decode()
        assert '<html lang="fa" dir="rtl">' in html
        assert "مسائل شهرمان را با هم پیدا کنیم" in html
        assert "حمل‌ونقل و ترافیک" in html
        assert "کمیته‌ی امور فنی و مهندسی شهری" in html
        assert 'name="viewport"' in html

    def test_home_query_count_does_not_grow_with_cities(
        self, client, django_assert_max_num_queries
    ):
        for _ in range(10):
            AxisFactory(city=CityFactory())
        with django_assert_max_num_queries(5):
            client.get("/")

    def test_english_through_i18n(self, client, arak):
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        html = client.get("/").content.decode()
        assert '<html lang="en" dir="ltr">' in html
        assert "Let's find our city's problems together" in html


@pytest.mark.django_db
class TestSignInPage:
    def test_code_flow_signs_the_browser_in(self, client, citizen, outbox):
        response = client.post("/signin/", {"step": "request", "phone": "۰۹۱۲۰۰۰۰۰۰۱"})
        assert response.status_code == 200
        assert 'name="code"' in response.content.decode()
        code = outbox.last_code_for("09120000001")
        response = client.post(
            "/signin/",
            {"step": "verify", "phone": "09120000001", "code": code, "next": "/profile/"},
        )
        assert response.status_code == 302
        assert response["Location"] == "/profile/"
        assert client.get("/profile/").context["user"] == citizen

    def test_bad_phone_is_a_4xx_with_persian_error(self, client):
        response = client.post("/signin/", {"step": "request", "phone": "123"})
        assert response.status_code == 400
        assert "شماره همراه نامعتبر" in response.content.decode()

    def test_wrong_code_keeps_the_code_step(self, client, citizen, outbox):
        client.post("/signin/", {"step": "request", "phone": citizen.phone})
        response = client.post("/signin/", {"step": "verify", "phone": citizen.phone, "code": "0"})
        assert response.status_code == 400
        html = response.content.decode()
        assert "کد نادرست است" in html
        assert 'name="code"' in html
        assert "_auth_user_id" not in client.session

    def test_open_redirect_is_ignored(self, client, moderator):
        response = client.post(
            "/signin/",
            {
                "step": "password",
                "username": moderator.username,
                "password": "demo",
                "next": "https://evil.example/",
            },
        )
        assert response["Location"] == "/"

    def test_wrong_password(self, client, moderator):
        response = client.post(
            "/signin/", {"step": "password", "username": moderator.username, "password": "x"}
        )
        assert response.status_code == 400
        assert "نادرست" in response.content.decode()

    def test_new_number_becomes_a_citizen(self, client, outbox):
        client.post("/signin/", {"step": "request", "phone": "09351112233"})
        code = outbox.last_code_for("09351112233")
        client.post("/signin/", {"step": "verify", "phone": "09351112233", "code": code})
        assert User.objects.get(phone="09351112233").public_name == "شهروند"

    def test_signout_needs_post(self, client, citizen):
        client.force_login(citizen)
        assert client.get("/signout/").status_code == 405
        client.post("/signout/")
        assert "_auth_user_id" not in client.session


@pytest.mark.django_db
class TestSignedInPages:
    @pytest.mark.parametrize("path", ["/notifications/", "/profile/"])
    def test_need_sign_in(self, client, path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/signin/")

    def test_notifications_show_jalali_persian_dates_and_badge(self, client, citizen):
        from accounts.services import notification_send

        notification_send(user_ids=[citizen.pk], kind="k", payload={"message": "پیام آزمایشی"})
        client.force_login(citizen)
        # The badge counts it on other pages; opening the inbox marks it read (seen).
        assert re.search(r"data-unread-badge>\s*۱\s*<", client.get("/plans/").content.decode())
        html = client.get("/notifications/").content.decode()
        assert "پیام آزمایشی" in html
        assert re.search(r"۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2}", html)
        assert re.search(r"data-unread-badge hidden>\s*۰\s*<", html)

    def test_profile_update(self, client, citizen):
        client.force_login(citizen)
        client.post("/profile/", {"display_name": "نام تازه"})
        citizen.refresh_from_db()
        assert citizen.display_name == "نام تازه"
        assert not citizen.show_name_publicly


@pytest.mark.django_db
def test_browser_language_does_not_switch_away_from_persian(client, api_client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    response = api_client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en")
    assert any("\u0600" <= ch <= "\u06ff" for ch in response.json()["detail"])


@pytest.mark.django_db
class TestOrganisationReview:
    def test_city_admin_verifies_a_pending_ngo(self, client, city_admin, arak):
        from accounts.models import Organisation
        from tests.factories import OrganisationFactory

        pending = OrganisationFactory(city=arak, status="pending", name="انجمن تازه")
        client.force_login(city_admin)
        html = client.get("/organisations/review/").content.decode()
        assert "انجمن تازه" in html
        assert 'data-testid="nav-review"' in html
        response = client.post(
            "/organisations/review/", {"organisation": pending.pk, "status": "verified"}
        )
        assert response.status_code == 302
        assert Organisation.objects.get(pk=pending.pk).status == "verified"

    def test_others_are_refused(self, client, citizen, qom, arak):
        from tests.factories import OrganisationFactory, StaffRoleFactory

        client.force_login(citizen)
        assert client.get("/organisations/review/").status_code == 403
        # Not a city admin: refused before the input is read.
        response = client.post("/organisations/review/", {"organisation": "1", "status": "x"})
        assert response.status_code == 403
        assert "مدیران شهر" in response.content.decode()
        qom_admin = StaffRoleFactory(city=qom, role="city_admin").user
        client.force_login(qom_admin)
        for bad in ("abc", "²", "9789143892387112721133338624", ""):
            response = client.post(
                "/organisations/review/", {"organisation": bad, "status": "verified"}
            )
            assert response.status_code == 400
        response = client.post("/organisations/review/", {"organisation": "1", "status": "gold"})
        assert response.status_code == 400
        arak_org = OrganisationFactory(city=arak, status="pending")
        client.force_login(qom_admin)
        response = client.post(
            "/organisations/review/", {"organisation": arak_org.pk, "status": "verified"}
        )
        assert response.status_code == 404
        arak_org.refresh_from_db()
        assert arak_org.status == "pending"

    def test_api(self, as_user, city_admin, arak, qom):
        from tests.factories import MembershipFactory, OrganisationFactory, StaffRoleFactory

        pending = OrganisationFactory(city=arak, status="pending")
        url = f"/api/v1/organisations/{pending.pk}/status/"
        assert as_user(city_admin).post(url, {"status": "gold"}).status_code == 400
        response = as_user(city_admin).post(url, {"status": "verified"})
        assert response.status_code == 200
        assert response.json()["status"] == "verified"
        qom_admin = StaffRoleFactory(city=qom, role="city_admin").user
        assert as_user(qom_admin).post(url, {"status": "suspended"}).status_code == 404
        own = OrganisationFactory(city=arak, status="pending")
        MembershipFactory(organisation=own, user=city_admin)
        own_url = f"/api/v1/organisations/{own.pk}/status/"
        assert as_user(city_admin).post(own_url, {"status": "verified"}).status_code == 403
