import pytest

from accounts.models import User

REQUEST = "/api/v1/auth/otp/request"
VERIFY = "/api/v1/auth/otp/verify"
LOGIN = "/api/v1/auth/login"


def is_persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


@pytest.mark.django_db
class TestOtpApi:
    def test_request_then_verify_gives_token_and_own_profile(self, api_client, outbox):
        response = api_client.post(REQUEST, {"phone": "۰۹۱۲ ۱۲۳ ۴۵۶۷"}, format="json")
        assert response.status_code == 202
        assert response.json()["phone"] == "09121234567"
        assert "code" not in response.json()
        code = outbox.last_code_for("09121234567")
        response = api_client.post(VERIFY, {"phone": "09121234567", "code": code}, format="json")
        assert response.status_code == 200
        body = response.json()
        assert body["token"]
        assert body["user"]["phone"] == "09121234567"
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
        me = api_client.get("/api/v1/me").json()
        assert me["phone"] == "09121234567"
        assert me["public_name"] == "شهروند"

    @pytest.mark.parametrize(
        "payload",
        [{}, {"phone": ""}, {"phone": "abc"}, {"phone": ["0912"]}, {"phone": 9121234567}],
    )
    def test_request_refuses_bad_input_in_persian(self, api_client, payload):
        response = api_client.post(REQUEST, payload, format="json")
        assert response.status_code == 400
        assert is_persian(str(response.json()))

    def test_request_malformed_json(self, api_client):
        response = api_client.post(REQUEST, "{not json", content_type="application/json")
        assert response.status_code == 400
        assert is_persian(response.json()["detail"])

    def test_request_throttled_is_429_with_retry_after(self, api_client, outbox):
        api_client.post(REQUEST, {"phone": "09121234567"}, format="json")
        response = api_client.post(REQUEST, {"phone": "09121234567"}, format="json")
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert response.json()["code"] == "otp_throttled"

    def test_verify_wrong_code(self, api_client, outbox):
        api_client.post(REQUEST, {"phone": "09121234567"}, format="json")
        response = api_client.post(VERIFY, {"phone": "09121234567", "code": "x"}, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "otp_wrong"
        assert response.json()["attempts_left"] == 4
        assert not User.objects.filter(phone="09121234567").exists()

    @pytest.mark.parametrize("payload", [{}, {"phone": "0912"}, {"code": "11111"}, []])
    def test_verify_bad_input(self, api_client, payload):
        response = api_client.post(VERIFY, payload, format="json")
        assert response.status_code == 400


@pytest.mark.django_db
class TestPasswordLoginApi:
    def test_staff_password_login(self, api_client, moderator):
        response = api_client.post(
            LOGIN, {"username": moderator.username, "password": "demo"}, format="json"
        )
        assert response.status_code == 200
        assert response.json()["user"]["staff_roles"][0]["role"] == "moderator"

    @pytest.mark.parametrize(
        "payload",
        [
            {"username": "nobody", "password": "demo"},
            {"username": "", "password": ""},
            {"username": {"a": 1}, "password": "x"},
            {},
        ],
    )
    def test_refusals(self, api_client, moderator, payload):
        response = api_client.post(LOGIN, payload, format="json")
        assert response.status_code == 400
        assert is_persian(str(response.json()))

    def test_logout_revokes_token(self, as_user, citizen):
        client = as_user(citizen)
        assert client.post("/api/v1/auth/logout").status_code == 204
        assert client.get("/api/v1/me").status_code == 401


@pytest.mark.django_db
class TestMe:
    def test_anonymous_is_refused_in_persian(self, api_client):
        response = api_client.get("/api/v1/me")
        assert response.status_code == 401
        assert is_persian(response.json()["detail"])

    def test_never_shows_another_users_phone(self, as_user, citizen, citizen2):
        body = as_user(citizen).get("/api/v1/me").json()
        assert body["phone"] == citizen.phone
        assert citizen2.phone not in str(body)
        body = as_user(citizen2).get("/api/v1/me").json()
        assert body["phone"] == citizen2.phone
        assert citizen.phone not in str(body)

    def test_update_name_and_visibility(self, as_user, citizen):
        client = as_user(citizen)
        response = client.patch(
            "/api/v1/me",
            {"display_name": "  مریم   احمدی ", "show_name_publicly": True},
            format="json",
        )
        assert response.status_code == 200
        assert response.json()["public_name"] == "مریم احمدی"
        response = client.patch("/api/v1/me", {"show_name_publicly": False}, format="json")
        assert response.json()["public_name"] == "شهروند"

    @pytest.mark.parametrize(
        "payload", [{"show_name_publicly": "maybe"}, {"display_name": "x" * 81}, "text"]
    )
    def test_update_bad_input(self, as_user, citizen, payload):
        response = as_user(citizen).patch("/api/v1/me", payload, format="json")
        assert response.status_code == 400

    def test_me_shows_roles_and_organisations(self, as_user, ngo_admin, organisation):
        body = as_user(ngo_admin).get("/api/v1/me").json()
        assert body["organisations"] == [
            {
                "organisation": organisation.pk,
                "name": organisation.name,
                "status": "verified",
                "role": "admin",
            }
        ]
