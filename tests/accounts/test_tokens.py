"""API tokens: one new, expiring token per sign-in (per client); logout revokes only the
client's own; «my sessions» lists and revokes them; websockets accept them."""

from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone
from knox.models import AuthToken
from rest_framework.test import APIClient

from accounts.services import api_token_for
from backend.ws import _user_for_token

LOGIN = "/api/v1/auth/login"


def login(username="citizen"):
    client = APIClient()
    response = client.post(LOGIN, {"username": username, "password": "demo"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) >= {"token", "user"}
    client.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    return client, body["token"]


@pytest.mark.django_db
class TestPerClientTokens:
    def test_each_sign_in_gets_a_new_token(self, citizen):
        _phone, first = login()
        _laptop, second = login()
        assert first != second
        assert AuthToken.objects.filter(user=citizen).count() == 2

    def test_tokens_are_stored_hashed_and_expire(self, citizen, settings):
        _client, key = login()
        token = AuthToken.objects.get(user=citizen)
        assert key not in (token.digest, token.token_key)
        assert token.expiry - timezone.now() > timedelta(days=29)

    def test_logout_revokes_only_that_clients_token(self, citizen):
        phone, _ = login()
        laptop, _ = login()
        assert phone.post("/api/v1/auth/logout").status_code == 204
        assert phone.get("/api/v1/me").status_code == 401
        assert laptop.get("/api/v1/me").status_code == 200

    def test_expired_token_is_refused(self, citizen):
        client, _ = login()
        AuthToken.objects.filter(user=citizen).update(expiry=timezone.now() - timedelta(seconds=1))
        assert client.get("/api/v1/me").status_code == 401
        assert not AuthToken.objects.filter(user=citizen).exists()

    def test_otp_verify_gives_a_new_token_each_time(self, api_client, outbox, citizen):
        keys = []
        for _ in range(2):
            api_client.post("/api/v1/auth/otp/request", {"phone": citizen.phone}, format="json")
            code = outbox.last_code_for(citizen.phone)
            body = {"phone": citizen.phone, "code": code}
            response = api_client.post("/api/v1/auth/otp/verify", body, format="json")
            keys.append(response.json()["token"])
            from django.core.cache import cache

            cache.clear()  # the per-number limit allows one code a minute
        assert keys[0] != keys[1]

    def test_tokens_per_user_are_capped_oldest_first(self, citizen, settings):
        settings.API_TOKENS_PER_USER = 3
        keys = [api_token_for(user=citizen) for _ in range(5)]
        assert AuthToken.objects.filter(user=citizen).count() == 3
        newest = APIClient()
        newest.credentials(HTTP_AUTHORIZATION=f"Token {keys[-1]}")
        assert newest.get("/api/v1/me").status_code == 200
        oldest = APIClient()
        oldest.credentials(HTTP_AUTHORIZATION=f"Token {keys[0]}")
        assert oldest.get("/api/v1/me").status_code == 401

    def test_web_sign_out_leaves_the_apps_signed_in(self, client, citizen):
        app, _ = login()
        client.force_login(citizen)
        client.post("/signout/")
        assert app.get("/api/v1/me").status_code == 200


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_websocket_accepts_knox_tokens_and_refuses_revoked(citizen):
    key = await database_sync_to_async(api_token_for)(user=citizen)
    assert (await _user_for_token(key)).pk == citizen.pk
    tampered = key[:-1] + ("1" if key.endswith("0") else "0")
    assert (await _user_for_token(tampered)).is_anonymous
    await database_sync_to_async(AuthToken.objects.all().delete)()
    assert (await _user_for_token(key)).is_anonymous


@pytest.mark.django_db
class TestMySessionsPage:
    def test_profile_links_to_sessions(self, client, citizen):
        client.force_login(citizen)
        assert "/me/sessions/" in client.get("/profile/").content.decode()

    def test_lists_and_revokes_one(self, client, citizen, citizen2):
        phone, _ = login()
        laptop, _ = login()
        api_token_for(user=citizen2)
        client.force_login(citizen)
        page = client.get("/me/sessions/").content.decode()
        assert page.count('data-testid="session"') == 2
        newest = AuthToken.objects.filter(user=citizen).order_by("-created", "-digest").first()
        response = client.post("/me/sessions/", {"token": newest.digest})
        assert response.status_code == 302
        assert AuthToken.objects.filter(user=citizen).count() == 1
        assert AuthToken.objects.filter(user=citizen2).count() == 1

    def test_revoke_all(self, client, citizen, citizen2):
        phone, _ = login()
        api_token_for(user=citizen2)
        client.force_login(citizen)
        client.post("/me/sessions/", {"all": "1"})
        assert phone.get("/api/v1/me").status_code == 401
        assert AuthToken.objects.filter(user=citizen2).count() == 1

    def test_another_users_token_is_a_404(self, client, citizen, citizen2):
        api_token_for(user=citizen2)
        client.force_login(citizen)
        other = AuthToken.objects.get(user=citizen2)
        response = client.post("/me/sessions/", {"token": other.digest})
        assert response.status_code == 404
        assert AuthToken.objects.filter(user=citizen2).exists()

    @pytest.mark.parametrize("data", [{}, {"token": "<x>"}, {"token": "a\x00"}])
    def test_bad_input_is_a_persian_400(self, client, citizen, data):
        client.force_login(citizen)
        response = client.post("/me/sessions/", data)
        assert response.status_code == 400
        assert any("\u0600" <= ch <= "\u06ff" for ch in response.content.decode())

    def test_anonymous_is_sent_to_sign_in(self, client):
        assert client.get("/me/sessions/")["Location"].startswith("/signin/")


@pytest.mark.django_db
def test_a_token_is_looked_up_once_per_request_though_two_layers_ask(citizen, arak):
    # The idempotency middleware asks who the caller is, then the view does: one lookup.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PlanFactory

    plan = PlanFactory(city=arak)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=citizen)}")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/api/v1/problems/",
            {"plan": plan.pk, "title": "چاله در خیابان امام", "body": "<p>عمیق است.</p>"},
            format="json",
            HTTP_IDEMPOTENCY_KEY="one-lookup-1",
        )
    assert response.status_code == 201, response.content
    lookups = [q for q in queries.captured_queries if 'FROM "knox_authtoken"' in q["sql"]]
    assert len(lookups) == 1
    # A wrong token is refused by the view though the middleware's lookup failed first.
    client.credentials(HTTP_AUTHORIZATION="Token " + "x" * 64)
    refused = client.post(
        "/api/v1/problems/",
        {"plan": plan.pk, "title": "چاله", "body": "<p>عمیق</p>"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="one-lookup-2",
    )
    assert refused.status_code == 401
