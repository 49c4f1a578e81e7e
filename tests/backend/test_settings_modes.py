"""Settings come from the environment; production refuses to start half-configured."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_settings(**env) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "backend.settings"
    code = (
        "import django; from django.conf import settings; django.setup();"
        "print(settings.DATABASES['default']['ENGINE']);"
        "print(settings.CHANNEL_LAYERS['default']['BACKEND']);"
        "print(settings.CACHES['default']['BACKEND']);"
        "print(settings.DEBUG, settings.LANGUAGE_CODE, settings.TIME_ZONE)"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_embedded_default():
    result = load_settings(DEBUG="")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:4] == [
        "django.db.backends.sqlite3",
        "channels.layers.InMemoryChannelLayer",
        "django.core.cache.backends.locmem.LocMemCache",
        "True fa Asia/Tehran",
    ]


def test_postgres_and_redis_from_urls():
    result = load_settings(DATABASE_URL="postgres://u@db:5432/x", REDIS_URL="redis://cache:6379/0")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == [
        "django.db.backends.postgresql",
        "channels_redis.core.RedisChannelLayer",
        "backend.rediscache.RedisCache",
    ]


@pytest.mark.parametrize(
    ("env", "missing"),
    [
        ({}, "SECRET_KEY, ALLOWED_HOSTS"),
        ({"SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "shahr.example"}, "SECRET_KEY"),
    ],
)
def test_production_refuses_without_secret_and_hosts(env, missing):
    result = load_settings(**{"DEBUG": "0", "SECRET_KEY": "", "ALLOWED_HOSTS": "", **env})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"needs these environment variables: {missing}" in result.stderr


def test_production_starts_when_configured():
    result = load_settings(
        DEBUG="false",
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="a.example,b.example",
        OTP_SENDER="tests.accounts.sms_doubles.FlakySmsSender",
    )
    assert result.returncode == 0, result.stderr
    assert "False" in result.stdout


def test_production_collectstatic_succeeds(production_static):
    """The Docker image collects static files with DEBUG off; every referenced file exists.
    (The collection is tests/conftest.py's, shared with test_infrastructure.py.)"""
    result, root = production_static.result, production_static.root
    assert result.returncode == 0, result.stderr[-2000:]
    assert (root / "django_htmx" / "htmx-2.min.js").exists()
    assert (root / "frontend" / "app.css").exists()
