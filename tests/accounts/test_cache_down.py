"""With the cache (Redis) down, sign-in keeps working or refuses with a Persian 503."""

import pytest
from django.core.cache import caches
from django.test import override_settings

DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
}


def is_persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


@pytest.fixture
def cache_down():
    # override_settings(CACHES=…) makes Django drop its cache connections (setting_changed).
    with override_settings(CACHES=DOWN):
        assert caches["default"].__class__.__name__ == "RedisCache"
        yield


@pytest.mark.django_db
class TestCacheDown:
    def test_api_code_request_is_a_persian_503(self, api_client, cache_down, outbox):
        response = api_client.post(
            "/api/v1/auth/otp/request", {"phone": "09121234567"}, format="json"
        )
        assert response.status_code == 503
        assert is_persian(response.json()["detail"])
        assert outbox.outbox == []  # no code sent uncounted

    def test_web_code_request_is_a_persian_503(self, client, cache_down):
        response = client.post("/signin/", {"step": "request", "phone": "09121234567"})
        assert response.status_code == 503
        assert is_persian(response.content.decode())

    def test_api_password_login_keeps_working(self, api_client, moderator, cache_down):
        payload = {"username": moderator.username, "password": "demo"}
        response = api_client.post("/api/v1/auth/login", payload, format="json")
        assert response.status_code == 200
        assert response.json()["token"]

    def test_web_password_login_keeps_working(self, client, moderator, cache_down):
        data = {"step": "password", "username": moderator.username, "password": "demo"}
        assert client.post("/signin/", data).status_code == 302
