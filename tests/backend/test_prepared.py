"""Server-side binding and prepared statements on PostgreSQL (backend/settings.py,
docs/scaling.md «Prepared statements»)."""

import json

import pytest
from django.db import connection

from participation import selectors
from tests.backend.test_infrastructure import run_python
from tests.factories import ProblemFactory, unique_title

SHOW_OPTIONS = (
    "import json, django; from django.conf import settings; django.setup();"
    "o = settings.DATABASES['default'].get('OPTIONS', {});"
    "print(json.dumps([o.get('server_side_binding'), o.get('prepare_threshold')]))"
)
POSTGRES = "postgres://u@db:5432/x"


def test_postgres_binds_on_the_server_and_prepares_by_default():
    shown = run_python(SHOW_OPTIONS, DATABASE_URL=POSTGRES)
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout) == [True, 5]


def test_binding_can_be_turned_off_or_tuned_and_sqlite_has_neither():
    off = run_python(SHOW_OPTIONS, DATABASE_URL=POSTGRES, DB_SERVER_SIDE_BINDING="0")
    assert json.loads(off.stdout) == [None, None]
    tuned = run_python(SHOW_OPTIONS, DATABASE_URL=POSTGRES, DB_PREPARE_THRESHOLD="2")
    assert json.loads(tuned.stdout) == [True, 2]
    assert json.loads(run_python(SHOW_OPTIONS, DEBUG="").stdout) == [None, None]
    bad = run_python(SHOW_OPTIONS, DATABASE_URL=POSTGRES, DB_PREPARE_THRESHOLD="soon")
    assert bad.returncode != 0
    assert "DB_PREPARE_THRESHOLD must be a whole number" in bad.stderr


@pytest.mark.django_db
def test_a_lookup_run_again_is_prepared_once_and_still_reads_each_row():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    problems = [ProblemFactory(title=unique_title(n)) for n in range(8)]

    def prepared() -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return {row[0] for row in cursor.fetchall()}

    before = prepared()
    # The same lookup with a different key each time: after the threshold PostgreSQL keeps
    # one statement for it, and each run still answers with its own row.
    for problem in problems:
        found = selectors.problem_get(pk=problem.pk)
        assert found is not None
        assert found.title == problem.title
    new = [s for s in prepared() - before if "participation_problem" in s]
    assert len(new) >= 1
    assert all("$1" in statement for statement in new)


@pytest.mark.django_db
def test_searches_are_planned_for_their_values_every_time(api_client, plan):
    """A generic plan for `LIKE $1`, `words && $1`, or for `id = ANY($1)` in a statement
    that stops early, cannot know how many rows match (backend/pgcursor.py): those are
    never prepared, however often they run."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    for n in range(4):
        ProblemFactory(plan=plan, title=f"چاله خیابان {n}")
    for _ in range(8):
        response = api_client.get("/api/v1/problems/", {"plan": plan.pk, "q": "چاله"})
        assert response.json()["count"] == 4
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert prepared  # the rest of each request (the plan, the photos…) is prepared
    assert not [
        s for s in prepared if " LIKE " in s or " && " in s or ("= ANY(" in s and "LIMIT" in s)
    ]


@pytest.mark.parametrize(
    ("statement", "planned"),
    [
        ('SELECT id FROM p WHERE "search_text"::text LIKE %s LIMIT 1001', True),
        ("SELECT id FROM p WHERE to_tsvector('simple', k) @@ to_tsquery('simple', %s)", True),
        ("SELECT id FROM p ORDER BY title_key <-> %s LIMIT 20", True),
        ('SELECT id FROM p WHERE "title" ILIKE %s', True),
        ('SELECT id FROM p WHERE "p"."search_words" && %s::integer[] LIMIT 1001', True),
        ('SELECT id FROM p WHERE "title"::text ~* %s', True),
        ("SELECT id FROM p WHERE title_key %% %s", True),
        ('SELECT id FROM p WHERE "id" = ANY(%s) ORDER BY created_at DESC LIMIT 20', True),
        ('SELECT * FROM p JOIN u ON u.id = p.author_id WHERE "p"."id" = ANY(%s)', False),
        ('SELECT * FROM p WHERE "p"."id" = %s LIMIT 1', False),
    ],
)
def test_which_statements_are_planned_for_their_values(statement, planned):
    if connection.vendor != "postgresql":
        pytest.skip("the cursor is PostgreSQL's")
    from backend.pgcursor import planned_for_values

    assert planned_for_values(statement) is planned
