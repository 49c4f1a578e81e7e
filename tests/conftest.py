import pytest
from django.core.cache import cache

from accounts.otp_senders import OutboxSender
from tests import static_once
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
