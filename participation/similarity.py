"""Similar published problems, on normalised text, with a trigram index on each backend.

PostgreSQL ranks with pg_trgm, nearest first over a GiST index (a GIN index serves search);
SQLite finds candidates through an FTS5 trigram table and scores them with the same formula
(backend.trigram), so a problem typed with Arabic ي/ك, without ZWNJ, with other digits or
with its words reordered ranks first on both.

Given the new problem's point, published problems within SIMILAR_NEARBY_METRES are
considered too: one whose title is like the new one (NEARBY_THRESHOLD, lower than the
plain threshold, since the place already says a lot) joins the list, and a nearby match
ranks ahead of an equally similar one elsewhere. Each suggestion then carries its distance,
so the page can say «۱۲۰ متر آن‌طرف‌تر، با عنوان مشابه». Distances are computed in Python
on both backends, so they rank alike.
"""

from dataclasses import dataclass, replace
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import TrigramDistance
from django.db import connection

from backend import geo
from backend.persian import normalise
from backend.trigram import similarity, trigrams
from moderation.models import ModerationState
from participation.models import Problem

THRESHOLD = 0.2
SQLITE_CANDIDATES = 60
# Nearby problems need less textual likeness to be worth showing.
NEARBY_THRESHOLD = 0.12
# How much a match at the very same spot moves up the list (fading to 0 at the radius).
NEARBY_BONUS = 0.15
# Published problems read from the box around the point, at most.
NEARBY_CANDIDATES = 400


@dataclass(frozen=True)
class SimilarProblem:
    id: int
    title: str
    score: float
    supports_count: int
    # Metres from the given point, when both have one and it is within the radius.
    distance_m: int | None = None

    def rank(self, radius: float) -> float:
        if self.distance_m is None or radius <= 0:
            return self.score
        return self.score + NEARBY_BONUS * max(0.0, 1 - self.distance_m / radius)


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


def _nearby(
    key: str, plan_id: int, exclude_id: int | None, lat: Decimal, lon: Decimal, radius: float
) -> dict[int, SimilarProblem]:
    """Published problems within `radius` metres whose titles are at least a little alike,
    by id, each with its distance."""
    south, west, north, east = geo.box_around(lat, lon, radius)
    rows = (
        _published(plan_id, exclude_id)
        .filter(latitude__range=(south, north), longitude__range=(west, east))
        .values_list("id", "title", "title_key", "supports_count", "latitude", "longitude")
    )[:NEARBY_CANDIDATES]
    found = {}
    for pk, title, title_key, supports, plat, plon in rows:
        metres = geo.distance_m(lat, lon, plat, plon)
        if metres > radius:
            continue
        score = similarity(key, title_key)
        if score >= NEARBY_THRESHOLD:
            found[pk] = SimilarProblem(pk, title, round(score, 3), supports, round(metres))
    return found


def similar_problems(
    *,
    plan_id: int,
    text: str,
    limit: int = 5,
    exclude_id: int | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
) -> list[SimilarProblem]:
    """Published problems of the plan most like `text`, best first, with a 0–1 score and,
    when a point is given, the distance of those within the nearby radius."""
    key = normalise(text)[:300]
    if len(key.replace(" ", "")) < 3:
        return []
    search = _postgres if connection.vendor == "postgresql" else _sqlite
    radius = float(settings.SIMILAR_NEARBY_METRES)
    if latitude is None or longitude is None or radius <= 0:
        return search(key, plan_id, limit, exclude_id)
    near = _nearby(key, plan_id, exclude_id, latitude, longitude, radius)
    merged = dict(near)
    for found in search(key, plan_id, limit, exclude_id):
        if found.id in near:  # found both ways: the search's score, and the distance
            merged[found.id] = replace(found, distance_m=near[found.id].distance_m)
        else:
            merged[found.id] = found
    ranked = sorted(merged.values(), key=lambda s: (-s.rank(radius), -s.supports_count, s.id))
    return ranked[:limit]


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


def similar_to(problem: Problem, *, limit: int = 1) -> list[SimilarProblem]:
    """Published problems like a stored one (by its title and its point), itself left out:
    the moderators' duplicate hint and Open311's notice."""
    return similar_problems(
        plan_id=problem.plan_id,
        text=problem.title,
        limit=limit,
        exclude_id=problem.pk,
        latitude=problem.latitude,
        longitude=problem.longitude,
    )
