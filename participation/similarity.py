"""Similar published problems, on normalised text, with a trigram index on each backend.

PostgreSQL ranks with pg_trgm, nearest first over a GiST index (a GIN index serves search);
SQLite finds candidates through an FTS5 trigram table and scores them with the same formula
(backend.trigram), so a problem typed with Arabic ي/ك, without ZWNJ, with other digits or
with its words reordered ranks first on both.
"""

from dataclasses import dataclass

from django.contrib.postgres.search import TrigramDistance
from django.db import connection

from backend.persian import normalise
from backend.trigram import similarity, trigrams
from moderation.models import ModerationState
from participation.models import Problem

THRESHOLD = 0.2
SQLITE_CANDIDATES = 60


@dataclass(frozen=True)
class SimilarProblem:
    id: int
    title: str
    score: float
    supports_count: int


def _published(plan_id: int, exclude_id: int | None):
    queryset = Problem.objects.filter(plan_id=plan_id, moderation_state=ModerationState.PUBLISHED)
    if exclude_id:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset


def _postgres(key: str, plan_id: int, limit: int, exclude_id: int | None):
    # Nearest titles first through the GiST trigram index (`<->` is 1 − similarity), then
    # keep those above the threshold. A few spare rows absorb unpublished/excluded ones.
    rows = (
        _published(plan_id, exclude_id)
        .annotate(distance=TrigramDistance("title_key", key))
        # Only the distance may order the query, or the index cannot serve it.
        .order_by("distance")
        .values_list("id", "title", "distance", "supports_count")[: limit * 4]
    )
    found = [
        SimilarProblem(pk, title, round(1 - float(distance), 3), n)
        for pk, title, distance, n in rows
        if 1 - float(distance) >= THRESHOLD
    ]
    found.sort(key=lambda s: (-s.score, -s.supports_count, s.id))
    return found[:limit]


def _fts_query(key: str) -> str | None:
    grams = sorted({g for g in trigrams(key) if " " not in g})[:64]
    if not grams:
        return None
    return " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)


def _sqlite(key: str, plan_id: int, limit: int, exclude_id: int | None):
    query = _fts_query(key)
    if query is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM participation_problem_trgm WHERE participation_problem_trgm "
            "MATCH %s ORDER BY bm25(participation_problem_trgm) LIMIT %s",
            [query, SQLITE_CANDIDATES * 5],
        )
        ids = [row[0] for row in cursor.fetchall()]
    candidates = _published(plan_id, exclude_id).filter(pk__in=ids)
    scored = []
    for pk, title, title_key, supports in candidates.values_list(
        "id", "title", "title_key", "supports_count"
    ):
        score = similarity(key, title_key)
        if score >= THRESHOLD:
            scored.append(SimilarProblem(pk, title, round(score, 3), supports))
    scored.sort(key=lambda s: (-s.score, -s.supports_count, s.id))
    return scored[:limit]


def similar_problems(
    *, plan_id: int, text: str, limit: int = 5, exclude_id: int | None = None
) -> list[SimilarProblem]:
    """Published problems of the plan most like `text`, best first, with a 0–1 score."""
    key = normalise(text)[:300]
    if len(key.replace(" ", "")) < 3:
        return []
    if connection.vendor == "postgresql":
        return _postgres(key, plan_id, limit, exclude_id)
    return _sqlite(key, plan_id, limit, exclude_id)


def ensure_sqlite_index(using: str = "default", **kwargs) -> None:
    """Keep SQLite's trigram table and its triggers in place after every migrate.

    SQLite migrations that alter the problem table rebuild it, which drops its triggers;
    this puts them back and refills the index when they were missing.
    """
    from django.db import connections

    from participation.migrations import _sqlite_trigram as sql

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'participation_problem'"
        )
        if cursor.fetchone() is None:
            return
        cursor.execute(
            "SELECT count(*) FROM sqlite_master "
            "WHERE type = 'trigger' AND name LIKE 'problem_trgm_%'"
        )
        complete = cursor.fetchone()[0] == 3
        if complete:
            return
        for statement in sql.CREATE:
            cursor.execute(statement)
        cursor.execute("DELETE FROM participation_problem_trgm")
        cursor.execute(sql.FILL)
