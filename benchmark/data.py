"""The benchmark data set (DESIGN §7): one plan shaped like Qom 1404 with its citizens'
problems, supports and comments, written in bulk into the configured database.

Rows are written with COPY on PostgreSQL and bulk_create elsewhere, with ids chosen here
(so supports and comments can point at problems without reading them back) and the
sequences moved past them at the end. Every count the app keeps denormalised
(`Problem.supports_count`) matches the rows written; normalised keys are made with the
app's own normaliser.
"""

import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import accumulate, islice

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import StaffRole, User
from backend.persian import normalise
from backend.stems import stem_key
from benchmark import text
from benchmark import words as w
from cities.models import City, District
from inventory.models import InventoryEntry
from moderation.hints import text_hints
from moderation.models import ModerationState, QueueEntry
from participation.models import Comment, Problem, Support
from planning.models import Axis, Committee, Plan, PlanItem

S = ModerationState
BENCH_USER_PREFIX = "bench-u"
MODERATORS = ("bench-moderator", "bench-moderator2")
PLANNER = "bench-planner"
AUTHOR = "bench-author"  # the citizen whose posts the benchmark submits
# A database with more problems than this is not overwritten by accident.
REFUSE_ABOVE = 1000
THREAD_SIZE = 50  # the comment thread the benchmark reads
DAY = 86_400.0


@dataclass(frozen=True)
class Scale:
    users: int
    problems: int
    supports: int
    comments: int


FULL = Scale(users=20_000, problems=100_000, supports=1_000_000, comments=300_000)
SMALL = Scale(users=2_000, problems=2_000, supports=20_000, comments=6_000)

# Transport, traffic, waste and green space draw the most reports.
AXIS_WEIGHTS = [3, 3, 1.5, 1.5, 1, 1.2, 1, 2, 2, 0.8, 1, 0.7, 1, 0.8, 0.8, 0.5, 0.6, 0.5, 1.2]
DISTRICT_WEIGHTS = [1.4, 1.2, 1.1, 1, 1, 0.9, 0.8, 0.6]


def batches(rows: Iterable, size: int) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def next_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


@contextmanager
def explicit_timestamps(model, attnames: set[str]):
    """Let bulk_create keep the timestamps we give instead of stamping now()."""
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.attname in attnames
        and (getattr(f, "auto_now_add", False) or getattr(f, "auto_now", False))
    ]
    saved = [(f, f.auto_now_add, f.auto_now) for f in fields]
    for f in fields:
        f.auto_now_add = f.auto_now = False
    try:
        yield
    finally:
        for f, add, now in saved:
            f.auto_now_add, f.auto_now = add, now


class Writer:
    """Writes tuples of field values to a model's table: COPY on PostgreSQL (much faster
    for a million rows), bulk_create elsewhere. Columns not given get the field's default."""

    def __init__(self, batch_size: int, say: Callable[[str], None]):
        self.batch_size = batch_size
        self.say = say

    def insert(self, model, fields: list[str], rows: Iterable[tuple], *, total: int) -> int:
        started = time.monotonic()
        step = max(total // 10, self.batch_size)
        mark, written = step, 0
        write = self._copy if connection.vendor == "postgresql" else self._bulk
        for written in write(model, fields, rows):
            if written >= mark and written < total:
                self.say(f"    {written:>9,} / {total:,}  ({time.monotonic() - started:.1f} s)")
                mark += step
        elapsed = time.monotonic() - started
        self.say(f"  {model._meta.db_table}: {written:,} rows in {elapsed:.1f} s")
        return written

    def _copy(self, model, fields, rows) -> Iterator[int]:
        meta = model._meta
        given = [meta.get_field(name) for name in fields]
        attnames = {f.attname for f in given}
        rest = [f for f in meta.concrete_fields if f.attname not in attnames]
        defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in rest)
        json_at = [i for i, f in enumerate(given) if f.get_internal_type() == "JSONField"]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in given + rest)
        sql = f"COPY {connection.ops.quote_name(meta.db_table)} ({columns}) FROM STDIN"
        written = 0
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = given[i].get_db_prep_save(row[i], connection)
                copy.write_row((*row, *defaults))
                written += 1
                if written % self.batch_size == 0:
                    yield written
        if written % self.batch_size:
            yield written

    def _bulk(self, model, fields, rows) -> Iterator[int]:
        attnames = [model._meta.get_field(name).attname for name in fields]
        written = 0
        with explicit_timestamps(model, set(attnames)):
            for batch in batches(rows, self.batch_size):
                objects = [model(**dict(zip(attnames, row, strict=True))) for row in batch]
                model.objects.bulk_create(objects, batch_size=self.batch_size)
                written += len(batch)
                yield written


def _spread(rng: random.Random, total: int, buckets: int) -> list[int]:
    """`total` split over `buckets`, at least one each, unevenly."""
    counts = [1] * buckets
    for _ in range(max(total - buckets, 0)):
        counts[rng.randrange(buckets)] += 1
    return counts


def _stamp(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, tz=UTC)


class BenchData:
    """Generates the data set; `run()` writes it in one transaction and returns counts."""

    def __init__(self, scale: Scale, *, seed: int, batch_size: int, say: Callable[[str], None]):
        self.scale = scale
        self.rng = random.Random(seed)
        self.say = say
        self.writer = Writer(batch_size, say)
        self.now = timezone.now()
        self.now_ts = self.now.timestamp()
        self.created: dict[str, int] = {}

    # Entry point ---------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        started = time.monotonic()
        with transaction.atomic():
            # Posts awaiting a moderator: (kind, id) → (state, posted at, text).
            self.queue_texts: dict[tuple[str, int], tuple[str, float, str]] = {}
            self._city()
            self._plan()
            self._inventory()
            self._staff()
            self._users()
            self._problems()
            self._supports()
            self._comments()
            self._queue()
            self._reset_sequences()
        self.say(f"  committed after {time.monotonic() - started:.1f} s")
        self._analyse()
        self.created["seconds"] = round(time.monotonic() - started)
        return self.created

    # The city and its plan -----------------------------------------------------------

    def _city(self) -> None:
        spec = w.CITY
        self.city, _ = City.objects.get_or_create(
            slug=spec["slug"], defaults={"name": spec["name"], "province": spec["province"]}
        )
        self.axes = [
            Axis.objects.get_or_create(city=self.city, title=title, defaults={"position": i})[0]
            for i, title in enumerate(w.AXES, start=1)
        ]
        self.committees = []
        self.committee_of_axis: dict[int, Committee] = {}
        for position, (title, axis_indexes) in enumerate(w.COMMITTEES, start=1):
            committee, created = Committee.objects.get_or_create(
                city=self.city, title=title, defaults={"position": position}
            )
            if created:
                committee.axes.set([self.axes[i] for i in axis_indexes])
            self.committees.append(committee)
            for i in axis_indexes:
                self.committee_of_axis[i] = committee
        self.districts = {
            number: District.objects.get_or_create(
                city=self.city, name=name, defaults={"number": number}
            )[0]
            for number, name in w.DISTRICTS
        }

    def _plan(self) -> None:
        spec = w.PLAN
        self.plan, _ = Plan.objects.get_or_create(
            city=self.city,
            title=spec["title"],
            defaults={
                "summary": spec["summary"],
                "start_year": spec["start_year"],
                "end_year": spec["end_year"],
                "phase": Plan.Phase.CONSULTATION,
            },
        )
        if not self.plan.items.exists():
            self._tree()
        axis_ids = {axis.pk: i for i, axis in enumerate(self.axes)}
        first_axis: dict[int, int] = {}
        for item_id, axis_id in PlanItem.axes.through.objects.filter(
            planitem__plan=self.plan
        ).values_list("planitem_id", "axis_id"):
            first_axis.setdefault(item_id, axis_ids.get(axis_id, 0))
        # (id, kind, status, axis index) of every item, in code order.
        self.items = [
            (pk, kind, status, first_axis.get(pk, 0))
            for pk, kind, status in PlanItem.objects.filter(plan=self.plan)
            .order_by("sort_key")
            .values_list("pk", "kind", "status")
        ]

    def _window(self, status: str) -> tuple:
        if status == PlanItem.Status.OPEN:
            return self.now - timedelta(days=10), self.now + timedelta(days=30)
        if status == PlanItem.Status.CLOSED:
            return self.now - timedelta(days=50), self.now - timedelta(days=5)
        return None, None

    def _tree(self) -> None:
        """8 goals → 2–4 strategies each → 81 policies → 270 projects (Qom 1404's shape)."""
        rng = self.rng
        goals = len(w.GOALS)
        strategy_counts = [rng.randint(2, 4) for _ in range(goals)]
        policy_counts = _spread(rng, 81, sum(strategy_counts))
        project_counts = _spread(rng, 270, 81)
        pk = next_id(PlanItem)
        levels: list[list[PlanItem]] = [[], [], [], []]
        axis_links: list[tuple[int, int]] = []

        def add(level, parent, code, kind, title, axis):
            nonlocal pk
            status = rng.choices(["open", "draft", "closed"], [0.75, 0.15, 0.1])[0]
            opens, closes = self._window(status)
            phrases = rng.sample(w.PHRASES[axis], 2)
            item = PlanItem(
                pk=pk,
                plan=self.plan,
                parent=parent,
                kind=kind,
                code=code,
                title=title,
                body=f"این بند به مسائلی مانند «{phrases[0]}» و «{phrases[1]}» پاسخ می‌دهد.",
                committee=self.committee_of_axis.get(axis),
                status=status,
                comment_opens_at=opens,
                comment_closes_at=closes,
            )
            item.clean()  # checks the tree's shape and sets sort_key from the code
            levels[level].append(item)
            axis_links.append((pk, self.axes[axis].pk))
            pk += 1
            return item

        strategy_no = policy_no = 0
        for g, (goal_title, goal_axes) in enumerate(w.GOALS, start=1):
            goal = add(0, None, str(g), PlanItem.Kind.GOAL, goal_title, goal_axes[0])
            for s in range(1, strategy_counts[g - 1] + 1):
                axis = goal_axes[(s - 1) % len(goal_axes)]
                title = text.strategy_title(rng, axis)
                strategy = add(1, goal, f"{g}.{s}", PlanItem.Kind.STRATEGY, title, axis)
                for p in range(1, policy_counts[strategy_no] + 1):
                    code = f"{strategy.code}.{p}"
                    title = text.policy_title(rng, axis)
                    policy = add(2, strategy, code, PlanItem.Kind.POLICY, title, axis)
                    for j in range(1, project_counts[policy_no] + 1):
                        title = text.project_title(rng, g - 1)
                        add(3, policy, f"{code}.{j}", PlanItem.Kind.PROJECT, title, axis)
                    policy_no += 1
                strategy_no += 1
        for level in levels:
            PlanItem.objects.bulk_create(level)
        PlanItem.axes.through.objects.bulk_create(
            [PlanItem.axes.through(planitem_id=i, axis_id=a) for i, a in axis_links]
        )
        self.created["plan_items"] = sum(len(level) for level in levels)
        self.say(
            f"  plan tree: {len(levels[0])} goals, {len(levels[1])} strategies, "
            f"{len(levels[2])} policies, {len(levels[3])} projects"
        )

    def _inventory(self) -> None:
        """Forty inventory entries, some addressed by projects, for triaged problems."""
        rng = self.rng
        if not InventoryEntry.objects.filter(plan=self.plan).exists():
            projects = [i for i in self.items if i[1] == PlanItem.Kind.PROJECT]
            entries = []
            for n in range(40):
                axis = n % len(w.AXES)
                title = f"{rng.choice(w.PHRASES[axis])} در محله‌های {rng.choice(w.NEIGHBOURHOODS)}"
                status = rng.choices(["identified", "analysing", "addressed"], [4, 3, 3])[0]
                entries.append(
                    InventoryEntry(
                        plan=self.plan,
                        code=str(n + 1),
                        title=title,
                        title_key=normalise(title),
                        statement=f"مسئله‌ای که شهروندان بارها درباره‌ی «{title}» گزارش کرده‌اند.",
                        axis=self.axes[axis],
                        committee=self.committee_of_axis.get(axis),
                        severity=rng.randint(1, 5),
                        status=status,
                    )
                )
            InventoryEntry.objects.bulk_create(entries)
            links = []
            for entry in InventoryEntry.objects.filter(plan=self.plan, status="addressed"):
                for item in rng.sample(projects, min(len(projects), rng.randint(1, 3))):
                    links.append(
                        InventoryEntry.addressed_by.through(
                            inventoryentry_id=entry.pk, planitem_id=item[0]
                        )
                    )
            InventoryEntry.addressed_by.through.objects.bulk_create(links)
        axis_index = {axis.pk: i for i, axis in enumerate(self.axes)}
        self.entries_by_axis: dict[int, list[int]] = defaultdict(list)
        self.entry_ids = []
        for pk, axis_id in InventoryEntry.objects.filter(plan=self.plan).values_list(
            "pk", "axis_id"
        ):
            self.entries_by_axis[axis_index.get(axis_id, -1)].append(pk)
            self.entry_ids.append(pk)

    def _staff(self) -> None:
        """Moderators and a planner of the city, and the citizen the benchmark posts as."""
        for username, role in [
            (MODERATORS[0], StaffRole.Role.MODERATOR),
            (MODERATORS[1], StaffRole.Role.MODERATOR),
            (PLANNER, StaffRole.Role.PLANNER),
            (AUTHOR, None),
        ]:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, display_name=username, show_name_publicly=True)
                user.set_unusable_password()
                user.save()
            if role:
                StaffRole.objects.get_or_create(user=user, city=self.city, role=role)

    # People --------------------------------------------------------------------------

    def _users(self) -> None:
        rng, n = self.rng, self.scale.users
        existing = User.objects.filter(username__startswith=BENCH_USER_PREFIX)
        offset = existing.count()
        start = next_id(User)
        span = 720 * DAY

        def rows():
            for i in range(n):
                expert = rng.random() < 0.02
                public = rng.random() < 0.4
                joined = _stamp(self.now_ts - span * rng.random())
                yield (
                    start + i,
                    f"{BENCH_USER_PREFIX}{offset + i:06d}",
                    f"0990{offset + i:07d}",
                    text.person_name(rng),
                    public,
                    rng.choice(w.EXPERTISE) if expert else "",
                    joined if expert else None,
                    f"!{rng.getrandbits(160):040x}",  # unusable: they sign in by SMS code
                    joined,
                    True,
                )

        fields = [
            "id",
            "username",
            "phone",
            "display_name",
            "show_name_publicly",
            "expertise",
            "expertise_verified_at",
            "password",
            "date_joined",
            "is_active",
        ]
        self.say(f"users: {n:,}")
        self.created["users"] = self.writer.insert(User, fields, rows(), total=n)
        pool = User.objects.filter(username__startswith=BENCH_USER_PREFIX)
        self.user_ids = list(pool.order_by("pk").values_list("pk", flat=True))
        self.expert_ids = set(
            pool.filter(expertise_verified_at__isnull=False).values_list("pk", flat=True)
        )
        if len(self.user_ids) < 2:
            raise ValueError("the benchmark needs at least two users")

    # Problems and their supports -----------------------------------------------------

    def _problems(self) -> None:
        rng, n = self.rng, self.scale.problems
        span = 540 * DAY
        times = sorted(self.now_ts - 600 - span * rng.random() for _ in range(n))
        pool = self.user_ids[:]
        rng.shuffle(pool)
        # A few people report a lot, most report once or twice.
        author_weights = list(accumulate(1 / (i + 20) ** 0.9 for i in range(len(pool))))
        authors = rng.choices(pool, cum_weights=author_weights, k=n)
        axes = rng.choices(range(len(w.AXES)), weights=AXIS_WEIGHTS[: len(w.AXES)], k=n)
        numbers = sorted(self.districts)
        district_weights = DISTRICT_WEIGHTS[: len(numbers)] + [1] * (
            len(numbers) - len(DISTRICT_WEIGHTS)
        )
        start = next_id(Problem)
        self.problems = []  # (id, author, state, created ts, axis)
        for i in range(n):
            age = (self.now_ts - times[i]) / DAY
            roll = rng.random()
            if age < 5:  # moderators work through the newest posts
                state = S.PENDING if roll < 0.75 else S.PUBLISHED
            elif roll < 0.003:
                state = S.PENDING
            elif roll < 0.038:
                state = S.REJECTED
            elif roll < 0.05:
                state = S.HIDDEN
            else:
                state = S.PUBLISHED
            self.problems.append((start + i, authors[i], state, times[i], axes[i]))
        self.supports_of = self._support_counts()

        def rows():
            for pid, author, state, ts, axis in self.problems:
                district = rng.choices(numbers, weights=district_weights)[0]
                district_id = self.districts[district].pk if rng.random() < 0.92 else None
                latitude = longitude = None
                if district_id and rng.random() < 0.6:
                    lat, lon = w.DISTRICT_CENTRES.get(district, (34.64, 50.88))
                    latitude = Decimal(f"{lat + rng.uniform(-0.012, 0.012):.5f}")
                    longitude = Decimal(f"{lon + rng.uniform(-0.015, 0.015):.5f}")
                title, paragraphs = text.problem_text(rng, axis, district)
                triage, entry, reason = self._triage(state, ts, axis)
                created = _stamp(ts)
                changed = None if state == S.PENDING else _stamp(ts + rng.uniform(600, 2 * DAY))
                if state in (S.PENDING, S.HIDDEN):
                    self.queue_texts[("problem", pid)] = (state, ts, title)
                yield (
                    pid,
                    self.plan.pk,
                    author,
                    title,
                    text.as_html(paragraphs),
                    self.axes[axis].pk,
                    district_id,
                    latitude,
                    longitude,
                    normalise(title),
                    # The same keys problem_submit makes from the title and the body's words.
                    normalise(f"{title} {' '.join(paragraphs)}"),
                    stem_key(f"{title} {' '.join(paragraphs)}"),
                    triage,
                    self.supports_of.get(pid, 0),
                    entry,
                    reason,
                    state,
                    changed,
                    created,
                )

        fields = [
            "id",
            "plan",
            "author",
            "title",
            "body",
            "axis",
            "district",
            "latitude",
            "longitude",
            "title_key",
            "search_text",
            "stem_key",
            "triage_state",
            "supports_count",
            "inventory_entry",
            "triage_reason",
            "moderation_state",
            "moderation_changed_at",
            "created_at",
        ]
        self.say(f"problems: {n:,}")
        self.created["problems"] = self.writer.insert(Problem, fields, rows(), total=n)

    def _triage(self, state: str, ts: float, axis: int) -> tuple[str, int | None, str]:
        """Planners have triaged part of the older published problems."""
        if state != S.PUBLISHED or self.now_ts - ts < 20 * DAY or not self.entry_ids:
            return Problem.Triage.NEW, None, ""
        roll = self.rng.random()
        entry = self.rng.choice(self.entries_by_axis.get(axis) or self.entry_ids)
        if roll < 0.10:
            return Problem.Triage.ACCEPTED, entry, ""
        if roll < 0.14:
            return Problem.Triage.MERGED, entry, ""
        if roll < 0.16:
            return Problem.Triage.OUT_OF_SCOPE, None, self.rng.choice(w.OUT_OF_SCOPE_REASONS)
        return Problem.Triage.NEW, None, ""

    def _support_counts(self) -> dict[int, int]:
        """A long tail: most problems have a handful of supporters, a few thousands."""
        rng = self.rng
        eligible = [p for p in self.problems if p[2] in (S.PUBLISHED, S.HIDDEN)]
        cap = len(self.user_ids) - 1
        target = min(self.scale.supports, cap * len(eligible))
        if target < self.scale.supports:
            self.say(f"  only {target:,} distinct supports are possible with these users")
        if not eligible or not target:
            return {}
        raw = [
            rng.lognormvariate(0, 1.5) * ((self.now_ts - p[3]) / DAY + 1) ** 0.3 for p in eligible
        ]
        factor = target / sum(raw)
        counts = [min(cap, int(r * factor)) for r in raw]
        missing = target - sum(counts)
        while missing > 0:
            i = rng.randrange(len(eligible))
            if counts[i] < cap:
                counts[i] += 1
                missing -= 1
        return {p[0]: c for p, c in zip(eligible, counts, strict=True) if c}

    def _supports(self) -> None:
        rng = self.rng
        pool = self.user_ids
        picked = []
        for pid, author, _, ts, _ in self.problems:
            k = self.supports_of.get(pid, 0)
            if not k:
                continue
            users = rng.sample(pool, k + 1)
            users = [u for u in users if u != author][:k]
            age = self.now_ts - ts
            # Support comes mostly soon after a problem is posted.
            picked.extend((ts + age * rng.random() ** 3, pid, u) for u in users)
        picked.sort()
        start = next_id(Support)
        rows = ((start + i, pid, user, _stamp(when)) for i, (when, pid, user) in enumerate(picked))
        self.say(f"supports: {len(picked):,}")
        self.created["supports"] = self.writer.insert(
            Support, ["id", "problem", "user", "created_at"], rows, total=len(picked)
        )

    # Comments ------------------------------------------------------------------------

    def _comments(self) -> None:  # noqa: C901 — one pass that writes every kind of comment
        """Comments on problems (most) and open plan items, in time order, a quarter of
        them replies; some threads have exactly THREAD_SIZE published comments."""
        rng, total = self.rng, self.scale.comments
        published = [p for p in self.problems if p[2] == S.PUBLISHED]
        older = [p for p in published if self.now_ts - p[3] > 30 * DAY]
        threads = min(20, total // (THREAD_SIZE * 10), len(older))
        thread_problems = rng.sample(older, threads)
        rest = total - threads * THREAD_SIZE
        open_items = [i for i in self.items if i[2] == PlanItem.Status.OPEN]
        on_items = int(rest * 0.2) if open_items else 0
        on_problems = rest - on_items
        taken = {p[0] for p in thread_problems}
        candidates = [p for p in published if p[0] not in taken]
        counts: dict[tuple, int] = defaultdict(int)
        if candidates and on_problems:
            weights = list(
                accumulate((self.supports_of.get(p[0], 0) + 1) ** 0.8 for p in candidates)
            )
            for p in rng.choices(candidates, cum_weights=weights, k=on_problems):
                counts[("problem", p[0], p[3], p[4])] += 1
        elif on_problems and open_items:
            on_items += on_problems
        for item in rng.choices(open_items, k=on_items) if on_items else []:
            counts[("plan_item", item[0], self.now_ts - 10 * DAY, item[3])] += 1
        for p in thread_problems:
            counts[("problem", p[0], p[3], p[4], "thread")] = THREAD_SIZE

        pool = self.user_ids
        experts = list(self.expert_ids) or pool
        records = []  # [ts, kind, target, parent record, author, stance, state, expert, axis]
        for key, k in counts.items():
            kind, target, since, axis = key[:4]
            thread = len(key) == 5
            end = self.now_ts - (8 * DAY if thread else 60)
            since = min(since + 60, end - 1)
            tops = []
            for ts in sorted(since + (end - since) * rng.random() for _ in range(k)):
                expert_pick = rng.random() < (0.1 if kind == "plan_item" else 0.03)
                author = rng.choice(experts) if expert_pick else rng.choice(pool)
                is_expert = author in self.expert_ids
                stance = rng.choices(
                    ["for", "against", "neutral"],
                    [0.4, 0.3, 0.3] if kind == "plan_item" else [0.5, 0.15, 0.35],
                )[0]
                state = S.PUBLISHED if thread else self._comment_state(ts)
                parent = rng.choice(tops) if tops and rng.random() < 0.25 else None
                index = len(records)
                records.append([ts, kind, target, parent, author, stance, state, is_expert, axis])
                if parent is None and state == S.PUBLISHED:
                    tops.append(index)
        order = sorted(range(len(records)), key=lambda i: records[i][0])
        start = next_id(Comment)
        ids = [0] * len(records)
        for rank, index in enumerate(order):
            ids[index] = start + rank

        def rows():
            for index in order:
                ts, kind, target, parent, author, stance, state, expert, axis = records[index]
                body = text.comment_body(rng, stance, axis, expert)
                if state in (S.PENDING, S.HIDDEN):
                    words = body.replace("<p>", "").replace("</p>", " ")
                    self.queue_texts[("comment", ids[index])] = (state, ts, words)
                yield (
                    ids[index],
                    self.plan.pk,
                    target if kind == "plan_item" else None,
                    target if kind == "problem" else None,
                    ids[parent] if parent is not None else None,
                    author,
                    body,
                    stance,
                    expert,
                    state,
                    None if state == S.PENDING else _stamp(ts + 3600),
                    _stamp(ts),
                )

        fields = [
            "id",
            "plan",
            "plan_item",
            "problem",
            "parent",
            "author",
            "body",
            "stance",
            "is_expert",
            "moderation_state",
            "moderation_changed_at",
            "created_at",
        ]
        self.say(f"comments: {len(records):,} ({threads} threads of {THREAD_SIZE})")
        self.created["comments"] = self.writer.insert(Comment, fields, rows(), total=len(records))

    def _comment_state(self, ts: float) -> str:
        roll = self.rng.random()
        if self.now_ts - ts < 3 * DAY:
            return S.PENDING if roll < 0.7 else S.PUBLISHED
        if roll < 0.05:
            return S.REJECTED
        if roll < 0.07:
            return S.HIDDEN
        return S.PUBLISHED

    # The moderation queue ------------------------------------------------------------

    def _queue(self) -> None:
        """An open queue entry for every pending post (new) and hidden one (reported)."""
        start = next_id(QueueEntry)
        # In the order the posts arrived, as the queue filled.
        waiting = sorted(self.queue_texts.items(), key=lambda item: item[1][1])

        def rows():
            for n, ((kind, pk), (state, ts, words)) in enumerate(waiting):
                hidden = state == S.HIDDEN
                reason = QueueEntry.Reason.REPORTED if hidden else QueueEntry.Reason.NEW
                yield (
                    start + n,
                    pk if kind == "problem" else None,
                    pk if kind == "comment" else None,
                    self.city.pk,
                    reason,
                    _stamp(ts + DAY if hidden else ts),
                    text_hints(words),
                )

        total = len(self.queue_texts)
        self.say(f"queue entries: {total:,}")
        self.created["queue_entries"] = self.writer.insert(
            QueueEntry,
            ["id", "problem", "comment", "city", "reason", "created_at", "hints"],
            rows(),
            total=total,
        )

    # Finishing -----------------------------------------------------------------------

    def _reset_sequences(self) -> None:
        models = [User, PlanItem, Problem, Support, Comment, QueueEntry]
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)

    def _analyse(self) -> None:
        """Fresh planner statistics (and, outside a transaction, a visibility map), as
        autovacuum would leave a live database."""
        started = time.monotonic()
        tables = [m._meta.db_table for m in (User, PlanItem, Problem, Support, Comment, QueueEntry)]
        if connection.vendor == "postgresql":
            tables.append("participation_publicsearch")  # the triggers' table (migration 0014)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                for table in tables:
                    cursor.execute(f"VACUUM (ANALYZE) {connection.ops.quote_name(table)}")
            else:
                cursor.execute("ANALYZE")
        self.say(f"  analysed in {time.monotonic() - started:.1f} s")


def problem_count() -> int:
    return Problem.objects.count()


def bench_plan() -> Plan | None:
    return Plan.objects.filter(city__slug=w.CITY["slug"], title=w.PLAN["title"]).first()


def log_scale(value: int) -> str:
    """100000 → 100k, for headings."""
    if value >= 1_000_000 and value % 1_000_000 == 0:
        return f"{value // 1_000_000}M"
    if value >= 1000 and value % 1000 == 0:
        return f"{value // 1000}k"
    return str(value) if value < 1000 else f"{value / 1000:.1f}k".replace(".0k", "k")
