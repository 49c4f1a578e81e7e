"""Which database a request reads (backend/replicas.py): public reads may go to a replica;
signed-in people, API tokens, writes and a browser that just wrote read the primary."""

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from backend.replicas import PIN_COOKIE, ReplicaMiddleware, ReplicaRouter, current_alias
from participation.models import Problem

router = ReplicaRouter()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def replicas(settings):
    settings.DATABASE_REPLICA_ALIASES = ["replica1"]
    settings.REPLICA_PIN_SECONDS = 10
    return settings


def _serve(request, view):
    seen = {}

    def get_response(request):
        seen.update(view())
        return HttpResponse("ok")

    response = ReplicaMiddleware(get_response)(request)
    return seen, response


def _reads():
    return {"read": router.db_for_read(Problem), "alias": current_alias()}


def test_an_anonymous_get_reads_a_replica(replicas):
    seen, response = _serve(RequestFactory().get("/problems/"), _reads)
    assert seen == {"read": "replica1", "alias": "replica1"}
    assert PIN_COOKIE not in response.cookies
    # Outside the request the primary again.
    assert current_alias() == "default"


@pytest.mark.parametrize(
    "request_kwargs",
    [
        {"HTTP_COOKIE": "sessionid=abc"},
        {"HTTP_AUTHORIZATION": "Token abc"},
        {"HTTP_COOKIE": f"{PIN_COOKIE}=1"},
    ],
    ids=["signed-in", "api-token", "pinned"],
)
def test_a_person_who_may_have_written_reads_the_primary(replicas, request_kwargs):
    seen, _ = _serve(RequestFactory().get("/problems/", **request_kwargs), _reads)
    assert seen == {"read": None, "alias": "default"}


def test_a_post_reads_the_primary_and_pins_the_browser(replicas):
    seen, response = _serve(RequestFactory().post("/signin/"), _reads)
    assert seen == {"read": None, "alias": "default"}
    cookie = response.cookies[PIN_COOKIE]
    assert cookie["max-age"] == 10
    assert cookie["httponly"]


def test_a_get_that_writes_reads_its_own_write_and_pins(replicas):
    def view():
        before = router.db_for_read(Problem)
        assert router.db_for_write(Problem) == "default"
        return {"before": before, "after": router.db_for_read(Problem)}

    seen, response = _serve(RequestFactory().get("/problems/"), view)
    assert seen == {"before": "replica1", "after": None}
    assert PIN_COOKIE in response.cookies


@pytest.mark.django_db(transaction=True)
def test_reads_inside_a_transaction_use_the_primary(replicas):
    def view():
        with transaction.atomic():
            inside = router.db_for_read(Problem)
        return {"inside": inside, "outside": router.db_for_read(Problem)}

    seen, _ = _serve(RequestFactory().get("/problems/"), view)
    assert seen == {"inside": None, "outside": "replica1"}


def test_without_replicas_nothing_changes(settings):
    settings.DATABASE_REPLICA_ALIASES = []
    seen, response = _serve(RequestFactory().post("/signin/"), _reads)
    assert seen == {"read": None, "alias": "default"}
    assert PIN_COOKIE not in response.cookies
    seen, _ = _serve(RequestFactory().get("/"), _reads)
    assert seen == {"read": None, "alias": "default"}


def test_the_middleware_works_under_asgi(replicas):
    async def get_response(request):
        return HttpResponse(current_alias())

    middleware = ReplicaMiddleware(get_response)
    response = asyncio.run(middleware(RequestFactory().get("/")))
    assert response.content == b"replica1"
    response = asyncio.run(middleware(RequestFactory().get("/", HTTP_COOKIE="sessionid=x")))
    assert response.content == b"default"


def test_replicas_are_never_migrated(replicas):
    assert router.allow_migrate("replica1", "participation") is False
    assert router.allow_migrate("default", "participation") is None


def _settings_with(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    clean.update(env, DJANGO_SETTINGS_MODULE="backend.settings")
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "d = settings.DATABASES; print(json.dumps({'aliases': settings.DATABASE_REPLICA_ALIASES,"
        "'port2': d['replica2']['PORT'], 'same_pool': d['replica1']['OPTIONS'] == "
        "d['default']['OPTIONS'], 'test': d['replica1']['TEST']['MIRROR'], 'routers': "
        "settings.DATABASE_ROUTERS, 'first': settings.MIDDLEWARE[0]}))"
    )
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )


def test_settings_give_each_replica_url_an_alias_with_the_primarys_pool():
    result = _settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        DATABASE_REPLICA_URLS="postgres://postgres@127.0.0.1:5433/x, "
        "postgres://postgres@127.0.0.1:5434/x",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "aliases": ["replica1", "replica2"],
        "port2": 5434,
        "same_pool": True,
        "test": "default",
        "routers": ["backend.publiccache.PublicWrites", "backend.replicas.ReplicaRouter"],
        "first": "backend.replicas.ReplicaMiddleware",
    }


def test_a_replica_of_another_kind_of_database_is_refused():
    result = _settings_with(
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/x",
        DATABASE_REPLICA_URLS="sqlite:///elsewhere.sqlite3",
    )
    assert result.returncode != 0
    assert "DATABASE_REPLICA_URLS" in result.stderr
