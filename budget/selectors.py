"""Budget reads: the three figures per plan item and group, the council's slice of a year,
a project's page, and the lists the API serves. Each read is a constant number of queries,
whatever the number of projects, lines or plan items (tests/budget count them)."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, QuerySet

from budget import figures
from budget.figures import Money
from budget.models import BudgetLine, Funding, ImportMapping, Milestone, Project
from inventory.models import InventoryEntry
from moderation.models import ModerationState
from monitoring.models import Rollup
from monitoring.selectors import plan_item_indicators, stored_figures
from planning.models import Plan, PlanItem

logger = logging.getLogger(__name__)

NO_GROUP = 0
PUBLISHED = ModerationState.PUBLISHED


def gap_rule() -> dict[str, Decimal]:
    """The published gap thresholds as fractions."""
    return {
        "spent": Decimal(int(getattr(settings, "BUDGET_GAP_SPENT", 90))) / 100,
        "result": Decimal(int(getattr(settings, "BUDGET_GAP_RESULT", 60))) / 100,
    }


def currency() -> str:
    return "toman" if getattr(settings, "BUDGET_CURRENCY", "rial") == "toman" else "rial"


# The figures, cached for the public pages ------------------------------------------------
#
# A busy city reads the same figures again and again between two changes. The pages keep a
# figure set (plan_budget, goal_budget, budget_slice) in the cache under a key made of the
# plan, the year, the city's budget generation and the time monitoring last stored the
# plan's figures for that year. Every budget write gives its city a new generation
# (services.py calls `budget_changed`), and every monitoring change restores its roll-up, so
# a page never shows figures older than the last change; CACHE_SECONDS bounds what neither
# sees (a plan item renamed in the admin). With the cache down the figures are computed.

CACHE_SECONDS = 300


def _generation_key(city_id: int) -> str:
    return f"budget:generation:{city_id}"


def budget_changed(city_id: int) -> None:
    """The city's budget changed: figures cached before are not read again."""
    try:
        cache.set(_generation_key(city_id), uuid.uuid4().hex, None)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the write
        logger.warning("budget cache unavailable; generation of city %s not moved", city_id)


def cached_figures(plan: Plan, year: int, name: str, compute: Callable[[], Any]) -> Any:
    """`compute()`'s figures for the plan and year, from the cache when nothing changed
    since they were stored (`name` tells the figure sets apart: "plan", "goal:12"…)."""
    stamp = (
        Rollup.objects.filter(plan=plan, year=year).values_list("computed_at", flat=True).first()
    )
    try:
        generation = cache.get(_generation_key(plan.city_id))
        if generation is None:
            generation = uuid.uuid4().hex
            cache.add(_generation_key(plan.city_id), generation, None)
            generation = cache.get(_generation_key(plan.city_id), generation)
        key = f"budget:{name}:{plan.pk}:{year}:{generation}:{stamp.timestamp() if stamp else 0}"
        found = cache.get(key)
    except Exception:  # noqa: BLE001 - without the cache, compute
        return compute()
    if found is not None:
        return found
    value = compute()
    try:
        cache.set(key, value, CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("budget cache unavailable; figures of plan %s not kept", plan.pk)
    return value


# Lists (the API) -------------------------------------------------------------------------


def project_list() -> QuerySet[Project]:
    return Project.objects.select_related("plan", "scheme", "district").prefetch_related(
        Prefetch("fundings", queryset=Funding.objects.select_related("line")),
        "milestones",
    )


def line_list() -> QuerySet[BudgetLine]:
    return BudgetLine.objects.select_related("city").prefetch_related(
        Prefetch("fundings", queryset=Funding.objects.select_related("project"))
    )


def project_get(pk: int) -> Project | None:
    return project_list().filter(pk=pk).first()


def line_get(pk: int) -> BudgetLine | None:
    return line_list().filter(pk=pk).first()


def milestone_get(pk: int) -> Milestone | None:
    return Milestone.objects.select_related("project__plan").filter(pk=pk).first()


def funding_get(pk: int) -> Funding | None:
    return Funding.objects.select_related("project__plan", "line").filter(pk=pk).first()


def plan_years(plan: Plan) -> list[int]:
    """The plan's Jalali years (start to end)."""
    return list(range(plan.start_year, plan.end_year + 1))


# The figures ------------------------------------------------------------------------------


def _items(plan: Plan) -> list[Any]:
    return list(
        PlanItem.objects.filter(plan=plan)
        .order_by("sort_key")
        .values("id", "parent_id", "code", "title", "kind", "committee_id", "committee__title")
    )


def _item_axes(plan: Plan) -> dict[int, list[tuple[int, str]]]:
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    rows = PlanItem.axes.through.objects.filter(planitem__plan=plan).values_list(
        "planitem_id", "axis_id", "axis__title"
    )
    for item_id, axis_id, name in rows.order_by("axis__title"):
        found[item_id].append((axis_id, name))
    return found


def _projects(plan: Plan, year: int) -> list[Any]:
    return list(
        Project.objects.filter(plan=plan, year=year)
        .order_by("code")
        .values(
            "id",
            "scheme_id",
            "code",
            "title",
            "status",
            "physical_progress",
            "planned_cost",
            "district_id",
            "district__name",
            "responsible_unit",
        )
    )


def _project_money(plan: Plan, year: int) -> dict[int, Money]:
    money: dict[int, Money] = defaultdict(Money)
    rows = (
        Funding.objects.filter(project__plan=plan, project__year=year)
        .order_by()
        .values_list(
            "project_id",
            "share",
            "line__approved",
            "line__revised",
            "line__committed",
            "line__spent",
        )
    )
    for project_id, share, approved, revised, committed, spent in rows:
        money[project_id].add(
            figures.funded(
                approved=approved, revised=revised, committed=committed, spent=spent, share=share
            )
        )
    return money


def _ancestors(items: list[dict[str, Any]]) -> dict[int, list[int]]:
    """item id → its path from itself up to its goal."""
    parent = {item["id"]: item["parent_id"] for item in items}
    paths: dict[int, list[int]] = {}
    for item in items:
        path, node = [], item["id"]
        while node is not None:
            path.append(node)
            node = parent.get(node)
        paths[item["id"]] = path
    return paths


class _Group:
    """Projects gathered under one plan item, axis, committee or district."""

    def __init__(self) -> None:
        self.money = Money()
        self.projects: list[tuple[str, Decimal, int]] = []
        self.counted = 0

    def take(self, project: dict[str, Any], money: Money) -> None:
        self.money.add(money)
        self.projects.append(
            (project["status"], project["physical_progress"], project["planned_cost"])
        )
        if project["status"] != figures.CANCELLED:
            self.counted += 1

    def figures(self, realisation: Decimal | None, rule: dict[str, Decimal]) -> dict[str, Any]:
        spent = figures.spent_share(self.money)
        physical = figures.physical_mean(self.projects)
        return {
            "money": self.money.as_json(),
            "spent": figures.text(spent),
            "physical": figures.text(physical),
            "realisation": figures.text(realisation),
            "projects": len(self.projects),
            "projects_counted": self.counted,
            "flags": figures.gap_flags(
                spent=spent,
                physical=physical,
                realisation=realisation,
                gap_spent=rule["spent"],
                gap_result=rule["result"],
            ),
        }


def _realisation(item_figures: dict[str, Any], item_id: int) -> Decimal | None:
    value = (item_figures.get(str(item_id)) or {}).get("value")
    return None if value is None else Decimal(value)


def _mean(values: list[Decimal]) -> Decimal | None:
    return sum(values, Decimal(0)) / len(values) if values else None


def plan_budget(plan: Plan, year: int, *, root: PlanItem | None = None) -> dict[str, Any]:
    """The three figures (money spent %, physical progress %, indicator realisation %) with
    the money behind them and the gap flags, for every plan item of the plan for a Jalali
    year, the plan as a whole, the projects (each with the money it draws), and the projects
    grouped by axis, committee and district. With `root`, all of it for that item's subtree
    only (`total` is then the item's). Five queries."""
    rule = gap_rule()
    items = _items(plan)
    axes = _item_axes(plan)
    projects = _projects(plan, year)
    money = _project_money(plan, year)
    monitoring = stored_figures(plan, year)
    item_figures = monitoring.get("items", {})
    paths = _ancestors(items)
    item_by_id = {item["id"]: item for item in items}  # the whole tree: committees above
    if root is not None:
        items = [item for item in items if root.pk in paths[item["id"]]]
        projects = [p for p in projects if root.pk in paths.get(p["scheme_id"], [])]
    by_item: dict[int, _Group] = defaultdict(_Group)
    by_axis: dict[int, _Group] = defaultdict(_Group)
    by_committee: dict[int, _Group] = defaultdict(_Group)
    by_district: dict[int, _Group] = defaultdict(_Group)
    names: dict[str, dict[int, str]] = {"axis": {}, "committee": {}, "district": {}}
    schemes_of: dict[str, dict[int, set[int]]] = {"axis": defaultdict(set), "committee": {}}
    schemes_of["committee"] = defaultdict(set)
    whole = _Group()
    listed = []
    for project in projects:
        share = money.get(project["id"], Money())
        share.planned = project["planned_cost"]
        listed.append(
            {**project, "money": share.as_json(), "spent": figures.text(figures.spent_share(share))}
        )
        whole.take(project, share)
        path = paths.get(project["scheme_id"], [])
        for item_id in path:
            by_item[item_id].take(project, share)
        axis_list = next((axes[node] for node in path if axes.get(node)), [(NO_GROUP, "")])
        for axis_id, name in axis_list:
            by_axis[axis_id].take(project, share)
            names["axis"][axis_id] = name
            schemes_of["axis"][axis_id].add(project["scheme_id"])
        committee = next(
            (item_by_id[node] for node in path if item_by_id[node]["committee_id"]), None
        )
        committee_id = committee["committee_id"] if committee else NO_GROUP
        by_committee[committee_id].take(project, share)
        names["committee"][committee_id] = committee["committee__title"] if committee else ""
        schemes_of["committee"][committee_id].add(project["scheme_id"])
        district_id = project["district_id"] or NO_GROUP
        by_district[district_id].take(project, share)
        names["district"][district_id] = project["district__name"] or ""

    def group_rows(kind: str, groups: dict[int, _Group]) -> list[dict[str, Any]]:
        rows = []
        for key, group in groups.items():
            schemes = schemes_of.get(kind, {}).get(key, set())
            known = [
                value
                for value in (_realisation(item_figures, scheme) for scheme in schemes)
                if value is not None
            ]
            rows.append(
                {"id": key or None, "name": names[kind][key], **group.figures(_mean(known), rule)}
            )
        return sorted(rows, key=lambda row: (row["id"] is None, row["name"]))

    rows = []
    for item in items:
        group = by_item.get(item["id"])
        realisation = _realisation(item_figures, item["id"])
        rows.append(
            {
                "id": item["id"],
                "parent_id": item["parent_id"],
                "code": item["code"],
                "title": item["title"],
                "kind": item["kind"],
                "depth": len(paths[item["id"]]),
                **(group or _Group()).figures(realisation, rule),
            }
        )
    plan_realisation = (
        monitoring.get("plan", {}).get("value")
        if root is None
        else (item_figures.get(str(root.pk)) or {}).get("value")
    )
    return {
        "plan": plan,
        "year": year,
        "years": plan_years(plan),
        "rule": {"spent": figures.text(rule["spent"]), "result": figures.text(rule["result"])},
        "currency": currency(),
        "total": whole.figures(
            None if plan_realisation is None else Decimal(plan_realisation), rule
        ),
        "items": rows,
        "goals": [row for row in rows if row["parent_id"] is None],
        "projects": listed,
        "by_axis": group_rows("axis", by_axis),
        "by_committee": group_rows("committee", by_committee),
        "by_district": group_rows("district", by_district),
    }


def goal_budget(plan: Plan, year: int, goal: PlanItem) -> dict[str, Any]:
    """`plan_budget` for one plan item's subtree (a goal, or any item below one), with the
    item's own row as `goal`. Five queries."""
    data = plan_budget(plan, year, root=goal)
    row = next((row for row in data["items"] if row["id"] == goal.pk), None)
    return {**data, "goal": row}


# The slice ------------------------------------------------------------------------------


def _slice_sums(
    plan: Plan, year: int
) -> tuple[dict[tuple[int, int], list[int]], dict[int, int], dict[int, dict[int, int]], dict]:
    """Both years' money per (year, scheme) as [planned, approved, current, committed,
    spent]; the year's project count per scheme; the year's share of each line per scheme;
    and, per line of the year, the shares given (to any plan) and whether this plan uses it."""
    years = (year - 1, year)
    sums: dict[tuple[int, int], list[int]] = {}
    counts: dict[int, int] = defaultdict(int)
    # .order_by(): no sort, and none of the joins the models' default ordering would add
    projects = Project.objects.filter(plan=plan, year__in=years).order_by()
    for project_year, scheme_id, planned in projects.values_list(
        "year", "scheme_id", "planned_cost"
    ):
        sums.setdefault((project_year, scheme_id), [0, 0, 0, 0, 0])[0] += planned
        if project_year == year:
            counts[scheme_id] += 1
    scheme_lines: dict[int, dict[int, int]] = defaultdict(dict)
    line_use: dict[str, Any] = {"shares": defaultdict(int), "used": set()}
    fundings = Funding.objects.filter(line__city_id=plan.city_id, line__year__in=years)
    rows = fundings.order_by().values_list(
        "line_id",
        "line__year",
        "share",
        "project__plan_id",
        "project__scheme_id",
        "line__approved",
        "line__revised",
        "line__committed",
        "line__spent",
    )
    for line_id, line_year, share, plan_id, scheme_id, approved, revised, committed, spent in rows:
        if line_year == year:
            line_use["shares"][line_id] += share
        if plan_id != plan.pk:
            continue
        total = sums.setdefault((line_year, scheme_id), [0, 0, 0, 0, 0])
        total[1] += figures.drawn(approved, share)
        total[2] += figures.drawn(figures.line_current(approved, revised), share)
        total[3] += figures.drawn(committed, share)
        total[4] += figures.drawn(spent, share)
        if line_year == year:
            line_use["used"].add(line_id)
            shares = scheme_lines[scheme_id]
            shares[line_id] = shares.get(line_id, 0) + share
    return sums, counts, scheme_lines, line_use


LINE_FIELDS = ("id", "code", "title", "source", "approved", "revised", "committed", "spent")


def _slice_lines(plan: Plan, year: int) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    """The year's lines, and the year before's current and spent amounts per line code."""
    lines: list[dict[str, Any]] = []
    before: dict[str, dict[str, int]] = {}
    for row in (
        BudgetLine.objects.filter(city_id=plan.city_id, year__in=(year - 1, year))
        .order_by("code")
        .values_list("year", *LINE_FIELDS)
    ):
        line = dict(zip(LINE_FIELDS, row[1:], strict=True))
        if row[0] == year:
            lines.append(line)
        else:
            before[line["code"]] = {
                "current": figures.line_current(line["approved"], line["revised"]),
                "spent": line["spent"],
            }
    return lines, before


def _money_json(values: list[int] | None) -> dict[str, int]:
    planned, approved, current, committed, spent = values or (0, 0, 0, 0, 0)
    return {
        "planned": planned,
        "approved": approved,
        "current": current,
        "committed": committed,
        "spent": spent,
    }


def _scheme_lines(
    shares: dict[int, int], line_by_id: dict[int, dict[str, Any]]
) -> list[dict[str, Any]]:
    found = []
    for line_id, share in shares.items():
        line = line_by_id.get(line_id)
        if line is not None:
            current = figures.line_current(line["approved"], line["revised"])
            found.append(
                {
                    "id": line_id,
                    "code": line["code"],
                    "title": line["title"],
                    "share": share,
                    "current": figures.drawn(current, share),
                }
            )
    return sorted(found, key=lambda line: line["code"])


def budget_slice(plan: Plan, year: int) -> dict[str, Any]:
    """The council's one-year slice: for each scheme of the plan, what the plan foresaw for
    the year against the budget lines that fund it (with their share); the schemes with no
    budget; the year's lines funding nothing in the plan; and the change from the year
    before, per scheme and per line code. Four queries: both years are read at once, and
    without the joins and sort the models' default ordering would add. Relies on what
    funding_set guarantees: a funding's line is of its project's city and year."""
    items = list(
        PlanItem.objects.filter(plan=plan)
        .order_by("sort_key")
        .values_list("id", "parent_id", "code", "title", "kind")
    )
    parent = {item[0]: item[1] for item in items}
    by_id = {item[0]: item for item in items}
    sums, counts, scheme_lines, line_use = _slice_sums(plan, year)
    lines, before_lines = _slice_lines(plan, year)
    line_by_id = {line["id"]: line for line in lines}
    schemes: list[dict[str, Any]] = []
    for item_id, _parent_id, code, title, kind in items:
        if kind != PlanItem.Kind.PROJECT:
            continue
        goal_id = item_id
        while parent[goal_id] is not None:
            goal_id = parent[goal_id]
        goal = by_id[goal_id]
        now = _money_json(sums.get((year, item_id)))
        last_year = sums.get((year - 1, item_id))
        before = _money_json(last_year) if last_year is not None else None
        schemes.append(
            {
                "id": item_id,
                "code": code,
                "title": title,
                "goal": {"id": goal[0], "code": goal[2], "title": goal[3]},
                "money": now,
                "projects": counts.get(item_id, 0),
                "lines": _scheme_lines(scheme_lines.get(item_id, {}), line_by_id),
                "gap": now["current"] - now["planned"],
                "covered": figures.text(figures.ratio(now["current"], now["planned"])),
                "before": before,
                "change": _change(now["current"], before["current"] if before else None),
            }
        )
    line_rows = []
    for line in lines:
        current = figures.line_current(line["approved"], line["revised"])
        before_line = before_lines.get(line["code"])
        line_rows.append(
            {
                **line,
                "current": current,
                "shared": line_use["shares"].get(line["id"], 0),
                "in_plan": line["id"] in line_use["used"],
                "before": before_line,
                "change": _change(current, before_line["current"] if before_line else None),
            }
        )
    totals = Money()
    per_goal: dict[int, dict[str, Any]] = {}
    for row in schemes:
        totals.add(Money(**row["money"]))
        summary = per_goal.setdefault(
            row["goal"]["id"], {**row["goal"], "money": Money(), "funded": 0, "unfunded": 0}
        )
        summary["money"].add(Money(**row["money"]))
        summary["funded" if row["money"]["current"] > 0 else "unfunded"] += 1
    return {
        "plan": plan,
        "year": year,
        "years": plan_years(plan),
        "currency": currency(),
        "goals": [{**row, "money": row["money"].as_json()} for row in per_goal.values()],
        "schemes": [row for row in schemes if row["money"]["current"] > 0],
        "unfunded": [row for row in schemes if row["money"]["current"] <= 0],
        "lines": line_rows,
        "lines_outside": sorted(
            (line for line in line_rows if not line["in_plan"]),
            key=lambda line: (-line["current"], line["code"]),
        ),
        "totals": {
            **totals.as_json(),
            "budget": sum(line["current"] for line in line_rows),
            "in_plan": sum(line["current"] for line in line_rows if line["in_plan"]),
        },
        "before": {
            "year": year - 1,
            "current": sum(values[2] for key, values in sums.items() if key[0] == year - 1),
            "budget": sum(line["current"] for line in before_lines.values()),
        },
    }


def slice_of_goal(data: dict[str, Any], goal_id: int | None) -> dict[str, Any]:
    """A `budget_slice` narrowed to one goal's schemes (funded and unfunded); the lines and
    the totals stay the year's."""
    if goal_id is None:
        return data
    return {
        **data,
        "schemes": [row for row in data["schemes"] if row["goal"]["id"] == goal_id],
        "unfunded": [row for row in data["unfunded"] if row["goal"]["id"] == goal_id],
    }


def _change(now: int, before: int | None) -> str | None:
    if before is None or before <= 0:
        return None
    return figures.text(Decimal(now - before) / Decimal(before))


# A project's page -------------------------------------------------------------------------


def _path_ids(scheme: PlanItem) -> list[int]:
    """The scheme and the items above it, in one query."""
    codes = scheme.code.split(".")
    prefixes = [".".join(codes[: n + 1]) for n in range(len(codes))]
    return list(
        PlanItem.objects.filter(plan_id=scheme.plan_id, code__in=prefixes).values_list(
            "id", flat=True
        )
    )


def project_detail(project: Project) -> dict[str, Any]:
    """A project with its milestones, the lines that fund it (and what it draws from each),
    the scheme's indicators and realisation, and the inventory problems the scheme (or an
    item above it) addresses, with how many citizens' problems stand behind each."""
    fundings = sorted(project.fundings.all(), key=lambda funding: funding.line.code)
    money = Money(planned=project.planned_cost)
    lines = []
    for funding in fundings:
        line = funding.line
        part = figures.funded(
            approved=line.approved,
            revised=line.revised,
            committed=line.committed,
            spent=line.spent,
            share=funding.share,
        )
        money.add(part)
        lines.append({"funding": funding, "line": line, "money": part.as_json()})
    scheme = project.scheme
    path_ids = [int(part) for part in _path_ids(scheme)]
    entries = list(
        InventoryEntry.objects.filter(addressed_by__in=path_ids)
        .annotate(
            published_problems=Count(
                "problems",
                filter=Q(problems__moderation_state=PUBLISHED),
                distinct=True,
            )
        )
        .order_by("code")
        .values("id", "code", "title", "status", "published_problems")
    )
    return {
        "project": project,
        "milestones": sorted(
            project.milestones.all(), key=lambda m: (m.due_on is None, m.due_on or 0, m.pk)
        ),
        "lines": lines,
        "money": money.as_json(),
        "spent": figures.text(figures.spent_share(money)),
        "physical": figures.text(project.physical_progress / 100),
        "indicators": plan_item_indicators(scheme, project.year),
        "entries": entries,
        "currency": currency(),
    }


# The budget API (budget-api) ---------------------------------------------------------------


def project_money(project: Project) -> dict[str, Any]:
    """A listed project's money from the fundings `project_list` prefetched (no query): the
    total it draws (planned = its planned cost), per funding what it draws from that line,
    and money spent as a fraction of its current allocation."""
    money = Money(planned=project.planned_cost)
    per_funding: dict[int, dict[str, int]] = {}
    for funding in project.fundings.all():
        line = funding.line
        part = figures.funded(
            approved=line.approved,
            revised=line.revised,
            committed=line.committed,
            spent=line.spent,
            share=funding.share,
        )
        money.add(part)
        per_funding[funding.pk] = part.as_json()
    return {
        "money": money.as_json(),
        "spent": figures.text(figures.spent_share(money)),
        "fundings": per_funding,
    }


def project_milestones(project: Project) -> QuerySet[Milestone]:
    return Milestone.objects.filter(project=project).order_by("due_on", "id")


def item_budget(plan: Plan, year: int, item: PlanItem) -> dict[str, Any]:
    """What the API answers for a plan item: `goal_budget` (its projects carry their money)."""
    return goal_budget(plan, year, item)


def mapping_columns(city_id: int) -> dict[str, str]:
    """The headers a city stored for its budget files (our key → its header); {} if none."""
    stored = ImportMapping.objects.filter(city_id=city_id).values_list("columns", flat=True)
    return dict(stored.first() or {})


# The pages (budget-pages) -----------------------------------------------------------------


def scheme_projects(scheme: PlanItem) -> list[Project]:
    """A scheme's projects of every year, the newest year first, then by code. One query."""
    return list(Project.objects.filter(scheme=scheme).order_by("-year", "code"))


def city_budget_years(city_id: int) -> list[int]:
    """The Jalali years a city's budget may be kept for: every year of its plans, and any
    other year it already has budget lines for. Two queries."""
    years: set[int] = set()
    for start, end in Plan.objects.filter(city_id=city_id).values_list("start_year", "end_year"):
        years.update(range(start, end + 1))
    years.update(
        BudgetLine.objects.filter(city_id=city_id).values_list("year", flat=True).distinct()
    )
    return sorted(years)
