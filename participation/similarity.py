"""Similar published problems: what a citizen is about to write again, found by meaning
as far as words carry it, on either backend alike.

The text is turned into *concepts* (backend.stems): its topic words as stems, a phrase of
the city's synonym lexicon standing for all its members, a compound written apart or
together, and, while a title is still being typed, its last word as a prefix. Then:

1. **Candidates.** For every concept, the published problems of the plan whose stems
   (title and body, `Problem.stem_key`) hold it, at most POSTING_CAP each, in one query
   over a full-text index (PostgreSQL: GIN on `to_tsvector('simple', stem_key)`; SQLite:
   an FTS5 table kept by triggers). A concept that fills its cap is common ("street",
   "lack") and picks no candidates; the others give each problem a weight by how rare
   they are, and the best PRESCORE_CANDIDATES go on. Problems near the given point, and
   — when too few are found — the nearest titles by trigrams, join them.
2. **Score.** Each candidate is scored in Python, so both backends rank alike:
   TRIGRAM_WEIGHT × the titles' trigram likeness (the old formula, for encodings and
   typos) + CONCEPT_WEIGHT × the weighted share of the text's concepts the problem holds
   (full weight in its title, BODY_HIT in its body only; no concept weighs less than
   MIN_WEIGHT here, and a shared place counts as far as the topic is shared too), lowered
   when the problem holds little of the topic or names another place. A nearby problem
   ranks up to NEARBY_BONUS higher, fading to nothing at SIMILAR_NEARBY_METRES.
3. **What is shown.** The person's own problems are left out; a duplicate planners merged
   is replaced by its inventory entry (once per entry). Each suggestion says why: the
   shared words, «در عنوان» or «در متن», and the distance.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.contrib.postgres.search import TrigramDistance
from django.core.cache import cache
from django.db import connection

from backend import geo
from backend.afterresponse import after_response
from backend.persian import normalise
from backend.stems import Concept, place_head_stems, place_stems, stems
from backend.trigram import similarity, trigrams
from moderation.models import ModerationState
from participation.lexicon import lexicon_for
from participation.models import Problem

THRESHOLD = 0.3
TRIGRAM_WEIGHT = 0.35
CONCEPT_WEIGHT = 0.65
BODY_HIT = 0.8
# A named place says where, not what: it weighs less, and a problem that shares the place
# but not what the text is about scores lower (the share of topic weight it holds, lifted
# by TOPIC_FLOOR).
PLACE_WEIGHT = 0.5
TOPIC_FLOOR = 0.2
# The text names a place and the problem's title names others, none of them the text's;
# or the problem does not name the text's place at all.
PLACE_MISMATCH = 0.5
PLACE_ABSENT = 0.6
# The least weight a concept carries in the score, however common it is.
MIN_WEIGHT = 2.0
POSTING_CAP = 300
PRESCORE_CANDIDATES = 40
TRIGRAM_CANDIDATES = 20
MAX_CONCEPTS = 16
# Nearby problems need less likeness to be worth showing.
NEARBY_THRESHOLD = 0.1
NEARBY_BONUS = 0.15
NEARBY_CANDIDATES = 400
NEARBY_KEPT = 40
SQLITE_TRIGRAM_CANDIDATES = 300
# Holders SQLite's index reads per concept before the plan and state filter them.
SQLITE_POSTINGS = 3000
# How long a concept found common in a plan is remembered as common (not read again), and
# how long a plan's count of its common stems is kept.
COMMON_SECONDS = 3600
# A stem count that fails or whose worker dies frees the next try after this.
STEM_COUNT_LOCK_SECONDS = 120

_LEXEME = re.compile(r"^\w+$")
# Stands for the holders of a concept known to be common: more than the cap, never read.
COMMON: list[int] = [0] * (POSTING_CAP + 1)
_FIELDS = (
    "id",
    "title",
    "title_key",
    "stem_key",
    "supports_count",
    "latitude",
    "longitude",
    "triage_state",
    "inventory_entry_id",
    "inventory_entry__title",
    "author_id",
)


@dataclass(frozen=True)
class Match:
    """A word of the text that the suggestion shares, and where: "title" or "body"."""

    words: str
    where: str


@dataclass(frozen=True)
class SimilarProblem:
    id: int
    title: str
    score: float
    supports_count: int
    # Metres from the given point, when both have one and it is within the radius.
    distance_m: int | None = None
    matched: tuple[Match, ...] = ()
    # A merged duplicate is shown as its inventory entry.
    entry_id: int | None = None
    entry_title: str = ""

    @property
    def in_title(self) -> list[str]:
        return [m.words for m in self.matched if m.where == "title"]

    @property
    def in_body(self) -> list[str]:
        return [m.words for m in self.matched if m.where == "body"]


def _weight(postings: int) -> float:
    # A concept no problem holds weighs like a rare one, not infinitely.
    return math.log(1 + POSTING_CAP / max(postings, 5 if postings == 0 else 1))


# Candidates --------------------------------------------------------------------------


def _pg_query(concept: Concept) -> str | None:
    if concept.prefix:
        start = concept.alternatives[0][0]
        return f"'{start}':*" if _LEXEME.match(start) else None
    parts = []
    for alternative in concept.alternatives:
        if all(_LEXEME.match(s) for s in alternative):
            joined = " & ".join(f"'{s}'" for s in alternative)
            parts.append(f"({joined})" if len(alternative) > 1 else joined)
    return " | ".join(parts) or None


def _fts_query(concept: Concept) -> str | None:
    if concept.prefix:
        start = concept.alternatives[0][0]
        return f'"{start}"*' if _LEXEME.match(start) else None
    parts = []
    for alternative in concept.alternatives:
        if all(_LEXEME.match(s) for s in alternative):
            joined = " AND ".join(f'"{s}"' for s in alternative)
            parts.append(f"({joined})" if len(alternative) > 1 else joined)
    return " OR ".join(parts) or None


def _postings(
    concepts: list[Concept], plan_id: int, known_common: set[int]
) -> tuple[list[list[int]], list[int]]:
    """For each concept, ids of published problems of the plan that hold it (capped; a
    concept known to be common is not asked); and the ids of those that hold every concept,
    which finds a problem even when each of its words is common."""
    postgres = connection.vendor == "postgresql"
    queries = [_pg_query(c) if postgres else _fts_query(c) for c in concepts]
    every = [q for q in queries if q is not None]
    asked = [(i, q) for i, q in enumerate(queries) if q is not None and i not in known_common]
    if len(every) > 1:
        glue = " & " if postgres else " AND "
        asked.append((len(concepts), glue.join(f"({q})" for q in every)))
    found: list[list[int]] = [[] for _ in range(len(concepts) + 1)]
    selects: list[str] = []
    params: list[Any] = []
    for index, query in asked:
        if postgres:
            # The GIN index on the stems finds the holders; the plan and state filter them.
            selects.append(
                f"SELECT * FROM (SELECT p.id, {index} AS c FROM participation_problem p "
                "WHERE p.plan_id = %s AND p.moderation_state = %s AND "
                "to_tsvector('simple', p.stem_key) @@ to_tsquery('simple', %s) "
                f"LIMIT %s) AS q{index}"
            )
            params += [plan_id, ModerationState.PUBLISHED, query, POSTING_CAP + 1]
        else:
            # FTS5 stops after SQLITE_POSTINGS holders, so a common word costs no more.
            selects.append(
                f"SELECT * FROM (SELECT p.id, {index} AS c FROM (SELECT rowid AS r FROM "
                "participation_problem_stems WHERE participation_problem_stems MATCH %s "
                "LIMIT %s) AS m JOIN participation_problem p ON p.id = m.r "
                f"WHERE p.plan_id = %s AND p.moderation_state = %s LIMIT %s) AS q{index}"
            )
            params += [query, SQLITE_POSTINGS, plan_id, ModerationState.PUBLISHED, POSTING_CAP + 1]
    if selects:
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            for pk, index in cursor.fetchall():
                found[index].append(pk)
    return found[:-1], found[-1]


def _common_keys(plan_id: int, concepts: list[Concept]) -> dict[int, str]:
    return {
        i: f"similar:common:{plan_id}:" + hashlib.sha1(repr(c.alternatives).encode()).hexdigest()
        for i, c in enumerate(concepts)
        if not c.prefix
    }


def _known_common(
    keys: dict[int, str], plan_id: int | None = None, concepts: Sequence[Concept] = ()
) -> set[int]:
    """Concepts known to be common in this plan: found so by an earlier lookup (kept
    COMMON_SECONDS), or, given the plan and the concepts, with a stem the plan's stem count
    says is held by more than POSTING_CAP problems (`_count_common_stems`). Their holders are not
    read, which is most of a lookup's cost in a large plan. The stem count is asked in the
    same round trip; when there is none yet, one is made after the answer."""
    # Only PostgreSQL counts stems (SQLite's index stops early: a common word is cheap there).
    counted = connection.vendor == "postgresql" and plan_id is not None and concepts
    stems_key = _stems_key(plan_id) if counted and plan_id is not None else None
    try:
        held = cache.get_many([*keys.values(), *([stems_key] if stems_key else [])])
    except Exception:  # the cache is down: every concept is asked
        return set()
    known = {i for i, key in keys.items() if key in held}
    if stems_key is None or plan_id is None:
        return known
    stems = held.get(stems_key)
    if stems is None:
        after_response(lambda: _count_common_stems(plan_id))
        return known
    for i, concept in enumerate(concepts):
        # One stem alone held by more than the cap: the concept (any of its alternatives)
        # is held by more still. Alternatives of several stems are left to the query.
        if not concept.prefix and any(
            len(alternative) == 1 and alternative[0] in stems
            for alternative in concept.alternatives
        ):
            known.add(i)
    return known


def _stems_key(plan_id: int) -> str:
    return f"similar:stems:{plan_id}:{POSTING_CAP}"


def _count_common_stems(plan_id: int) -> None:
    """Count the stems of the plan's published problems once (PostgreSQL's ts_stat over the
    stems' index expression: ~1.4–2 s at 100k problems, so never in a request's time) and
    keep those held by more than POSTING_CAP for COMMON_SECONDS. Without it a new worker,
    or a cache emptied, reads the holders of every common concept it meets (~15 ms each)
    until each has been met once. One worker counts at a time (a lock in the cache)."""
    if connection.vendor != "postgresql":
        return  # SQLite's FTS5 stops after SQLITE_POSTINGS holders: a common word is cheap
    key = _stems_key(plan_id)
    if cache.get(key) is not None or not cache.add(f"{key}:counting", 1, STEM_COUNT_LOCK_SECONDS):
        return  # counted already (another lookup of the same request), or being counted
    try:
        inner = (
            "SELECT to_tsvector('simple', stem_key) FROM participation_problem "
            f"WHERE plan_id = {int(plan_id)} AND moderation_state = "
            f"'{ModerationState.PUBLISHED.value}'"
        )
        with connection.cursor() as cursor:
            cursor.execute("SELECT word FROM ts_stat(%s) WHERE ndoc > %s", [inner, POSTING_CAP])
            common = frozenset(row[0] for row in cursor.fetchall())
        cache.set(key, common, COMMON_SECONDS)
    finally:
        cache.delete(f"{key}:counting")


def _remember_common(keys: dict[int, str], common: list[int]) -> None:
    if not common:
        return
    with contextlib.suppress(Exception):  # the cache is down: only a shortcut lost
        cache.set_many({keys[i]: 1 for i in common if i in keys}, COMMON_SECONDS)


def _published(plan_id: int, exclude_id: int | None):
    queryset = Problem.objects.filter(plan_id=plan_id, moderation_state=ModerationState.PUBLISHED)
    if exclude_id:
        queryset = queryset.exclude(pk=exclude_id)
    return queryset


def _nearest_titles(key: str, plan_id: int, exclude_id: int | None) -> list[int]:
    """Ids of the titles nearest by trigrams (the fallback for typos and odd spellings)."""
    if connection.vendor == "postgresql":
        rows = (
            _published(plan_id, exclude_id)
            .annotate(distance=TrigramDistance("title_key", key))
            .order_by("distance")  # only the distance, or the GiST index cannot serve it
            .values_list("id", flat=True)[:TRIGRAM_CANDIDATES]
        )
        return list(rows)
    grams = sorted({g for g in trigrams(key) if " " not in g})[:64]
    if not grams:
        return []
    query = " OR ".join('"' + g.replace('"', '""') + '"' for g in grams)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rowid FROM participation_problem_trgm WHERE participation_problem_trgm "
            "MATCH %s ORDER BY bm25(participation_problem_trgm) LIMIT %s",
            [query, SQLITE_TRIGRAM_CANDIDATES],
        )
        return [row[0] for row in cursor.fetchall()]


# Scoring -----------------------------------------------------------------------------


def _score(
    key: str, concepts: list[Concept], weights: list[float], row: dict[str, Any]
) -> tuple[float, tuple[Match, ...]]:
    title_stems = set(stems(row["title_key"]))
    all_stems = set(row["stem_key"].split()) | title_stems
    title_places = place_stems(row["title"])
    # A street of the problem's title named after a kind of place is not that place:
    # «دانشگاه» of «بلوار دانشگاه» is a street, not the university a text speaks of.
    kinds = place_head_stems()
    names = {s for place in title_places for s in place[1:] if s in kinds}
    topic_title, topic_all = title_stems - names, all_stems - names
    place_total = place_held = topic_total = topic_held = 0.0
    matched = []
    for concept, weight in zip(concepts, weights, strict=True):
        # Rarity decides which problems are read; what the text says decides whether one
        # is the same problem, so a common word the problem lacks still counts against it.
        weight = max(weight, MIN_WEIGHT)
        hit = 0.0
        in_title, in_all = (title_stems, all_stems) if concept.place else (topic_title, topic_all)
        if concept.found_in(in_title):
            hit = 1.0
            matched.append(Match(concept.words, "title"))
        elif concept.found_in(in_all):
            hit = BODY_HIT
            matched.append(Match(concept.words, "body"))
        if concept.place:
            place_total += weight * PLACE_WEIGHT
            place_held += weight * PLACE_WEIGHT * hit
        else:
            topic_total += weight
            topic_held += weight * hit
    total = place_total + topic_total
    topic = topic_held / topic_total if topic_total else 1.0
    # The same place counts as far as the problem is about the same thing there.
    coverage = (topic_held + place_held * topic) / total if total else 0.0
    score = TRIGRAM_WEIGHT * similarity(key, row["title_key"]) + CONCEPT_WEIGHT * coverage
    score *= TOPIC_FLOOR + (1 - TOPIC_FLOOR) * topic
    places = [c for c in concepts if c.place]
    if places and not any(c.found_in(all_stems) for c in places):
        score *= PLACE_MISMATCH if title_places else PLACE_ABSENT
    return score, tuple(matched)


def _nearby(
    concepts: list[Concept],
    rare: list[bool],
    plan_id: int,
    exclude_id: int | None,
    point: tuple[Decimal, Decimal],
    radius: float,
) -> dict[int, int]:
    """The NEARBY_KEPT nearest published problems within `radius` metres that share one of
    the text's stems (its rarer ones, when it has any), with their distance: a box on the
    index, the exact distance here."""
    latitude, longitude = point
    south, west, north, east = geo.box_around(latitude, longitude, radius)
    boxed = (
        _published(plan_id, exclude_id)
        .filter(latitude__range=(south, north), longitude__range=(west, east))
        .values_list("id", "latitude", "longitude", "stem_key")[:NEARBY_CANDIDATES]
    )
    chosen = [c for c, r in zip(concepts, rare, strict=True) if r] or concepts
    wanted = {s for c in chosen if not c.prefix for a in c.alternatives for s in a}
    starts = [c.alternatives[0][0] for c in chosen if c.prefix]
    found = []
    for pk, lat, lon, stem_key in boxed:
        held = stem_key.split()
        if not (wanted.intersection(held) or any(h.startswith(p) for p in starts for h in held)):
            continue
        metres = geo.distance_m(latitude, longitude, lat, lon)
        if metres <= radius:
            found.append((round(metres), pk))
    return {pk: metres for metres, pk in sorted(found)[:NEARBY_KEPT]}


def _rows(ids: set[int], plan_id: int) -> list[dict[str, Any]]:
    if not ids:
        return []
    return list(_published(plan_id, None).filter(pk__in=ids).values(*_FIELDS))


def similar_problems(
    *,
    plan_id: int,
    text: str,
    limit: int = 5,
    exclude_id: int | None = None,
    latitude: Decimal | None = None,
    longitude: Decimal | None = None,
    user: Any = None,
    typing: bool = False,
) -> list[SimilarProblem]:
    """Published problems of the plan most like `text`, best first, each with a 0–1 score,
    the words it shares and, when a point is given and it lies within the nearby radius,
    its distance. `user`'s own problems are left out; `typing` reads the last word as
    possibly unfinished."""
    key = normalise(text)[:300]
    if len(key.replace(" ", "")) < 3:
        return []
    from planning.models import Plan

    city_id = Plan.objects.filter(pk=plan_id).values_list("city_id", flat=True).first()
    concepts = lexicon_for(city_id).concepts(text[:300], typing=typing)[:MAX_CONCEPTS]
    keys = _common_keys(plan_id, concepts)
    known = _known_common(keys, plan_id, concepts)
    postings, holding_all = _postings(concepts, plan_id, known) if concepts else ([], [])
    for i in known:
        postings[i] = COMMON
    _remember_common(
        keys, [i for i, p in enumerate(postings) if len(p) > POSTING_CAP and i not in known]
    )
    weights = [_weight(len(p)) for p in postings]
    prescore: dict[int, float] = {}
    common = 0.0
    for holders, weight in zip(postings, weights, strict=True):
        if len(holders) > POSTING_CAP:
            common += weight  # says little about which problem is meant, alone
            continue
        for pk in holders:
            prescore[pk] = prescore.get(pk, 0.0) + weight
    for pk in holding_all:  # holds the common ones too
        prescore[pk] = prescore.get(pk, 0.0) + common
    best = sorted(prescore, key=lambda pk: (-prescore[pk], -pk))[:PRESCORE_CANDIDATES]
    candidates = set(best)

    radius = float(settings.SIMILAR_NEARBY_METRES)
    nearby: dict[int, int] = {}
    if latitude is not None and longitude is not None and radius > 0:
        rare = [len(p) <= POSTING_CAP for p in postings]
        point = (latitude, longitude)
        nearby = _nearby(concepts, rare, plan_id, exclude_id, point, radius)
        candidates |= set(nearby)

    rows = _rows(candidates, plan_id)
    found = _rank(key, concepts, weights, rows, nearby, radius, exclude_id, user)
    # A title still being typed that found nothing and has a word no problem holds (a typo,
    # a spelling the stems miss): the nearest titles by trigrams may still know it. It is
    # the costliest read at 100k problems (~45 ms), so only the form's live list pays it.
    unknown = not concepts or any(not holders for holders in postings)
    if typing and not found and unknown:
        more = set(_nearest_titles(key, plan_id, exclude_id)) - candidates
        if more:
            rows += _rows(more, plan_id)
            found = _rank(key, concepts, weights, rows, nearby, radius, exclude_id, user)
    return found[:limit]


def _rank(key, concepts, weights, rows, nearby, radius, exclude_id, user) -> list[SimilarProblem]:
    own = getattr(user, "pk", None) if getattr(user, "is_authenticated", False) else None
    scored: list[tuple[float, SimilarProblem]] = []
    for row in rows:
        if row["id"] == exclude_id or (own is not None and row["author_id"] == own):
            continue
        score, matched = _score(key, concepts, weights, row)
        distance = nearby.get(row["id"])
        if score < (NEARBY_THRESHOLD if distance is not None else THRESHOLD):
            continue
        rank = score
        if distance is not None:
            rank += NEARBY_BONUS * max(0.0, 1 - distance / radius)
        found = SimilarProblem(
            row["id"],
            row["title"],
            round(min(score, 1.0), 3),
            row["supports_count"],
            distance,
            matched,
        )
        if row["triage_state"] == Problem.Triage.MERGED and row["inventory_entry_id"]:
            found = replace(
                found,
                entry_id=row["inventory_entry_id"],
                entry_title=row["inventory_entry__title"] or "",
            )
        scored.append((rank, found))
    scored.sort(key=lambda pair: (-pair[0], -pair[1].supports_count, pair[1].id))
    # A merged duplicate stands for its entry: once, and not beside a problem of that entry
    # that is shown anyway.
    shown_entries = {
        row["inventory_entry_id"]
        for row in rows
        if row["inventory_entry_id"]
        and row["triage_state"] != Problem.Triage.MERGED
        and row["id"] in {found.id for _, found in scored}
    }
    kept = []
    for _, found in scored:
        if found.entry_id is not None:
            if found.entry_id in shown_entries:
                continue
            shown_entries.add(found.entry_id)
        kept.append(found)
    return kept


def ensure_sqlite_index(using: str = "default", **kwargs) -> None:
    """Keep SQLite's trigram and stem tables and their triggers in place after every migrate.

    SQLite migrations that alter the problem table rebuild it, which drops its triggers;
    this puts them back and refills an index whose triggers were missing.
    """
    from django.db import connections

    from participation.migrations import _sqlite_stems, _sqlite_trigram

    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'participation_problem'"
        )
        if cursor.fetchone() is None:
            return
        for sql, prefix, table in (
            (_sqlite_trigram, "problem_trgm_", "participation_problem_trgm"),
            (_sqlite_stems, "problem_stems_", "participation_problem_stems"),
        ):
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [prefix + "%"],
            )
            if cursor.fetchone()[0] == 3:
                continue
            for statement in sql.CREATE:
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — a fixed table name
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
