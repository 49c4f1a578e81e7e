"""Public reads against a real PostgreSQL streaming replica (scripts/pg-replica).

CI starts the replica and sets TEST_REPLICA_URL (.ci/run); the rows these tests write on
the primary reach the replica by WAL streaming, as they would in production."""

import os
import time

import dj_database_url
import pytest
from django.db import DatabaseError, connection, connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from tests.factories import PlanFactory, ProblemFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

ALIAS = "replica_live"


@pytest.fixture
def replica(settings):
    if connection.vendor != "postgresql":
        pytest.skip("read replicas are a PostgreSQL deployment")
    url = os.environ.get("TEST_REPLICA_URL", "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail("CI must run these: .ci/run starts scripts/pg-replica, TEST_REPLICA_URL")
        pytest.skip("no replica: scripts/pg-replica start, then TEST_REPLICA_URL")
    where = dj_database_url.parse(url)
    options = {k: v for k, v in connection.settings_dict.get("OPTIONS", {}).items() if k != "pool"}
    # The primary's test database, read through the replica's server: a connection made
    # here (not in settings.DATABASES), which Django's test case lets through.
    wrapper = load_backend(connection.settings_dict["ENGINE"]).DatabaseWrapper(
        {
            **connection.settings_dict,
            "HOST": where["HOST"],
            "PORT": where["PORT"],
            "OPTIONS": options,
            "CONN_MAX_AGE": 0,
        },
        ALIAS,
    )
    connections[ALIAS] = wrapper
    settings.DATABASE_REPLICA_ALIASES = [ALIAS]
    settings.DATABASE_ROUTERS = ["backend.replicas.ReplicaRouter"]
    settings.MIDDLEWARE = ["backend.replicas.ReplicaMiddleware", *settings.MIDDLEWARE]
    yield wrapper
    wrapper.close()
    del connections[ALIAS]


def _caught_up(replica) -> None:
    """Wait until the replica has replayed everything the primary has written."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        written = cursor.fetchone()[0]
    for _ in range(200):
        with replica.cursor() as cursor:
            cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [written])
            if cursor.fetchone()[0]:
                return
        time.sleep(0.05)
    pytest.fail("the replica did not catch up within 10 s")


def _problem_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if "participation_problem" in q["sql"]]


def test_it_is_a_real_read_only_standby(replica):
    with replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    with pytest.raises(DatabaseError, match="read-only"), replica.cursor() as cursor:
        cursor.execute("CREATE TABLE refused (id int)")


def test_a_public_list_is_read_from_the_replica(replica, client):
    plan = PlanFactory()
    ProblemFactory(plan=plan, title="چاله‌ی بزرگ خیابان شهدا")
    _caught_up(replica)
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        response = client.get(f"/api/v1/problems/?plan={plan.pk}")
    assert response.status_code == 200
    assert "چاله‌ی بزرگ خیابان شهدا" in response.content.decode()
    assert _problem_reads(on_replica.captured_queries)
    assert _problem_reads(on_primary.captured_queries) == []


def test_a_signed_in_person_reads_the_primary(replica, client):
    plan = PlanFactory()
    ProblemFactory(plan=plan)
    client.force_login(UserFactory())
    _caught_up(replica)
    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connection) as on_primary,
    ):
        assert client.get(f"/api/v1/problems/?plan={plan.pk}").status_code == 200
    assert on_replica.captured_queries == []
    assert _problem_reads(on_primary.captured_queries)


def test_after_a_write_the_browser_reads_the_primary(replica, client):
    plan = PlanFactory()
    ProblemFactory(plan=plan)
    _caught_up(replica)
    # Any write-method request pins the browser, even one that is refused.
    response = client.post("/signin/", {"phone": "not a number"})
    assert response.cookies["hm_primary"]["max-age"] == 10
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(f"/api/v1/problems/?plan={plan.pk}").status_code == 200
    assert on_replica.captured_queries == []
    # Once the pin expires (the cookie goes), public reads return to the replica.
    client.cookies.pop("hm_primary")
    with CaptureQueriesContext(replica) as on_replica:
        assert client.get(f"/api/v1/problems/?plan={plan.pk}").status_code == 200
    assert _problem_reads(on_replica.captured_queries)
