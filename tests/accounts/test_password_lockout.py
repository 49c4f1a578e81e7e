"""Password guessing is refused on every password path, per account and per client address,
before the password hasher runs (django-axes)."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command

from tests.factories import UserFactory

LIMIT = 5


@pytest.fixture(autouse=True)
def _limits(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.TRUSTED_PROXIES = []


def is_persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def web(client, username, password, **extra):
    data = {"step": "password", "username": username, "password": password}
    return client.post("/signin/", data, **extra)


def api(client, username, password, **extra):
    payload = {"username": username, "password": password}
    return client.post("/api/v1/auth/login", payload, content_type="application/json", **extra)


def admin(client, username, password, **extra):
    data = {"username": username, "password": password, "next": "/admin/"}
    return client.post("/admin/login/", data, **extra)


PATHS = {"web": web, "api": api, "admin": admin}


def signed_in(path, response) -> bool:
    if path == "api":
        return response.status_code == 200
    return response.status_code == 302


@pytest.fixture
def staff(db):
    return UserFactory(username="staffer", is_staff=True, is_superuser=True)


@pytest.mark.django_db
@pytest.mark.parametrize("path", PATHS)
class TestEveryPasswordPath:
    def test_right_password_works_before_any_failure(self, client, staff, path):
        assert signed_in(path, PATHS[path](client, "staffer", "demo"))

    def test_wrong_passwords_then_the_right_one_is_refused(self, client, staff, path):
        for _ in range(LIMIT):
            assert not signed_in(path, PATHS[path](client, "staffer", "wrong"))
        response = PATHS[path](client, "staffer", "demo")
        assert response.status_code == 429
        assert is_persian(response.content.decode())
        assert int(response["Retry-After"]) > 0
        assert "_auth_user_id" not in client.session

    def test_the_account_is_locked_from_every_address(self, client, staff, path):
        for n in range(LIMIT):
            PATHS[path](client, "staffer", "wrong", REMOTE_ADDR=f"198.51.100.{n}")
        response = PATHS[path](client, "staffer", "demo", REMOTE_ADDR="203.0.113.99")
        assert response.status_code == 429

    def test_another_account_from_the_same_client_is_limited(self, client, staff, path):
        UserFactory(username="other", is_staff=True, is_superuser=True)
        for n in range(LIMIT):
            PATHS[path](client, f"guess{n}", "wrong", REMOTE_ADDR="198.51.100.1")
        response = PATHS[path](client, "other", "demo", REMOTE_ADDR="198.51.100.1")
        assert response.status_code == 429
        # The account itself is not locked: from elsewhere it signs in.
        assert signed_in(path, PATHS[path](client, "other", "demo", REMOTE_ADDR="203.0.113.2"))

    def test_rotating_x_forwarded_for_resets_nothing(self, client, staff, path):
        for n in range(LIMIT):
            PATHS[path](
                client,
                f"guess{n}",
                "wrong",
                REMOTE_ADDR="198.51.100.1",
                HTTP_X_FORWARDED_FOR=f"10.9.{n}.1",
            )
        response = PATHS[path](
            client,
            "staffer",
            "demo",
            REMOTE_ADDR="198.51.100.1",
            HTTP_X_FORWARDED_FOR="10.9.200.1",
        )
        assert response.status_code == 429


@pytest.mark.django_db
def test_locked_out_tries_never_run_the_hasher(client, staff, monkeypatch):
    for _ in range(LIMIT):
        web(client, "staffer", "wrong")
    calls = []
    original = MD5PasswordHasher.verify

    def counting(self, password, encoded):
        calls.append(password)
        return original(self, password, encoded)

    monkeypatch.setattr(MD5PasswordHasher, "verify", counting)
    for path in PATHS.values():
        assert path(client, "staffer", "demo").status_code == 429
    assert calls == []


@pytest.mark.django_db
def test_api_lockout_is_persian_json(client, staff):
    for _ in range(LIMIT - 1):
        assert api(client, "staffer", "wrong").status_code == 400
    assert api(client, "staffer", "wrong").status_code == 429  # the last allowed failure
    body = api(client, "staffer", "demo").json()
    assert body["code"] == "login_locked"
    assert is_persian(body["detail"])


@pytest.mark.django_db
def test_staff_unlock_with_the_management_command(client, staff):
    for _ in range(LIMIT):
        web(client, "staffer", "wrong")
    assert web(client, "staffer", "demo").status_code == 429
    call_command("axes_reset_username", "staffer")
    call_command("axes_reset_ip", "127.0.0.1")
    assert not AccessAttempt.objects.exists()
    assert web(client, "staffer", "demo").status_code == 302


@pytest.mark.django_db
def test_trusted_proxy_limits_the_real_client(client, staff, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for n in range(LIMIT):
        web(
            client,
            f"guess{n}",
            "wrong",
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"7.7.7.{n}, 198.51.100.8",
        )
    blocked = web(
        client,
        "staffer",
        "demo",
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="1.1.1.1, 198.51.100.8",
    )
    assert blocked.status_code == 429
    # Another client behind the same proxy is not.
    other = web(
        client, "staffer", "demo", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9"
    )
    assert other.status_code == 302
