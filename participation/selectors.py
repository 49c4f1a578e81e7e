"""Reads of citizen input. Counts come from denormalised counters or one annotation, never
a query per row."""

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import (
    Avg,
    BigIntegerField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    IntegerField,
    Lookup,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce, Floor, RowNumber

from accounts.models import Membership, Organisation, User
from backend.compiled import Compiled, attach
from backend.lookups import keys_in
from backend.paging import CappedPaginator, with_known_count
from cities.models import District
from moderation.models import ModerationState
from moderation.selectors import visible_to
from participation.models import (
    SEARCH_WORD_MAX,
    Comment,
    Endorsement,
    Follow,
    Problem,
    ProblemPhoto,
    Proposal,
    SearchWord,
    Support,
)
from participation.rules import PROBLEM_PHASES
from planning.models import Plan, PlanItem
from planning.selectors import plan_list

PUBLISHED = ModerationState.PUBLISHED
logger = logging.getLogger(__name__)


def count_per_row(rows: QuerySet, field: str):
    """How many of `rows` point at each outer row through `field` (0 for none), as one
    correlated subquery."""
    counts = (
        rows.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def _published_comments_count(field: str):
    return count_per_row(Comment.objects.filter(moderation_state=PUBLISHED), field)


def _photos() -> Prefetch:
    """A problem's photos in their order: one query for every problem of a page."""
    return Prefetch("photos", queryset=ProblemPhoto.objects.order_by("position", "id"))


def problem_list(*, user=None, with_places: bool = False) -> QuerySet[Problem]:
    """Problems the user may see (published, plus their own), ready for listing, with
    their photos (one more query per page). Joins only what a list row shows (each extra
    join costs planning time on every request); `with_places` adds the plan and city for
    pages that name them."""
    related = ["author", "axis", "district"]
    if with_places:
        related += ["plan", "plan__city", "inventory_entry"]
    queryset = (
        Problem.objects.filter(visible_to(user))
        .select_related(*related)
        .annotate(comments_count=_published_comments_count("problem"))
        .prefetch_related(_photos())
    )
    if user is not None and user.is_authenticated:
        queryset = queryset.annotate(
            supported_by_me=Exists(Support.objects.filter(problem=OuterRef("pk"), user=user))
        )
    return queryset


def _problem_one(pk: int, user=None) -> QuerySet[Problem]:
    return (
        problem_list(user=user, with_places=True)
        .annotate(followers_count=count_per_row(Follow.objects.all(), "problem"))
        .prefetch_related("inventory_entry__addressed_by")
        .filter(pk=pk)
        .order_by()  # one row: no order to compile
    )


def _problem_alone(pk: int, user=None) -> QuerySet[Problem]:
    return _problem_one(pk, user).prefetch_related(None)


# A problem's page and detail read these on every miss: compiled once (backend.compiled),
# with the photos and the addressing plan items read by their own compiled statements.
_problem_for_visitor = Compiled(lambda pk: _problem_alone(pk))
_problem_for_user = Compiled(lambda pk, user_id: _problem_alone(pk, User(pk=user_id)))
_problem_photos = Compiled(
    lambda problem_id: ProblemPhoto.objects.filter(problem_id=problem_id).order_by("position", "id")
)
_entry_items = Compiled(lambda entry_id: PlanItem.objects.filter(addresses=entry_id))


def problem_get(*, pk: int, user=None) -> Problem | None:
    """One problem with its inventory entry, the plan items that address it and how many
    follow it (`followers_count`, which `follow_count` reads instead of counting)."""
    if type(pk) is not int:
        return _problem_one(pk, user).first()
    if user is not None and user.is_authenticated:
        problem = _problem_for_user.first(pk=pk, user_id=user.pk)
    else:
        problem = _problem_for_visitor.first(pk=pk)
    if problem is None:
        return None
    attach(problem, "photos", _problem_photos.fetch(problem_id=pk))
    if problem.inventory_entry_id is not None:
        entry = problem.inventory_entry
        attach(entry, "addressed_by", _entry_items.fetch(entry_id=entry.pk))
    return problem


def photo_get(*, pk: int) -> ProblemPhoto | None:
    """One photo with its problem and the problem's plan (whose city the view rule asks).
    Whether the user may see it is `participation.view_photos` on `photo.problem`."""
    return ProblemPhoto.objects.select_related("problem__plan").filter(pk=pk).first()


def photos_by_problem(*, problem_ids) -> dict[int, list[ProblemPhoto]]:
    """The photos of several problems in one query, by problem id (the moderation queue
    shows them beside each problem it lists)."""
    found: dict[int, list[ProblemPhoto]] = {}
    for photo in ProblemPhoto.objects.filter(problem_id__in=list(problem_ids)).order_by(
        "problem_id", "position", "id"
    ):
        found.setdefault(photo.problem_id, []).append(photo)
    return found


def comment_list(*, user=None) -> QuerySet[Comment]:
    """Comments the user may see, oldest first, with their authors."""
    return (
        Comment.objects.filter(visible_to(user))
        .select_related("author")
        .order_by("created_at", "id")
    )


def comment_thread(*, user=None, **target) -> list[Comment]:
    """Top-level comments on one target with their replies attached as `.thread_replies`
    (two queries' worth of rows, read in one). Given the target object rather than its id,
    every comment knows it without a query (the reply permission asks it)."""
    return _threaded(list(comment_list(user=user).filter(**target)), target)


def comment_tops(
    *, user=None, published: int | None = None, per_page: int | None = None, **target
) -> "QuerySet[Comment] | list[Comment] | VisitorTops":
    """The top-level comments on one target the user may see, oldest first: what a page of
    a long thread is cut from (`comment_thread_page`).

    `published`, when given, is how many published comments the target has, replies too,
    as its own selector counted them. A visitor sees published comments only, so with at
    most `per_page` of them every top-level one is on the first page: they come as a list
    with their replies, in one read, and a target with none reads nothing. A longer thread
    comes to a visitor as `VisitorTops`, counted and cut by compiled statements."""
    visitor = not getattr(user, "is_authenticated", False)
    (name, value), *_ = target.items()
    compiled = name in _WHOLE_THREAD and type(getattr(value, "pk", None)) is int
    if visitor and published is not None and per_page is not None and published <= per_page:
        if not published:
            return []
        if compiled:
            # Every published comment, replies too, is on this page: one compiled read.
            return _threaded(_WHOLE_THREAD[name].fetch(target_id=value.pk), target)
    tops = comment_list(user=user).filter(parent__isnull=True, **target)
    if visitor and compiled and per_page is not None:
        return VisitorTops(tops, target, per_page)
    if visitor and published is not None and per_page is not None and published <= per_page:
        return list(tops[:per_page])
    return tops


def _whole_thread(field: str) -> Compiled:
    return Compiled(lambda target_id: comment_list().filter(**{field: target_id}))


def _all_tops(field: str) -> Compiled:
    return Compiled(
        lambda target_id: comment_list().filter(parent__isnull=True, **{field: target_id})
    )


def _first_tops(field: str, per_page: int) -> tuple[Compiled, Compiled]:
    """The first page of top-level comments on a target, and those comments' replies."""

    def tops(target_id: int) -> QuerySet[Comment]:
        return comment_list().filter(parent__isnull=True, **{field: target_id})

    def replies(target_id: int) -> QuerySet[Comment]:
        page = tops(target_id).values("pk")[:per_page]
        return comment_list().filter(parent__in=page, **{field: target_id})

    return Compiled(lambda target_id: tops(target_id)[:per_page]), Compiled(replies)


_TARGETS = ("problem", "proposal", "plan_item")
_WHOLE_THREAD = {name: _whole_thread(f"{name}_id") for name in _TARGETS}
_ALL_TOPS = {name: _all_tops(f"{name}_id") for name in _TARGETS}
_FIRST_TOPS: dict[tuple[str, int], tuple[Compiled, Compiled]] = {}


class VisitorTops:
    """A visitor's top-level comments on one target as a paginator reads them: the count,
    and the first page with its replies, by compiled statements (backend.compiled); a
    later page by the queryset (`tops`), its replies by `comment_thread_page`."""

    def __init__(self, tops: QuerySet[Comment], target: dict, per_page: int):
        (self.name, value), *_ = target.items()
        self.tops, self.target, self.target_id, self.per_page = tops, target, value.pk, per_page

    def count(self) -> int:
        return _ALL_TOPS[self.name].count(target_id=self.target_id)

    def __getitem__(self, cut: slice) -> list[Comment]:
        start, stop = cut.start or 0, cut.stop
        if start != 0 or stop is None or stop > self.per_page:
            return list(self.tops[cut])
        key = (self.name, self.per_page)
        if key not in _FIRST_TOPS:
            _FIRST_TOPS[key] = _first_tops(f"{self.name}_id", self.per_page)
        tops, replies = _FIRST_TOPS[key]
        rows = tops.fetch(target_id=self.target_id)
        if rows:
            rows = _threaded([*rows, *replies.fetch(target_id=self.target_id)], self.target)
        return rows[:stop]


def comment_thread_page(tops, *, user=None, **target) -> list[Comment]:
    """`comment_thread` for a page of top-level comments (`tops`, from comment_tops):
    those and their replies only, in one more query, whatever the thread's length."""
    tops = list(tops)
    if not tops:
        return []
    if all(hasattr(c, "thread_replies") for c in tops):  # comment_tops read the replies
        return tops
    replies = comment_list(user=user).filter(parent__in=[c.pk for c in tops], **target)
    return _threaded([*tops, *replies], target)


def _threaded(rows: list[Comment], target: dict) -> list[Comment]:
    by_id = {c.pk: c for c in rows}
    top = []
    (name, value), *_ = target.items()
    for row in rows:
        comment: Any = row
        comment.thread_replies = []
        if isinstance(value, PlanItem | Problem | Proposal):
            setattr(comment, name, value)
    for reply in sorted(rows, key=lambda c: (c.created_at, c.pk)):
        if reply.parent_id and reply.parent_id in by_id:
            parent: Any = by_id[reply.parent_id]
            parent.thread_replies.append(reply)
        elif reply.parent_id is None:
            top.append(reply)
    return top


def proposal_list(*, user=None) -> QuerySet[Proposal]:
    return (
        Proposal.objects.filter(visible_to(user))
        .select_related("author", "organisation", "plan", "plan__city", "problem", "plan_item")
        .annotate(comments_count=_published_comments_count("proposal"))
    )


def _problem_proposals(problem_id: int, user=None) -> QuerySet[Proposal]:
    return proposal_list(user=user).filter(problem_id=problem_id).order_by("-created_at", "-id")


_problem_proposals_for_visitor = Compiled(lambda problem_id: _problem_proposals(problem_id))


def problem_proposals(*, problem: Problem, user=None) -> list[Proposal]:
    """The proposals answering one problem that the user may see, newest first (a problem's
    page lists them; for a visitor the statement is compiled once)."""
    if not getattr(user, "is_authenticated", False) and type(problem.pk) is int:
        return _problem_proposals_for_visitor.fetch(problem_id=problem.pk)
    return list(_problem_proposals(problem.pk, user))


def proposal_get(*, pk: int, user=None) -> Proposal | None:
    return (
        proposal_list(user=user)
        .prefetch_related(
            Prefetch(
                "endorsements",
                queryset=Endorsement.objects.select_related("organisation").order_by(
                    "created_at", "id"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )


def organisations_user_can_endorse_for(*, user) -> QuerySet[Organisation]:
    """Verified organisations the user is a member of."""
    if user is None or not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        status=Organisation.Status.VERIFIED,
        pk__in=Membership.objects.filter(user=user).values("organisation_id"),
    ).order_by("name")


def organisations_to_endorse(*, user, proposal: Proposal) -> QuerySet[Organisation]:
    """The organisations the user may endorse this proposal for: verified ones they are a
    member of that have not endorsed it yet and did not write it. None for a proposal not
    published (the service refuses those)."""
    if not proposal.is_published:
        return Organisation.objects.none()
    return (
        organisations_user_can_endorse_for(user=user)
        .exclude(pk__in=Endorsement.objects.filter(proposal=proposal).values("organisation_id"))
        .exclude(pk=proposal.organisation_id or 0)
    )


def default_problem_plan(*, wanted: int | None = None) -> Plan | None:
    """The plan the new-problem form starts with: `wanted` if it names one, else the first
    plan asking for problems, else the first plan."""
    plans = plan_list()
    if wanted is not None and (found := plans.filter(pk=wanted).first()) is not None:
        return found
    return plans.filter(phase__in=PROBLEM_PHASES).first() or plans.first()


def my_posts(*, user) -> dict[str, QuerySet]:
    """Everything the user wrote, in every moderation state, newest first; problems they
    withdrew are left out (their pages stay theirs to open)."""
    own = {"author": user}
    return {
        "problems": problem_list(user=user, with_places=True)
        .filter(**own)
        .exclude(moderation_state=ModerationState.WITHDRAWN)
        .order_by("-created_at", "-id"),
        "proposals": proposal_list(user=user).filter(**own).order_by("-created_at", "-id"),
        "comments": comment_list(user=user)
        .filter(**own)
        .select_related("plan_item", "problem", "proposal")
        .order_by("-created_at", "-id"),
    }


# Up to this many matches a search reads them all at once (then orders and counts them by
# their keys); past it, the matches are dense enough that the newest-first index walk finds
# a page after a few rows per match. The lists' counts stop at the same number.
SEARCH_PROBE = CappedPaginator.COUNT_CAP
# What ProblemFilter's orderings sort by, besides the key (participation.filters.ORDERINGS).
SEARCH_SORT_COLUMNS = ("created_at", "supports_count")


class _Micros(Func):
    """A moment as whole microseconds since 1970 (PostgreSQL): it sorts as the moment does,
    and psycopg reads an integer in C, where Django's loader for a moment with its time zone
    is a Python call per row (~6 µs, ~6 ms for a probe of 1,001)."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s) * 1000000)::bigint"
    output_field = BigIntegerField()


# Words shorter than this match at the start of a word only («دی» finds «دی» and «دیوار»,
# not «خدیجه»): a two-letter string inside words matches a large share of every text, and
# the trigram index can find a word's start (its padded trigram) but not two letters alone.
SHORT_WORD = 3


def word_condition(word: str) -> Q:
    """One normalised search word against `search_text` (normalised, words split by one
    space): anywhere for a word of SHORT_WORD letters or more, else at a word's start."""
    if len(word) >= SHORT_WORD:
        return Q(search_text__contains=word)
    return Q(search_text__startswith=word) | Q(search_text__contains=f" {word}")


def _word_matches(word: str, stored: str) -> bool:
    """word_condition for one stored word (a text without spaces)."""
    return word in stored if len(word) >= SHORT_WORD else stored.startswith(word)


class HoldsAnyWord(Lookup):
    """PostgreSQL: the problem holds one of these SearchWord numbers (`search_words && …`,
    the column migration 0013 adds and its trigger fills). The column is not a model field
    (SQLite has none, and no read wants it), so this names it beside the text's column
    (`HoldsAnyWord(F("search_text"), numbers)`), with the text's table alias."""

    lookup_name = "holds_any_word"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        column = connection.ops.quote_name("search_words")
        return f"{compiler.quote_name_unless_alias(self.lhs.alias)}.{column} && %s::integer[]", [
            list(self.rhs)
        ]


def _word_numbers(db: str, words: list[str]) -> list[list[int]]:
    """For each search word, the numbers of the stored words it matches (one statement)."""
    typed = [word[:SEARCH_WORD_MAX] for word in words]
    condition = Q()
    for word in typed:
        condition |= Q(word__contains=word) if len(word) >= SHORT_WORD else Q(word__startswith=word)
    stored = list(SearchWord.objects.using(db).filter(condition).values_list("id", "word"))
    return [[key for key, text in stored if _word_matches(word, text)] for word in typed]


def _narrowest(numbers: list[list[int]]) -> list[list[int]]:
    """The words' conditions that say something: a typed word whose stored words include
    all of another's adds nothing («آ» beside «آب», «امام» beside «امامزاده»: a text
    holding one of the narrower's holds one of its), and testing it on every row cost the
    probe ~25 ms for «آ آب». Smallest first: it is the cheaper test, and the likelier to
    fail. (A word matching nothing is handled before: nothing matches.)"""
    sets = [frozenset(each) for each in numbers]

    def implied(i: int) -> bool:
        mine = sets[i]
        return any(
            j != i and other <= mine and (other != mine or j < i) for j, other in enumerate(sets)
        )

    return sorted((numbers[i] for i in range(len(sets)) if not implied(i)), key=len)


def has_unpublished_in(*, user, plan) -> bool:
    """Whether `user` has a problem in `plan` that is not published (then their list of the
    plan holds more than its published problems)."""
    own = Problem.objects.filter(plan=plan, author=user)
    return own.exclude(moderation_state=ModerationState.PUBLISHED).exists()


def problems_matching(
    queryset: QuerySet[Problem], words: list[str], *, public_plan: int | None = None
) -> QuerySet[Problem]:
    """Every normalised word appears in the problem's normalised text (any order).

    On PostgreSQL the words are looked up in the word index first (SearchWord: the stored
    words containing each typed word, or starting with a short one), and the problems are
    those holding, for every typed word, one of its stored words (GIN over `search_words`).
    That is the same set as `LIKE '%word%'` over the text, without the trigram index's
    false hits (for «امین» it read 10,445 texts to find 1,001). SQLite reads the texts.

    The matches' keys are read first, unordered and at most SEARCH_PROBE + 1 of them (a
    common word stops early): when that is all of them, the search is those keys (the order
    and the count are then over at most SEARCH_PROBE rows); when there are more, the words
    are common: the newest-first list's first pages come from the newest rows
    (`_recent_matches`), any other page or ordering from PostgreSQL's plan. Before,
    PostgreSQL guessed the number of matches from `LIKE '%…%'`: for two words common apart
    but rare together («خیابان شهدا») it walked the date index through all 100k problems
    to fill a page (1.6 s). Same rows, same order either way. Either way the probe has
    counted the matches (exactly, or past the paginator's cap), and the queryset says so
    (`with_known_count`): the page does not count them a second time. The search must be
    the last filter for that (ProblemFilter applies it last).

    `public_plan`, when given, says that `queryset` holds exactly the published problems of
    that plan (ProblemFilter knows when: a visitor's or a signed-in citizen's search of one
    plan with no other filter). The probe and the newest matches are then read from the
    published problems' narrow table (participation_publicsearch, migration 0014) instead
    of the problems' own: same rows, ~1/8 of the width, always in PostgreSQL's buffers."""
    postgres = connections[queryset.db].vendor == "postgresql"
    if postgres:
        numbers = _word_numbers(queryset.db, words)
        narrowest = _narrowest(numbers)
        matching = queryset.filter(*[HoldsAnyWord(F("search_text"), each) for each in narrowest])
    else:
        numbers = narrowest = [[0]]
        condition = Q()
        for word in words:
            condition &= word_condition(word)
        matching = queryset.filter(condition)
    # With each key the columns a list may be ordered by: when the probe found them all,
    # the page's keys are picked from these (backend.paging.keys_in_order), and SQL does
    # not read the matches a second time to sort them.
    columns = [_Micros("created_at") if postgres else "created_at"]
    public = public_plan if postgres else None
    if not all(numbers):  # a word that matches no stored word: nothing matches
        probe: list = []
    elif public is not None:
        probe = _public_probe(queryset.db, public, narrowest)
    else:
        probe = list(
            matching.order_by().values_list("pk", *columns, "supports_count")[: SEARCH_PROBE + 1]
        )
    keys = [row[0] for row in probe]
    if len(keys) <= SEARCH_PROBE:
        values = {row[0]: dict(zip(SEARCH_SORT_COLUMNS, row[1:], strict=True)) for row in probe}
        return with_known_count(queryset.filter(keys_in(keys)), len(keys), values, queryset)
    if len(keys) > CappedPaginator.COUNT_CAP:
        # The probe has counted past the cap already: the page's count need not scan again.
        if public is not None:
            recent = _public_window(queryset.db, public, narrowest)
        else:
            recent = _recent_matches(queryset, narrowest) if postgres else None
        if recent is not None:
            return with_known_count(matching, len(keys), recent, queryset, SEARCH_NEWEST)
        return with_known_count(matching, len(keys))
    return matching


# A common word's newest matches are looked for among this many of the newest problems the
# other filters leave, read from one index alone (problem_recent_words, migration 0013).
SEARCH_WINDOW = 3000
SEARCH_NEWEST = ("-created_at", "-id")  # participation.filters.ORDERINGS["newest"]


def _recent_matches(
    queryset: QuerySet[Problem], numbers: list[list[int]]
) -> dict[int, dict[str, Any]] | None:
    """PostgreSQL, more matches than SEARCH_PROBE: the matches among the SEARCH_WINDOW
    newest rows of `queryset`, newest first, with their sort columns; None when there are none.

    A common word's matches are too many to sort (a bitmap over ~3,000 texts, ~15 ms), and
    PostgreSQL's estimate for two words that go together («مسجد جمکران») is far too low for
    it to walk the date index instead. The window is that walk, bounded: an index-only scan
    of the newest rows with their words, then the words' test. The first pages of the
    newest-first list are in it (backend.paging's `first_of`); a page past it, or another
    ordering, is left to SQL."""
    window = (
        queryset.order_by(*SEARCH_NEWEST)
        .annotate(
            s_key=F("pk"),
            s_us=_Micros("created_at"),
            s_sup=F("supports_count"),
            s_words=RawSQL('"participation_problem"."search_words"', ()),
        )
        .values_list("s_key", "s_us", "s_sup", "s_words")[:SEARCH_WINDOW]
    )
    inner, params = window.query.sql_with_params()
    tests = " AND ".join(["recent.s_words && %s::integer[]"] * len(numbers))
    statement = (
        f"SELECT s_key, s_us, s_sup FROM ({inner}) AS recent WHERE {tests} "
        "ORDER BY s_us DESC, s_key DESC"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(statement, [*params, *numbers])
        rows = cursor.fetchall()
    if not rows:
        return None
    return {key: {"created_at": us, "supports_count": sup} for key, us, sup in rows}


_WORDS_HELD = "words && %s::integer[]"


def _public_rows(db: str, statement: str, plan_id: int, numbers: list[list[int]]) -> list:
    """Run a statement over the narrow table: `{tests}` becomes one words' test per list."""
    tests = " AND ".join([_WORDS_HELD] * len(numbers))
    with connections[db].cursor() as cursor:
        cursor.execute(statement.format(tests=tests), [plan_id, *numbers])
        return cursor.fetchall()


def _public_probe(db: str, plan_id: int, numbers: list[list[int]]) -> list[tuple]:
    """PostgreSQL: from the published problems' narrow table (migration 0014), at most
    SEARCH_PROBE + 1 matches of the plan, in no order, as (key, moment in µs, supports): a
    match holds one of each list of word numbers."""
    statement = (
        "SELECT problem_id, moment, supports_count FROM participation_publicsearch "
        f"WHERE plan_id = %s AND {{tests}} LIMIT {SEARCH_PROBE + 1}"
    )
    return _public_rows(db, statement, plan_id, numbers)


def _public_window(db: str, plan_id: int, numbers: list[list[int]]) -> dict[int, dict] | None:
    """What `_recent_matches` reads, from the narrow table: the matches among the plan's
    SEARCH_WINDOW newest published problems, newest first, with their sort columns (one
    index alone, public_search_recent); None when there are none."""
    statement = (
        "SELECT problem_id, moment, supports_count FROM (SELECT problem_id, moment, "
        "supports_count, words FROM participation_publicsearch WHERE plan_id = %s "
        f"ORDER BY moment DESC, problem_id DESC LIMIT {SEARCH_WINDOW}) AS recent "
        "WHERE {tests} ORDER BY moment DESC, problem_id DESC"
    )
    rows = _public_rows(db, statement, plan_id, numbers)
    if not rows:
        return None
    return {key: {"created_at": us, "supports_count": sup} for key, us, sup in rows}


# The map ------------------------------------------------------------------------------

MAP_MAX_FEATURES = 300
# From this zoom on (a few streets across) the map shows single problems, not clusters.
MAP_POINTS_ZOOM = 17
# A map tile is 256 px wide; a cluster cell is a quarter of it (64 px) at every zoom.
MAP_CELLS_PER_TILE = 4
# Never more than this many cells along a side of the view: 17 × 17 cells hold at most
# 289 clusters, under MAP_MAX_FEATURES whatever the screen size.
MAP_CELLS_PER_SIDE = 16
# Up to this zoom (a district or more on a phone) the plan's whole grid is cached.
MAP_CACHED_ZOOM = 14
MAP_CACHE_SECONDS = 60


@dataclass(frozen=True)
class MapView:
    bbox: tuple[float, float, float, float]  # south, west, north, east
    zoom: int
    cell: float | None  # degrees; None when single problems are shown
    total: int  # published problems with a point in the view (after the filters)
    clusters: list[dict]  # {"lat", "lon", "count"}
    points: list[dict]  # {"id", "title", "lat", "lon"}
    truncated: bool


def _cell(level: int) -> float:
    return 360.0 / (2**level) / MAP_CELLS_PER_TILE


def _grid_level(bbox, zoom: int) -> int:
    """The zoom whose 64 px cells the view is cut into: the asked zoom, or a lower one while
    the view would hold more than MAP_CELLS_PER_SIDE cells along a side."""
    south, west, north, east = bbox
    span = max(north - south, east - west)
    level = zoom
    while level > 0 and span / _cell(level) > MAP_CELLS_PER_SIDE:
        level -= 1
    return level


def map_cell_size(*, bbox: tuple[float, float, float, float], zoom: int) -> float:
    """The cluster grid's cell in degrees for this view."""
    return _cell(_grid_level(bbox, zoom))


def _map_rows(*, plan: Plan, bbox=None, filters: dict) -> QuerySet[Problem]:
    """Published problems of the plan with a point (in the box, when one is given): the map
    never shows a pending, rejected or hidden problem, not even to its author."""
    rows = Problem.objects.filter(
        plan=plan, moderation_state=PUBLISHED, latitude__isnull=False, longitude__isnull=False
    )
    if bbox is not None:
        south, west, north, east = bbox
        rows = rows.filter(
            latitude__gte=south, latitude__lte=north, longitude__gte=west, longitude__lte=east
        )
    for field in ("axis", "district", "triage_state"):
        if filters.get(field) not in (None, ""):
            rows = rows.filter(**{field: filters[field]})
    return rows.order_by()


def _grid(rows: QuerySet[Problem], cell: float) -> list[dict]:
    """One GROUP BY: the cells of a fixed grid (row = floor(lat / cell), col likewise; the
    grid does not move with the view, so clusters stay put while the map pans) with their
    count, mean point and, for a cell of one, that problem's id and title."""
    cells = list(
        rows.annotate(
            row=Floor(Cast("latitude", FloatField()) / cell, output_field=IntegerField()),
            col=Floor(Cast("longitude", FloatField()) / cell, output_field=IntegerField()),
        )
        .values("row", "col")
        .annotate(
            n=Count("*"),
            lat=Avg(Cast("latitude", FloatField())),
            lon=Avg(Cast("longitude", FloatField())),
            first=Min("id"),
        )
        .order_by()
    )
    single = [c["first"] for c in cells if c["n"] == 1]
    titles = (
        dict(Problem.objects.filter(pk__in=single).values_list("id", "title")) if single else {}
    )
    return [
        {
            "row": int(c["row"]),
            "col": int(c["col"]),
            "count": c["n"],
            "lat": round(float(c["lat"]), 6),
            "lon": round(float(c["lon"]), 6),
            "id": c["first"] if c["n"] == 1 else None,
            "title": titles.get(c["first"]) if c["n"] == 1 else None,
        }
        for c in cells
    ]


def _plan_grid(*, plan: Plan, level: int, filters: dict) -> list[dict]:
    """The plan's whole grid at a wide zoom, kept MAP_CACHE_SECONDS in the cache: every view
    at that zoom (whatever its box) is then a lookup. Without the cache, computed."""
    key = "map:{}:{}:{}:{}:{}".format(
        plan.pk,
        level,
        *(
            getattr(filters.get(f), "pk", filters.get(f)) or ""
            for f in ("axis", "district", "triage_state")
        ),
    )
    try:
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - without the cache, compute
        found = None
    if found is not None:
        return found
    grid = _grid(_map_rows(plan=plan, filters=filters), _cell(level))
    try:
        cache.set(key, grid, MAP_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("map cache unavailable; grid of plan %s not kept", plan.pk)
    return grid


def problem_map(*, plan: Plan, user=None, bbox, zoom: int, filters: dict | None = None) -> MapView:
    """The plan's problems in the box, clustered on a grid whose 64 px cells follow the zoom,
    at most MAP_MAX_FEATURES features whatever the data. Up to MAP_CACHED_ZOOM the plan's
    whole grid comes from the cache (a newly published problem shows there within
    MAP_CACHE_SECONDS); closer, the box is grouped live. From MAP_POINTS_ZOOM on, the
    problems themselves (newest first, `truncated` when there are more). `user` is taken for
    symmetry with the other reads: the map is public and the same for everyone."""
    del user
    filters = filters or {}
    bbox = tuple(float(v) for v in bbox)
    if zoom >= MAP_POINTS_ZOOM:
        found = list(
            _map_rows(plan=plan, bbox=bbox, filters=filters)
            .order_by("-created_at", "-id")
            .values("id", "title", "latitude", "longitude")[: MAP_MAX_FEATURES + 1]
        )
        truncated = len(found) > MAP_MAX_FEATURES
        points = [_map_point(row) for row in found[:MAP_MAX_FEATURES]]
        return MapView(bbox, zoom, None, len(points), [], points, truncated)
    level = _grid_level(bbox, zoom)
    cell = _cell(level)
    if level <= MAP_CACHED_ZOOM:
        south, west, north, east = bbox
        rows = range(math.floor(south / cell), math.floor(north / cell) + 1)
        cols = range(math.floor(west / cell), math.floor(east / cell) + 1)
        cells = [
            c
            for c in _plan_grid(plan=plan, level=level, filters=filters)
            if c["row"] in rows and c["col"] in cols
        ]
    else:
        cells = _grid(_map_rows(plan=plan, bbox=bbox, filters=filters), cell)
    clusters = [
        {"lat": c["lat"], "lon": c["lon"], "count": c["count"]} for c in cells if c["count"] > 1
    ]
    points = [
        {"id": c["id"], "title": c["title"], "lat": c["lat"], "lon": c["lon"]}
        for c in cells
        if c["count"] == 1
    ]
    total = sum(c["count"] for c in cells)
    return MapView(bbox, zoom, cell, total, clusters, points, False)


def _map_point(row: Any) -> dict:
    return {
        "id": row["id"],
        "title": row["title"],
        "lat": float(row["latitude"]),
        "lon": float(row["longitude"]),
    }


# How long the map page's district figures may lag behind (seconds): counting every published
# problem of the plan by district grows with the data (≈ 60–100 ms at 100k problems).
DISTRICT_FIGURES_SECONDS = 60


def district_map(*, plan: Plan) -> list[District]:
    """The districts of the plan's city with their boundary and, as `problems_count` and
    `supports_sum`, the plan's published problems in each and the supports they gathered.
    The figures are counted by one grouped query and then kept in the cache for
    DISTRICT_FIGURES_SECONDS, so the map page reads the districts alone in between."""
    districts = list(District.objects.filter(city_id=plan.city_id).order_by("number", "name"))
    key = f"map:districts:{plan.pk}"
    figures = cache.get(key)
    if figures is None:
        rows = (
            Problem.objects.filter(plan=plan, moderation_state=PUBLISHED, district__isnull=False)
            .order_by()
            .values("district_id")
            .annotate(n=Count("pk"), supports_total=Coalesce(Sum("supports_count"), 0))
        )
        figures = {row["district_id"]: (row["n"], row["supports_total"]) for row in rows}
        cache.set(key, figures, DISTRICT_FIGURES_SECONDS)
    for district in districts:
        count, supports = figures.get(district.pk, (0, 0))
        district.problems_count = count  # type: ignore[attr-defined]
        district.supports_sum = supports  # type: ignore[attr-defined]
    return districts


# The home page ---------------------------------------------------------------------------


def _top_per_plan(queryset: QuerySet[Problem], order: list, per_plan: int) -> QuerySet[Problem]:
    return (
        queryset.annotate(rank=Window(RowNumber(), partition_by=[F("plan_id")], order_by=order))
        .filter(rank__lte=per_plan)
        .only("id", "plan_id", "title", "supports_count", "created_at", "triage_state")
        .order_by("plan_id", "rank")
    )


def home_problems(*, plan_ids: list[int], per_plan: int = 3) -> dict[int, dict[str, list]]:
    """Per plan: its `per_plan` newest published problems and its most supported ones (with
    at least one supporter). Two queries whatever the number of plans and problems."""
    published = Problem.objects.filter(plan_id__in=plan_ids, moderation_state=PUBLISHED)
    found: dict[int, dict[str, list]] = {pk: {"recent": [], "top": []} for pk in plan_ids}
    newest = [F("created_at").desc(), F("id").desc()]
    for problem in _top_per_plan(published, newest, per_plan):
        found[problem.plan_id]["recent"].append(problem)
    most = [F("supports_count").desc(), F("created_at").desc(), F("id").desc()]
    for problem in _top_per_plan(published.filter(supports_count__gt=0), most, per_plan):
        found[problem.plan_id]["top"].append(problem)
    return found


def plan_figures(*, plan_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per plan, public counts: published problems and the supports they gathered,
    published comments and proposals. Three queries whatever the data."""
    found = {pk: {"problems": 0, "supports": 0, "comments": 0, "proposals": 0} for pk in plan_ids}
    problems = (
        Problem.objects.filter(plan_id__in=plan_ids, moderation_state=PUBLISHED)
        .order_by()
        .values("plan_id")
        .annotate(n=Count("pk"), supports_sum=Coalesce(Sum("supports_count"), 0))
    )
    for row in problems:
        found[row["plan_id"]].update(problems=row["n"], supports=row["supports_sum"])
    for model, name in ((Comment, "comments"), (Proposal, "proposals")):
        rows = (
            model.objects.filter(plan_id__in=plan_ids, moderation_state=PUBLISHED)
            .order_by()
            .values("plan_id")
            .annotate(n=Count("pk"))
        )
        for counted in rows:
            found[counted["plan_id"]][name] = counted["n"]
    return found


def author_post_counts(*, user) -> dict[str, int]:
    """How many posts the user wrote (withdrawn ones aside) and how many wait for the
    moderators: problems, proposals, comments (three queries)."""
    counts = {"posts": 0, "pending": 0, "pending_problems": 0}
    pending = Q(moderation_state=ModerationState.PENDING)
    for model in (Problem, Proposal, Comment):
        row = (
            model.objects.filter(author=user)
            .exclude(moderation_state=ModerationState.WITHDRAWN)
            .aggregate(n=Count("pk"), waiting=Count("pk", filter=pending))
        )
        counts["posts"] += row["n"]
        counts["pending"] += row["waiting"]
        if model is Problem:
            counts["pending_problems"] = row["waiting"]
    return counts


# Following -----------------------------------------------------------------------------


def follower_ids(
    *,
    problems: Sequence[int] | QuerySet = (),
    plan_items: Sequence[int] = (),
    plans: Sequence[int] = (),
    exclude: Sequence[int | None] = (),
) -> list[int]:
    """The active people following any of these problems (ids, or a queryset of ids read
    as a subquery), plan items or plans (ids), each once, in one query."""
    where = Q()
    for field, ids in (("problem", problems), ("plan_item", plan_items), ("plan", plans)):
        if isinstance(ids, QuerySet):  # a subquery of ids: still one query
            where |= Q(**{f"{field}_id__in": ids})
        elif ids:
            where |= Q(**{f"{field}_id__in": list(ids)})
    if not where:
        return []
    skip = [pk for pk in exclude if pk is not None]
    rows = (
        Follow.objects.filter(where, user__is_active=True)
        .exclude(user_id__in=skip)
        .order_by("user_id")
        .values_list("user_id", flat=True)
        .distinct()
    )
    return list(rows)


def follow_count(*, target: Any) -> int:
    """How many people follow this problem, plan item or plan (read with the target when
    its selector counted them: problem_get)."""
    counted = getattr(target, "followers_count", None)
    if counted is not None:
        return counted
    field = follow_target_kind(target)
    return Follow.objects.filter(**{field: target}).count()


def is_following(*, user: Any, target: Any) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    field = follow_target_kind(target)
    return Follow.objects.filter(user=user, **{field: target}).exists()


def follow_target_kind(target: Any) -> str:
    """«problem», «plan_item» or «plan»: the Follow field that names this target."""
    if isinstance(target, Problem):
        return "problem"
    if isinstance(target, PlanItem):
        return "plan_item"
    return "plan"


def follow_list(*, user: Any) -> QuerySet[Follow]:
    """What the person follows, newest first, with each target (and its plan) in the same
    query; a problem no longer visible to them (hidden, rejected) is left out."""
    return (
        Follow.objects.filter(user=user)
        .filter(Q(problem__isnull=True) | visible_to(user, "problem__"))
        .select_related("problem__plan", "plan_item__plan", "plan__city")
        .order_by("-created_at", "-id")
    )
