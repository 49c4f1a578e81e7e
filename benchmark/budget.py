"""The budget slice in the benchmark: the Qom-shaped plan's yearly projects and the city's
budget lines over the plan's five years, written in bulk, and the rows that time the three
budget reads (the council's slice, the plan's figures, a goal's figures) server-side and, once
the pages exist, the three public pages through Django's test Client.

Each year gets about a fifth of the projects and lines. In a year with k projects and m lines:
project i draws on line i (a share of 50–100%); every fifth project also draws all of a
second line; then lines that fund two projects at 50% each; the lines left over fund nothing
in the plan (staff pay, debt service and the like). About one scheme in ten has no project in
a given year. Physical progress is computed from the milestones with the app's own rule
(budget/figures.py), so the stored figure is what the services would have stored.
"""

import datetime
import random
import time
from collections.abc import Callable
from decimal import Decimal

from django.conf import settings
from django.db import connection, transaction
from django.http.request import validate_host
from django.test import Client
from django.urls import Resolver404, resolve

from backend.jalali import jalali_year_bounds
from benchmark.measure import Row
from benchmark.monitoring import _series as timed_series
from budget import figures, selectors
from budget.models import BudgetLine, FinancingSource, Funding, Milestone, Project
from cities.models import District
from monitoring.models import Rollup
from planning.models import Plan, PlanItem

PROJECTS = 1500
LINES = 3000
BN = 1_000_000_000
STATUSES = ("running", "done", "planned", "stopped", "cancelled")
STATUS_WEIGHTS = (50, 22, 13, 8, 7)
SOURCES = FinancingSource.values
SOURCE_WEIGHTS = (55, 20, 10, 8, 7)
UNITS = (
    "معاونت حمل‌ونقل و ترافیک",
    "معاونت فنی و عمرانی",
    "سازمان نوسازی بافت فرسوده",
    "معاونت خدمات شهری و محیط زیست",
    "سازمان فرهنگی، اجتماعی و ورزشی",
    "سازمان فناوری اطلاعات و ارتباطات",
    "سازمان سیما، منظر و فضای سبز شهری",
)
TARGET = "p95 < 50 ms"
LIMIT_MS = 50

# The public pages, as the pages' helper names and mounts them; adjust a path or a name here.
# Each page is timed only when its path resolves to one of the names given.
PAGES = (
    (
        "budget_page_plan",
        "Page /plans/{plan}/budget/?year= (where the money goes)",
        "/plans/{plan}/budget/?year={year}",
        ("budget:plan", "budget:overview"),
    ),
    (
        "budget_page_goal",
        "Page /plans/{plan}/budget/goals/{goal}/?year= (a goal)",
        "/plans/{plan}/budget/goals/{goal}/?year={year}",
        ("budget:goal",),
    ),
    (
        "budget_page_slice",
        "Page /plans/{plan}/budget/slice/{year}/ (the slice)",
        "/plans/{plan}/budget/slice/{year}/",
        ("budget:slice",),
    ),
)


def _spread(total: int, buckets: int) -> list[int]:
    base, extra = divmod(total, buckets)
    return [base + (1 if n < extra else 0) for n in range(buckets)]


def _line(rng: random.Random, city_id: int, year: int, n: int) -> BudgetLine:
    """A line with a seven-digit programme code (function digit first), as the demo's."""
    approved = rng.randint(5, 900) * BN
    revised = None if rng.random() < 0.7 else approved * rng.randint(70, 130) // 100
    current = figures.line_current(approved, revised)
    committed = current * rng.randint(30, 100) // 100
    return BudgetLine(
        city_id=city_id,
        year=year,
        code=f"{1 + n % 6}{n:06d}",
        title=f"ردیف آزمون {n} سال {year}",
        source=rng.choices(SOURCES, SOURCE_WEIGHTS)[0],
        approved=approved,
        revised=revised,
        committed=committed,
        spent=committed * rng.randint(50, 100) // 100,
    )


def _milestones(
    rng: random.Random, status: str, start: datetime.date, end: datetime.date
) -> list[tuple[int, datetime.date, datetime.date | None]]:
    """(weight, due, done or None) for 0–5 milestones; all done for a finished project."""
    count = rng.choice((0, 2, 3, 3, 4, 5))
    span = max((end - start).days, 1)
    rows = []
    for step in range(1, count + 1):
        due = start + datetime.timedelta(days=span * step // count)
        done = status == "done" or (status != "planned" and rng.random() < 0.5)
        done_on = due + datetime.timedelta(days=rng.randint(-10, 20)) if done else None
        rows.append((rng.randint(1, 5), due, done_on))
    return rows


def _fundings(k: int, m: int, rng: random.Random) -> list[tuple[int, int, int]]:
    """(line index, project index, share in basis points) for a year of k projects and m
    lines (see the module's docstring); never more than a whole line."""
    rows = [(i, i, rng.randint(50, 100) * 100) for i in range(min(k, m))]
    second = k
    for i in range(0, k, 5):
        if second < m:
            rows.append((second, i, figures.WHOLE_SHARE))
            second += 1
    pair = second
    for j in range(k // 5):
        if pair >= m:
            break
        first, other = 5 * j + 1, 5 * j + 2
        if other < k:
            rows.append((pair, first, figures.WHOLE_SHARE // 2))
            rows.append((pair, other, figures.WHOLE_SHARE // 2))
            pair += 1
    return rows


def seed_budget(
    plan: Plan,
    *,
    projects: int = PROJECTS,
    lines: int = LINES,
    seed: int = 1404,
    say: Callable = print,
) -> dict[str, int]:
    """`projects` yearly projects and `lines` budget lines spread over the plan's years, with
    milestones and fundings. Nothing is written when the plan already has projects or the
    city already has budget lines in the plan's years."""
    years = selectors.plan_years(plan)
    if (
        Project.objects.filter(plan=plan).exists()
        or BudgetLine.objects.filter(city_id=plan.city_id, year__in=years).exists()
    ):
        say("  budget: the plan already has projects or lines, left as they are")
        return {}
    rng = random.Random(seed)
    started = time.monotonic()
    schemes = list(
        PlanItem.objects.filter(plan=plan, kind=PlanItem.Kind.PROJECT)
        .order_by("sort_key")
        .values_list("pk", flat=True)
    )
    if not schemes:
        say("  budget: the plan has no schemes (plan items of kind project)")
        return {}
    districts = list(District.objects.filter(city_id=plan.city_id).values_list("pk", flat=True))
    counts = {"projects": 0, "lines": 0, "milestones": 0, "fundings": 0}
    with transaction.atomic():
        for year, k, m in zip(
            years, _spread(projects, len(years)), _spread(lines, len(years)), strict=True
        ):
            _seed_year(plan, year, k, m, rng, schemes, districts, counts)
    _analyse()
    say(
        f"  budget: {counts['projects']:,} projects, {counts['lines']:,} lines, "
        f"{counts['fundings']:,} fundings, {counts['milestones']:,} milestones over "
        f"{len(years)} years in {time.monotonic() - started:.1f} s"
    )
    return {f"budget_{name}": count for name, count in counts.items()}


def _seed_year(
    plan: Plan,
    year: int,
    k: int,
    m: int,
    rng: random.Random,
    schemes: list[int],
    districts: list[int],
    counts: dict[str, int],
) -> None:
    first_day, last_day = jalali_year_bounds(year)
    made = BudgetLine.objects.bulk_create(
        (_line(rng, plan.city_id, year, n) for n in range(m)), batch_size=1000
    )
    by_code = dict(
        BudgetLine.objects.filter(city_id=plan.city_id, year=year).values_list("code", "pk")
    )
    line_ids = [by_code[line.code] for line in made]
    active = rng.sample(schemes, max(1, len(schemes) * 9 // 10))
    rows, steps = [], []
    for n in range(k):
        status = rng.choices(STATUSES, STATUS_WEIGHTS)[0]
        start = first_day + datetime.timedelta(days=rng.randint(0, 120))
        end = min(start + datetime.timedelta(days=rng.randint(90, 330)), last_day)
        milestones = _milestones(rng, status, start, end)
        manual = status != "done" and rng.random() < 0.05
        manual_progress = Decimal(rng.randint(0, 95)) if manual else None
        rows.append(
            Project(
                plan=plan,
                scheme_id=rng.choice(active),
                year=year,
                code=f"{year}-{n:04d}",
                title=f"پروژه‌ی آزمون {n} سال {year}",
                responsible_unit=rng.choice(UNITS),
                district_id=rng.choice(districts) if districts and rng.random() < 0.7 else None,
                planned_start=start,
                planned_end=end,
                planned_cost=rng.randint(5, 800) * BN,
                status=status,
                progress_mode="manual" if manual else "milestones",
                manual_progress=manual_progress,
                progress_note="گزارش ناظر" if manual else "",
                physical_progress=figures.project_progress(
                    status=status,
                    mode="manual" if manual else "milestones",
                    manual=manual_progress,
                    milestones=[(weight, done is not None) for weight, _due, done in milestones],
                ),
            )
        )
        steps.append(milestones)
    Project.objects.bulk_create(rows, batch_size=1000)
    by_code = dict(Project.objects.filter(plan=plan, year=year).values_list("code", "pk"))
    project_ids = [by_code[project.code] for project in rows]
    Milestone.objects.bulk_create(
        (
            Milestone(
                project_id=project_ids[n],
                title=f"گام {step}",
                due_on=due,
                done_on=done,
                weight=weight,
            )
            for n, milestones in enumerate(steps)
            for step, (weight, due, done) in enumerate(milestones, start=1)
        ),
        batch_size=2000,
    )
    fundings = _fundings(k, m, rng)
    Funding.objects.bulk_create(
        (
            Funding(line_id=line_ids[line], project_id=project_ids[project], share=share)
            for line, project, share in fundings
        ),
        batch_size=2000,
    )
    counts["projects"] += k
    counts["lines"] += m
    counts["milestones"] += sum(len(milestones) for milestones in steps)
    counts["fundings"] += len(fundings)


def _analyse() -> None:
    """Fresh planner statistics for the tables just filled, as autovacuum would leave them."""
    tables = [model._meta.db_table for model in (BudgetLine, Project, Milestone, Funding)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


# The measurements -----------------------------------------------------------------------


def middle_year(plan: Plan) -> int:
    years = selectors.plan_years(plan)
    return years[len(years) // 2]


def _client() -> Client:
    host = "testserver"
    if not validate_host(host, settings.ALLOWED_HOSTS):
        host = next(h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*")
    return Client(SERVER_NAME=host)


def _page_exists(path: str, names: tuple[str, ...]) -> bool:
    try:
        match = resolve(path.split("?", 1)[0])
    except Resolver404:
        return False
    return match.view_name in names


def budget_rows(
    plan: Plan, *, requests: int, warmup: int, seed: int, say: Callable = print
) -> list[Row]:
    """The slice, the plan's figures and a goal's figures for the plan's middle year, timed
    in-process (the selector and its queries), then the three pages when they exist."""
    year = middle_year(plan)
    slice_row = Row("budget_slice", "selectors.budget_slice (plan, year)", TARGET, LIMIT_MS)
    plan_row = Row("budget_plan", "selectors.plan_budget (plan, year)", TARGET, LIMIT_MS)
    goal_row = Row("budget_goal", "selectors.goal_budget (plan, year, goal)", TARGET, LIMIT_MS)
    selector_rows = [slice_row, plan_row, goal_row]
    page_rows = [Row(key, label, TARGET, LIMIT_MS) for key, label, _path, _names in PAGES]
    rows = [*selector_rows, *page_rows]
    projects = Project.objects.filter(plan=plan, year=year)
    if not projects.exists():
        for row in rows:
            row.value = "not run (no projects: bench_data --budget)"
        return rows
    stored = Rollup.objects.filter(plan=plan, year=year).exists()
    say(
        f"  budget data for {year}: {projects.count():,} projects, "
        f"{BudgetLine.objects.filter(city_id=plan.city_id, year=year).count():,} lines, "
        f"{Funding.objects.filter(project__plan=plan, project__year=year).count():,} fundings; "
        + (
            "indicator realisation from the stored roll-up"
            if stored
            else "no stored roll-up: realisation computed per read (bench_data --monitoring)"
        )
    )
    rng = random.Random(seed)
    goals = list(PlanItem.objects.filter(plan=plan, parent__isnull=True).order_by("sort_key"))
    picks = [rng.choice(goals) for _ in range(requests + warmup)]
    timed_series(
        slice_row, lambda _i: selectors.budget_slice(plan, year), requests=requests, warmup=warmup
    )
    timed_series(
        plan_row, lambda _i: selectors.plan_budget(plan, year), requests=requests, warmup=warmup
    )
    timed_series(
        goal_row,
        lambda i: selectors.goal_budget(plan, year, picks[i]),
        requests=requests,
        warmup=warmup,
    )
    for row in selector_rows:
        _say(row, say)
    client = _client()
    for row, (_key, _label, template, names) in zip(page_rows, PAGES, strict=True):
        paths = [
            template.format(plan=plan.pk, year=year, goal=pick.pk)
            for pick in picks[: requests + warmup]
        ]
        if not _page_exists(paths[0], names):
            row.value = f"not run (no page named {' or '.join(names)} at this path yet)"
            say(f"  {row.label}: {row.value}")
            continue
        failed: list[int] = []

        def get(i: int, paths=paths, failed=failed):
            response = client.get(paths[i])
            if response.status_code != 200:
                failed.append(response.status_code)
            return response

        timed_series(row, get, requests=requests, warmup=warmup)
        if failed:
            row.passed = False
            row.value = f"HTTP {failed[0]} ({len(failed)} of {requests + warmup})"
        _say(row, say)
    return rows


def _say(row: Row, say: Callable) -> None:
    say(
        f"  {row.label}: p50 {row.p(50):.1f} ms, p95 {row.p(95):.1f} ms, "
        f"p99 {row.p(99):.1f} ms, {row.queries_text} queries"
    )
