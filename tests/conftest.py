import os
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.db import connections, transaction
from django.test import override_settings

from accounts.otp_senders import OutboxSender
from backend import ratelimit
from tests import parallel_workers, static_once
from tests.factories import (
    AxisFactory,
    CityFactory,
    CommitteeFactory,
    DistrictFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    StaffRoleFactory,
    UserFactory,
)

ROOT = Path(__file__).resolve().parents[1]

parallel_workers.separate_redis()


def pytest_configure(config):
    parallel_workers.name_groups_file(config)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    return parallel_workers.make_scheduler(config, log)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings):
    # Fast hashing in tests; codes land in an outbox a test can read like a phone would.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.OTP_SENDER = "accounts.otp_senders.OutboxSender"
    # Tests run inside a transaction that never commits, so the public cache's version
    # would never move: it is tested on its own (tests/backend/test_publiccache.py).
    # WhiteNoise scans the static files once per process instead of once per test client
    # (tests/static_once.py); it serves the same files with the same headers.
    settings.MIDDLEWARE = [
        static_once.ONCE if m == static_once.STOCK else m
        for m in settings.MIDDLEWARE
        if m != "backend.publiccache.PublicCacheMiddleware"
    ]
    OutboxSender.outbox.clear()
    cache.clear()
    yield
    cache.clear()


# --- the demo, loaded once for every test that only reads it -----------------------------
#
# tests/demo/test_demo_load.py, tests/demo/test_demo_monitoring.py,
# tests/a11y/test_admin_persian.py and the idempotence test of tests/demo/test_demo_loader.py
# read the demo (a load takes long on PostgreSQL). It is loaded once, on the fresh test
# database, inside a transaction that is rolled back after the last of those tests; each
# test's own `db` transaction nests inside it as a savepoint, so a test that writes leaves
# nothing for the next one. pytest_collection_modifyitems below runs those tests one after the
# other (among the other `db` tests, before any transactional one), and
# pytest_runtest_teardown rolls the load back as soon as the next test does not ask for it.
# The loader's refusal without DEBUG is tested on a fresh database (test_demo_loader.py).

DEMO = "demo_once"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class _SharedDemo:
    def __init__(self):
        self.outer = []
        self.blocker = None

    def load(self, blocker):
        self.blocker = blocker
        from demo.loader import load_demo

        with blocker.unblock():
            self.outer = [transaction.atomic(using=alias) for alias in connections]
            for atomic in self.outer:
                atomic.__enter__()
            try:
                # The per-test settings (_fast_and_isolated) are not active at session scope:
                # hash with the same fast hasher the tests will check passwords with.
                with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHERS):
                    return load_demo()
            except BaseException:
                self.roll_back()
                raise

    def roll_back(self):
        if not self.outer:
            return
        with self.blocker.unblock():
            for alias, atomic in reversed(list(zip(connections, self.outer, strict=True))):
                transaction.set_rollback(True, using=alias)
                atomic.__exit__(None, None, None)
        self.outer = []


_shared_demo = _SharedDemo()


@pytest.fixture(scope="session")
def _demo_loaded(django_db_setup, django_db_blocker):
    loaded = _shared_demo.load(django_db_blocker)
    yield loaded
    _shared_demo.roll_back()


@pytest.fixture
def demo_once(_demo_loaded):
    """The demo, loaded once for the tests that read it (see above); its loader's result."""
    if not _shared_demo.outer:
        pytest.fail(
            "the shared demo was rolled back before this test: its readers must run together"
        )
    return _demo_loaded


def _reads_demo(item) -> bool:
    return DEMO in getattr(item, "fixturenames", ())


def pytest_collection_modifyitems(config, items):
    parallel_workers.write_groups(items)
    # After pytest-django's ordering (db tests, then transactional ones, then the rest): the
    # demo's readers move up to where the first of them is, so they run one after the other.
    readers = [item for item in items if _reads_demo(item)]
    if readers:
        first = items.index(readers[0])
        others = [item for item in items if not _reads_demo(item)]
        items[:] = others[:first] + readers + others[first:]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield  # the test's own fixtures (its savepoint) are torn down first
    if _reads_demo(item) and (nextitem is None or not _reads_demo(nextitem)):
        _shared_demo.roll_back()
    return result


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """`manage.py collectstatic` as the Docker image's build step runs it (DEBUG off: hashed
    and compressed copies), once per session into a temporary STATIC_ROOT.

    It takes most of a minute (every file is compressed twice, gzip and brotli), and the tests
    that need its output (tests/backend/test_settings_modes.py, test_infrastructure.py, the
    benchmark's workers in tests/benchmark/test_overhttp.py) only read it. Yields the finished
    process, the root and the environment it ran with.
    """
    root = tmp_path_factory.mktemp("production-static")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DEBUG="0", SECRET_KEY="s" * 50, ALLOWED_HOSTS="x", STATIC_ROOT=str(root))
    env.update(OTP_SENDER_ALLOW_LOG="1")  # as the Dockerfile's build step
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return SimpleNamespace(result=result, root=root, env=env)


@pytest.fixture
def limits_clock(monkeypatch):
    """Pin the rate limits' clock five seconds into a fresh hour.

    The limits count in fixed windows (backend/ratelimit.py): a test that asks twice near the
    end of a minute or an hour on the wall clock would see its second ask land in a new window,
    or a wait of a few seconds where it expects minutes. Tests that count attempts use this.
    """
    moment = [(time.time() // 3600 + 1) * 3600 + 5]
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=lambda: moment[0]))
    return moment


@pytest.fixture
def outbox():
    return OutboxSender


@pytest.fixture
def arak(db):
    return CityFactory(slug="arak", name="اراک")


@pytest.fixture
def qom(db):
    return CityFactory(slug="qom", name="قم")


@pytest.fixture
def citizen(db):
    return UserFactory(username="citizen", phone="09120000001")


@pytest.fixture
def citizen2(db):
    return UserFactory(username="citizen2", phone="09120000002")


@pytest.fixture
def moderator(arak):
    return StaffRoleFactory(city=arak, role="moderator").user


@pytest.fixture
def planner(arak):
    return StaffRoleFactory(city=arak, role="planner").user


@pytest.fixture
def city_admin(arak):
    return StaffRoleFactory(city=arak, role="city_admin").user


@pytest.fixture
def qom_moderator(qom):
    return StaffRoleFactory(city=qom, role="moderator").user


@pytest.fixture
def qom_planner(qom):
    return StaffRoleFactory(city=qom, role="planner").user


@pytest.fixture
def plan(arak):
    return PlanFactory(city=arak, title="برنامه‌ی دوم اراک")


@pytest.fixture
def axis(arak):
    return AxisFactory(city=arak, title="حمل‌ونقل و ترافیک")


@pytest.fixture
def committee(arak, axis):
    committee = CommitteeFactory(city=arak, title="کمیته‌ی امور فنی و مهندسی شهری")
    committee.axes.add(axis)
    return committee


@pytest.fixture
def districts(arak):
    return [DistrictFactory(city=arak, name=f"منطقه‌ی {i}", number=i) for i in (1, 2, 3)]


@pytest.fixture
def district(districts):
    return districts[0]


@pytest.fixture
def organisation(arak):
    return OrganisationFactory(city=arak)


@pytest.fixture
def ngo_admin(organisation):
    return MembershipFactory(organisation=organisation, role="admin").user


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def as_user(api_client):
    """`as_user(user)` → an API client authenticated by that user's token."""
    from accounts.services import api_token_for

    def _as(user):
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=user)}")
        return api_client

    return _as
