"""Production hardening, infrastructure: the connection pool, security headers, check
--deploy, error pages, static files and /healthz (issue 9, findings 2, 12, 13, 15)."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.test import override_settings
from django.urls import path

from backend import health

ROOT = Path(__file__).resolve().parents[2]

# The production environment docs/production.md documents (its secret is a stand-in).
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "Zq8v1RkM3xYp0LwT6nB2cHfJ9sDgE4uA7iOmKrVtQeWbNzPyXlSjUhGdCaF5o",
    "ALLOWED_HOSTS": "shahr.example.ir",
    "CSRF_TRUSTED_ORIGINS": "https://shahr.example.ir",
    "DATABASE_URL": "postgres://hamandishi:secret@db:5432/hamandishi",
    "REDIS_URL": "redis://redis:6379/0",
    "OTP_SENDER": "citysms.senders.KavenegarSender",  # the deployment's own SMS sender
    "TRUSTED_PROXIES": "10.0.0.2",
}


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    # These runs are about other settings: production's refusal of the log sender is tested
    # in tests/accounts; here the log sender is allowed unless a test names a sender.
    clean.setdefault("OTP_SENDER_ALLOW_LOG", "1")
    clean.update(env, DJANGO_SETTINGS_MODULE="backend.settings")
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


SHOW_DB = (
    "import json, django; from django.conf import settings; django.setup();"
    "d = settings.DATABASES['default'];"
    "print(json.dumps({'pool': d.get('OPTIONS', {}).get('pool'), 'age': d['CONN_MAX_AGE']}))"
)


# --- finding 2: connection pool ---------------------------------------------------------


def test_pool_is_sized_from_the_environment():
    result = run_python(
        SHOW_DB,
        DATABASE_URL="postgres://u@db:5432/x",
        DB_CONN_MAX_AGE="60",
        DB_POOL_MIN="3",
        DB_POOL_MAX="15",
        DB_POOL_TIMEOUT="7",
    )
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown == {"pool": {"min_size": 3, "max_size": 15, "timeout": 7.0}, "age": 0}


def test_pool_defaults_on_postgres_and_none_on_sqlite():
    on_postgres = json.loads(run_python(SHOW_DB, DATABASE_URL="postgres://u@db:5432/x").stdout)
    assert on_postgres["pool"] == {"min_size": 2, "max_size": 10, "timeout": 20.0}
    assert json.loads(run_python(SHOW_DB, DEBUG="").stdout)["pool"] is None


def test_pool_can_be_turned_off_and_refuses_nonsense():
    off = run_python(SHOW_DB, DATABASE_URL="postgres://u@db:5432/x", DB_POOL="0")
    assert json.loads(off.stdout)["pool"] is None
    bad = run_python(SHOW_DB, DATABASE_URL="postgres://u@db:5432/x", DB_POOL_MAX="many")
    assert bad.returncode != 0
    assert "DB_POOL_MAX must be a whole number" in bad.stderr
    upside_down = run_python(
        SHOW_DB, DATABASE_URL="postgres://u@db:5432/x", DB_POOL_MIN="9", DB_POOL_MAX="2"
    )
    assert upside_down.returncode != 0


@pytest.mark.django_db
def test_pool_timeout_answers_a_persian_503(production, client):
    """Every pooled connection busy for DB_POOL_TIMEOUT: 503 with Retry-After, not 500."""
    api = client.get("/api/v1/busy/")
    assert api.status_code == 503
    assert api["Retry-After"] == "5"
    assert api.json()["code"] == "busy"
    page = client.get("/busy/")
    assert page.status_code == 503
    assert "سرور شلوغ است" in page.content.decode()


# --- finding 12: headers and check --deploy ------------------------------------------------


def assert_security_headers(response):
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";", 1)[0]
    assert "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy
    assert "connect-src 'self'" in policy
    permissions = response["Permissions-Policy"]
    assert "geolocation=(self)" in permissions
    assert "camera=()" in permissions
    assert "microphone=()" in permissions
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_security_headers_on_a_page_and_an_api_response(client):
    page = client.get("/", secure=True)
    api = client.get("/api/v1/plans/", secure=True)
    for response in (page, api):
        assert response.status_code == 200
        assert_security_headers(response)
        assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_production_defaults_are_secure():
    code = (
        "import django; from django.conf import settings as s; django.setup();"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = run_python(code, DEBUG="0", SECRET_KEY="s" * 50, ALLOWED_HOSTS="x.example")
    assert result.stdout.split() == ["True", "31536000", "True", "True", "True"]
    plain = run_python(
        code,
        DEBUG="0",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="x.example",
        SECURE_COOKIES="0",
        SECURE_SSL_REDIRECT="0",
        SECURE_HSTS_SECONDS="0",
    )
    assert plain.stdout.split() == ["False", "0", "False", "False", "True"]


def test_check_deploy_is_silent_with_the_documented_production_environment():
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update(PRODUCTION_ENV)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip() == "System check identified no issues (0 silenced)."
    assert result.stderr == ""


def test_production_doc_lists_the_environment_check_deploy_uses():
    doc = (ROOT / "docs" / "production.md").read_text()
    for name in ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"):
        assert f"{name}=" in doc
    for name in ("DB_POOL_MAX", "SECURE_HSTS_SECONDS", "SECURE_COOKIES", "WORKERS"):
        assert name in doc


def test_templates_have_no_inline_script_or_handlers():
    import re

    templates = [p for p in ROOT.glob("*/templates/**/*.html") if ".venv" not in p.parts]
    assert templates
    inline_script = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
    handler = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [
        str(p.relative_to(ROOT))
        for p in templates
        if inline_script.search(p.read_text()) or handler.search(p.read_text())
    ]
    assert offenders == []


# --- finding 13: error pages -------------------------------------------------------------


def boom(_request):
    raise RuntimeError("deliberate failure for the test")


def busy(_request):
    from django.db import OperationalError
    from psycopg_pool import PoolTimeout

    raise OperationalError("couldn't get a connection") from PoolTimeout("after 20 sec")


def refuse(_request):
    from django.core.exceptions import PermissionDenied

    raise PermissionDenied


def bad(_request):
    from django.core.exceptions import SuspiciousOperation

    raise SuspiciousOperation("crafted")


urlpatterns = [
    path("api/v1/boom/", boom),
    path("boom/", boom),
    path("refuse/", refuse),
    path("api/v1/refuse/", refuse),
    path("bad/", bad),
    path("busy/", busy),
    path("api/v1/busy/", busy),
    path("api/v1/bad/", bad),
]
from backend.urls import handler400, handler403, handler404, handler500  # noqa: E402, F401
from backend.urls import urlpatterns as site_urlpatterns  # noqa: E402

urlpatterns += site_urlpatterns

PAGE_TEXT = {400: "درخواست نامعتبر", 403: "دسترسی ندارید", 404: "پیدا نشد", 500: "خطای سرور"}


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ROOT_URLCONF = __name__


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status"),
    [("/bad/", 400), ("/refuse/", 403), ("/no-such-page/", 404), ("/boom/", 500)],
)
def test_error_pages_are_persian_in_the_site_layout(production, client, url, status):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert 'dir="rtl"' in html
    assert 'name="viewport"' in html
    assert PAGE_TEXT[status] in html
    assert f'data-status="{status}"' in html
    assert "Not Found" not in html
    assert "Server Error" not in html
    if status != 500:
        assert "site-nav" in html  # the full layout (500 is minimal on purpose)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "status", "code"),
    [
        ("/api/v1/bad/", 400, "bad_request"),
        ("/api/v1/refuse/", 403, "permission_denied"),
        ("/api/v1/no-such-endpoint/", 404, "not_found"),
        ("/api/nothing", 404, "not_found"),
        ("/api/v1/boom/", 500, "server_error"),
    ],
)
def test_api_errors_are_json(production, client, url, status, code):
    client.raise_request_exception = False
    response = client.get(url)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == code
    assert any("\u0600" <= ch <= "\u06ff" for ch in body["detail"])  # Persian


@pytest.mark.django_db
def test_api_method_not_allowed_is_persian_json(production, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.put("/api/v1/plans/")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["code"] == "method_not_allowed"
    assert any("\u0600" <= ch <= "\u06ff" for ch in body["detail"])


@pytest.mark.django_db
def test_server_error_page_needs_no_database(production, client):
    from django.db import connection

    client.raise_request_exception = False
    with mock.patch.object(connection, "cursor", side_effect=AssertionError("no queries")):
        response = client.get("/boom/")
    assert response.status_code == 500
    assert "خطای سرور" in response.content.decode()


@pytest.mark.django_db
def test_a_500_logs_its_traceback(production, client, caplog):
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        client.get("/boom/")
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records
    assert records[0].exc_info
    assert "deliberate failure for the test" in str(records[0].exc_info[1])


def test_logging_sends_request_errors_to_the_console(settings):
    logger = settings.LOGGING["loggers"]["django.request"]
    assert logger["level"] == "ERROR"
    assert "console" in logger["handlers"]
    assert settings.LOGGING["handlers"]["console"]["formatter"] in settings.LOGGING["formatters"]


@pytest.mark.django_db
def test_csrf_failure_is_the_persian_403(production):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/signin/", {"username": "x"})
    assert response.status_code == 403
    assert "دسترسی ندارید" in response.content.decode()


# --- /healthz says which dependency failed -----------------------------------------------


@pytest.mark.django_db
def test_healthz_all_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {
        "database": "ok",
        "cache": "ok",
        "channel_layer": "ok",
        "status": "ok",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("dependency", ["database", "cache", "channel_layer"])
def test_healthz_names_the_dependency_that_is_down(client, dependency):
    def down():
        raise ConnectionError("refused")

    with mock.patch.dict(health.CHECKS, {dependency: down}):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body[dependency] == "down"
    assert body["failed"] == [dependency]
    assert body["status"] == "down"


@pytest.mark.django_db
def test_healthz_with_redis_down(client):
    """A real unreachable Redis (a closed port) behind the cache and the channel layer."""
    import socket

    from channels_redis.core import RedisChannelLayer
    from django.core.cache.backends.redis import RedisCache

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = f"redis://127.0.0.1:{s.getsockname()[1]}/0"
    with (
        mock.patch.object(health, "cache", RedisCache(closed, {})),
        mock.patch.object(
            health, "get_channel_layer", return_value=RedisChannelLayer(hosts=[closed])
        ),
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["cache", "channel_layer"]
    assert response.json()["database"] == "ok"


# --- finding 15: static files ------------------------------------------------------------


def test_production_static_files_are_hashed_and_cached_long(production_static):
    # The production collectstatic (DEBUG off), run once for the session: tests/conftest.py.
    collected, env = production_static.result, production_static.env
    assert collected.returncode == 0, collected.stderr[-2000:]
    manifest = json.loads((production_static.root / "staticfiles.json").read_text())["paths"]
    hashed = manifest["frontend/app.css"]
    assert hashed != "frontend/app.css"
    code = (
        "import django; django.setup();"
        "from django.templatetags.static import static; print(static('frontend/app.js'));"
        "from django.test import Client; from django.conf import settings;"
        f"r = Client().get('/static/{hashed}', secure=True);"
        "print(r.status_code, r['Cache-Control'])"
    )
    result = run_python(
        code,
        **{k: env[k] for k in ("DEBUG", "SECRET_KEY", "STATIC_ROOT")},
        ALLOWED_HOSTS="testserver",
    )
    assert result.returncode == 0, result.stderr[-2000:]
    url, response = result.stdout.strip().splitlines()
    assert url == "/static/" + manifest["frontend/app.js"]
    status, cache_control = response.split(" ", 1)
    assert status == "200"
    max_age = int(cache_control.split("max-age=")[1].split(",")[0])
    assert max_age >= 31536000
    assert "immutable" in cache_control
