"""Monitoring reads: the plan's realisation figures (computed here, stored by the services in
`Rollup` whenever a measurement, target, baseline, weight or item state changes), the
dashboard, an indicator's page, a plan item's indicators, the overdue list and snapshots.

Pages read stored figures: the dashboard is one Rollup row plus one aggregate query for
freshness, whatever the number of indicators.
"""

import datetime
import threading
from collections import OrderedDict, defaultdict
from decimal import Decimal
from functools import lru_cache
from typing import Any

import jdatetime
from django.conf import settings
from django.db.models import Exists, F, Max, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from backend.compiled import Compiled
from backend.jalali import to_jalali
from monitoring.models import (
    PERIODS,
    Baseline,
    Indicator,
    IndicatorLink,
    IndicatorVersion,
    Measurement,
    Rollup,
    Snapshot,
    Target,
    period_end_month,
)
from monitoring.realisation import Figure, Node, aggregate, indicator_realisation, roll_up
from planning.models import Plan, PlanItem

DEFAULT_DUE_DAY = 10
SHARE_PLACES = Decimal("0.0001")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _published_versions() -> Prefetch:
    return Prefetch(
        "versions",
        queryset=IndicatorVersion.objects.filter(published_at__isnull=False).order_by("-number"),
        to_attr="published_versions",
    )


def plan_indicators(plan: Plan) -> QuerySet[Indicator]:
    """The plan's indicators with their published versions (newest first) prefetched, so
    `indicator.current_version` costs no query."""
    return (
        Indicator.objects.filter(plan=plan)
        .select_related("owner")
        .prefetch_related(_published_versions())
        .order_by("code")
    )


def indicator_list() -> QuerySet[Indicator]:
    """Every indicator that has a published version (drafts stay with the planners), with
    its owner and published versions loaded: a constant number of queries for any page."""
    published = IndicatorVersion.objects.filter(
        indicator=OuterRef("pk"), published_at__isnull=False
    )
    return (
        Indicator.objects.filter(Exists(published))
        .select_related("owner")
        .prefetch_related(_published_versions())
        .order_by("plan_id", "code")
    )


def indicators_matching(rows: QuerySet[Indicator], text: str) -> QuerySet[Indicator]:
    """Indicators whose code or a published version's title holds every word of `text`
    (already normalised), in any order."""
    for word in text.split()[:10]:
        titled = IndicatorVersion.objects.filter(
            indicator=OuterRef("pk"), published_at__isnull=False, title__icontains=word
        )
        rows = rows.filter(Q(code__icontains=word) | Exists(titled))
    return rows


def indicator_draft(indicator: Indicator) -> IndicatorVersion | None:
    """The indicator's draft version, if it has one."""
    return indicator.versions.filter(published_at__isnull=True).first()


def indicator_targets(indicator: Indicator) -> list[Target]:
    return list(Target.objects.filter(indicator=indicator).order_by("year"))


def indicator_with_plan() -> QuerySet[Indicator]:
    """Indicators with their plan, city and owner loaded (an indicator's page and writes)."""
    return Indicator.objects.select_related("plan__city", "owner").prefetch_related(
        _published_versions()
    )


def indicator_measurements(
    indicator: Indicator, *, year: int | None = None, include_drafts: bool = False
) -> QuerySet[Measurement]:
    """An indicator's measurements in order, corrections included; drafts only when asked
    (for the people who may enter them)."""
    rows = (
        Measurement.objects.filter(indicator=indicator)
        .select_related("version", "entered_by", "verified_by")
        .order_by("year", "period", "created_at", "id")
    )
    if year is not None:
        rows = rows.filter(year=year)
    if not include_drafts:
        rows = rows.exclude(state=Measurement.State.DRAFT)
    return rows


def plan_reported_measurements(plan: Plan) -> QuerySet[Measurement]:
    """The plan's reported values for export: submitted ones, and verified ones no
    correction supersedes; by indicator code, year and period."""
    return (
        Measurement.objects.filter(indicator__plan=plan, superseded_by__isnull=True)
        .exclude(state=Measurement.State.DRAFT)
        .select_related("indicator")
        .order_by("indicator__code", "year", "period", "created_at", "id")
    )


def indicator_links(indicator: Indicator) -> list[IndicatorLink]:
    """The indicator's links with their plan items, in the plan's order."""
    return list(
        IndicatorLink.objects.filter(indicator=indicator)
        .select_related("plan_item")
        .order_by("plan_item__sort_key")
    )


def plan_snapshots(plan: Plan) -> QuerySet[Snapshot]:
    """The plan's snapshots, oldest period first."""
    return Snapshot.objects.filter(plan=plan).order_by("year", "through_month", "id")


def snapshot_list() -> QuerySet[Snapshot]:
    return Snapshot.objects.select_related("plan__city")


def current_values(plan: Plan, year: int, period: int | None = None) -> dict[int, list]:
    """indicator id → [(period, value), …] of the current (verified, not superseded) values
    of a year (one period when given). One query."""
    rows = Measurement.objects.current().filter(indicator__plan=plan, year=year)
    if period is not None:
        rows = rows.filter(period=period)
    found: dict[int, list] = defaultdict(list)
    for indicator_id, row_period, value in rows.values_list("indicator_id", "period", "value"):
        found[indicator_id].append((row_period, value))
    return found


def _items(plan: Plan) -> list[dict[str, Any]]:
    rows = (
        PlanItem.objects.filter(plan=plan)
        .order_by("sort_key")
        .values("id", "parent_id", "code", "title", "kind", "monitoring__state")
    )
    return [dict(row) for row in rows]


def _indicator_figures(
    indicators: list[Indicator], plan: Plan, year: int, through_month: int
) -> dict[int, dict[str, Any]]:
    targets = dict(
        Target.objects.filter(indicator__plan=plan, year=year).values_list("indicator_id", "value")
    )
    values = current_values(plan, year)
    figures: dict[int, dict[str, Any]] = {}
    for indicator in indicators:
        version = indicator.current_version
        if version is None:
            continue
        periods = [
            (period, value)
            for period, value in values.get(indicator.pk, [])
            if period_end_month(version.periodicity, period) <= through_month
        ]
        actual = aggregate(periods, version.aggregation)
        baseline_row = getattr(indicator, "baseline", None) if _has_baseline(indicator) else None
        baseline = baseline_row.value if baseline_row is not None else None
        target = targets.get(indicator.pk)
        value = indicator_realisation(
            actual=actual, baseline=baseline, target=target, direction=version.direction
        )
        figures[indicator.pk] = {
            "id": indicator.pk,
            "code": indicator.code,
            "title": version.title,
            "unit": version.unit,
            "version": version.number,
            "direction": version.direction,
            "periodicity": version.periodicity,
            "aggregation": version.aggregation,
            "kind": version.kind,
            "actual": _text(actual),
            "baseline": _text(baseline),
            "target": _text(target),
            "value": None if value is None else str(value.quantize(SHARE_PLACES)),
            "periods": len(periods),
        }
    return figures


def _has_baseline(indicator: Indicator) -> bool:
    try:
        indicator.baseline  # noqa: B018 - reading the reverse one-to-one
    except Baseline.DoesNotExist:
        return False
    return True


def plan_figures(plan: Plan, year: int, through_month: int = 12) -> dict[str, Any]:
    """The plan's realisation for a Jalali year, using the periods that end by
    `through_month`: per indicator, per plan item, per goal and for the plan, each with its
    coverage (monitoring/realisation.py states the rule). JSON-able; what Rollup and Snapshot
    store. A constant number of queries."""
    indicators = list(plan_indicators(plan).select_related("baseline"))
    figures = _indicator_figures(indicators, plan, year, through_month)
    links = list(
        IndicatorLink.objects.filter(indicator__plan=plan).values_list(
            "indicator_id", "plan_item_id", "weight"
        )
    )
    items = _items(plan)
    nodes = {
        item["id"]: Node(
            id=item["id"],
            parent_id=item["parent_id"],
            state=item["monitoring__state"] or "active",
        )
        for item in items
    }
    linked: dict[int, list[int]] = defaultdict(list)
    for indicator_id, item_id, weight in links:
        if indicator_id not in figures:
            continue  # not published yet: takes no part
        value = figures[indicator_id]["value"]
        nodes[item_id].links.append((weight, None if value is None else Decimal(value)))
        linked[item_id].append(indicator_id)
    item_figures, plan_figure = roll_up(nodes.values())
    goal_indicators = _goal_indicators(items, linked)
    return {
        "year": year,
        "through_month": through_month,
        "plan": plan_figure.as_json(),
        "goals": [
            {
                "id": item["id"],
                "code": item["code"],
                "title": item["title"],
                "state": item["monitoring__state"] or "active",
                **item_figures.get(item["id"], Figure(None, Decimal(0))).as_json(),
                "measured": item["id"] in item_figures,
            }
            for item in items
            if item["parent_id"] is None
        ],
        "items": {str(item_id): figure.as_json() for item_id, figure in item_figures.items()},
        "item_indicators": {str(item_id): ids for item_id, ids in linked.items()},
        "goal_indicators": {str(goal): ids for goal, ids in goal_indicators.items()},
        "indicators": {str(pk): figure for pk, figure in figures.items()},
        "computed_at": timezone.now().isoformat(),
    }


def _goal_indicators(
    items: list[dict[str, Any]], linked: dict[int, list[int]]
) -> dict[int, list[int]]:
    """goal id → the indicators linked anywhere in its subtree."""
    parent = {item["id"]: item["parent_id"] for item in items}
    found: dict[int, set[int]] = defaultdict(set)
    for item_id, indicator_ids in linked.items():
        node: int | None = item_id
        root = item_id
        while node is not None:
            root = node
            node = parent.get(node)
        found[root].update(indicator_ids)
    return {goal: sorted(ids) for goal, ids in found.items()}


# Decoded roll-ups this process has read, by (row, computed_at): a plan's roll-up is ~180 KB
# of JSON at 500 indicators and 379 items, and decoding it cost a plan item page ~3–4 ms.
# A recompute saves the row with a new computed_at, so a changed roll-up is never served
# from here. Callers read the figures and never change them.
_DECODED: OrderedDict[tuple[int, Any], dict[str, Any]] = OrderedDict()
_DECODED_MAX = 16
_DECODED_LOCK = threading.Lock()  # a worker's HTTP threads share it


def stored_figures(plan: Plan, year: int) -> dict[str, Any]:
    """The stored roll-up of a year, or (before anything was stored) computed now."""
    stamp = Rollup.objects.filter(plan=plan, year=year).values_list("pk", "computed_at").first()
    if stamp is not None:
        key = (stamp[0], stamp[1])
        with _DECODED_LOCK:
            data = _DECODED.get(key)
        if data is None:
            data = Rollup.objects.filter(pk=stamp[0]).values_list("data", flat=True).first()
            if data:
                with _DECODED_LOCK:
                    _DECODED[key] = data
                    while len(_DECODED) > _DECODED_MAX:
                        _DECODED.popitem(last=False)
        if data:
            return data
    return plan_figures(plan, year)


# Freshness and due dates ---------------------------------------------------------------


def due_day() -> int:
    """The day of the Jalali month after a period's end when its value is due (setting
    MONITORING_DUE_DAY, 10 by default)."""
    return int(getattr(settings, "MONITORING_DUE_DAY", DEFAULT_DUE_DAY))


@lru_cache(maxsize=4096)
def _due_date(periodicity: str, year: int, period: int, day: int) -> datetime.date:
    end = period_end_month(periodicity, period)
    due_year, due_month = (year + 1, 1) if end == 12 else (year, end + 1)
    return jdatetime.date(due_year, due_month, day).togregorian()


def due_date(periodicity: str, year: int, period: int) -> datetime.date:
    """When the value of a period is due (a Gregorian date)."""
    return _due_date(periodicity, year, period, due_day())


def _periods_after(
    periodicity: str, last: tuple[int, int] | None, start_year: int, end_year: int
) -> list[tuple[int, int]]:
    ordered = [
        (year, period)
        for year in range(start_year, end_year + 1)
        for period in PERIODS[periodicity]
    ]
    if last is None:
        return ordered
    return [key for key in ordered if key > last]


def _overdue(
    periodicity: str, last: tuple[int, int] | None, plan: Plan, today: datetime.date
) -> dict[str, Any]:
    """The periods after the last reported one whose due date has passed."""
    missing = []
    day = due_day()
    for year, period in _periods_after(periodicity, last, plan.start_year, plan.end_year):
        due = _due_date(periodicity, year, period, day)
        if due > today:
            break
        missing.append((year, period, due))
    if not missing:
        return {"overdue_days": 0, "missing_periods": [], "due": None}
    first_due = missing[0][2]
    return {
        "overdue_days": (today - first_due).days,
        "missing_periods": [[year, period] for year, period, _due in missing],
        "due": first_due.isoformat(),
    }


def _reported(plan: Plan) -> dict[int, dict[str, Any]]:
    """indicator id → the last reported (submitted or verified) period and when the last
    value was entered. One aggregate query."""
    rows = (
        Measurement.objects.filter(indicator__plan=plan)
        .exclude(state=Measurement.State.DRAFT)
        .values("indicator_id")
        .annotate(last_key=Max(F("year") * 100 + F("period")), last_at=Max("created_at"))
    )
    return {
        row["indicator_id"]: {
            "last": divmod(row["last_key"], 100),
            "last_at": row["last_at"],
        }
        for row in rows
    }


def _today(today: datetime.date | None) -> datetime.date:
    return today or timezone.localdate()


def jalali_year(plan: Plan, today: datetime.date | None = None) -> int:
    """The current Jalali year, kept inside the plan's years."""
    year = to_jalali(_today(today)).year
    return min(max(year, plan.start_year), plan.end_year)


def _freshness(
    periodicity: str, reported: dict[str, Any] | None, plan: Plan, today: datetime.date
) -> dict[str, Any]:
    last = tuple(reported["last"]) if reported else None
    return {
        "last_measured_at": reported["last_at"].isoformat() if reported else None,
        "last_period": list(last) if last else None,
        **_overdue(periodicity, last, plan, today),
    }


def plan_dashboard(
    plan: Plan, year: int | None = None, *, today: datetime.date | None = None
) -> dict[str, Any]:
    """The plan's realisation now (the year to date) with coverage, per goal, and each
    goal's freshness: when its indicators were last measured and how many days the most
    overdue of them is late. Two queries (the stored roll-up and one aggregate)."""
    today = _today(today)
    year = year or jalali_year(plan, today)
    data = stored_figures(plan, year)
    reported = _reported(plan)
    fresh = {
        int(pk): _freshness(figure["periodicity"], reported.get(int(pk)), plan, today)
        for pk, figure in data["indicators"].items()
    }
    goals = []
    for goal in data["goals"]:
        ids = data["goal_indicators"].get(str(goal["id"]), [])
        stamps = [fresh[pk]["last_measured_at"] for pk in ids if fresh[pk]["last_measured_at"]]
        goals.append(
            {
                **goal,
                "indicators": len(ids),
                "last_measured_at": max(stamps, default=None),
                "overdue_days": max((fresh[pk]["overdue_days"] for pk in ids), default=0),
            }
        )
    return {
        "plan": plan,
        "year": year,
        "realisation": data["plan"],
        "goals": goals,
        "indicators": data["indicators"],
        "freshness": fresh,
        "computed_at": data.get("computed_at"),
        "snapshots": list(
            Snapshot.objects.filter(plan=plan).values(
                "id", "year", "period", "through_month", "data__plan"
            )
        ),
    }


def overdue_indicators(plan: Plan, *, today: datetime.date | None = None) -> list[dict[str, Any]]:
    """The plan's published indicators with a period past its due date and no value reported
    (submitted or verified) after the last reported one, most overdue first. The planning
    deputy's list; owners get reminders from it."""
    today = _today(today)
    reported = _reported(plan)
    found = []
    for indicator in plan_indicators(plan):
        version = indicator.current_version
        if version is None:
            continue
        fresh = _freshness(version.periodicity, reported.get(indicator.pk), plan, today)
        if fresh["overdue_days"] > 0:
            found.append({"indicator": indicator, "version": version, **fresh})
    found.sort(key=lambda row: (-row["overdue_days"], row["indicator"].code))
    return found


# One indicator ---------------------------------------------------------------------------


def _periods_of(rows: list[Measurement]) -> list[dict[str, Any]]:
    """Per (year, period): the current verified value, the newest submitted value awaiting
    verification (shown marked unverified), and every row in order (corrections included)."""
    superseded = {row.supersedes_id for row in rows if row.supersedes_id}
    grouped: dict[tuple[int, int], list[Measurement]] = defaultdict(list)
    for row in rows:
        grouped[(row.year, row.period)].append(row)
    periods = []
    for (year, period), history in sorted(grouped.items()):
        current = next(
            (
                row
                for row in reversed(history)
                if row.state == Measurement.State.VERIFIED and row.pk not in superseded
            ),
            None,
        )
        pending = next(
            (row for row in reversed(history) if row.state == Measurement.State.SUBMITTED), None
        )
        periods.append(
            {
                "year": year,
                "period": period,
                "current": current,
                "unverified": pending,
                "history": history,
            }
        )
    return periods


def indicator_detail(indicator: Indicator, *, today: datetime.date | None = None) -> dict[str, Any]:
    """Everything an indicator's page shows: versions (newest published is current), the
    baseline, targets, measurements per period (current, unverified, history), the linked
    plan items with their weights, the realisation per plan year and the freshness.
    A constant number of queries."""
    today = _today(today)
    plan = indicator.plan
    versions = list(indicator.versions.order_by("number"))
    published = [version for version in versions if version.published_at is not None]
    current = published[-1] if published else None
    baseline = Baseline.objects.filter(indicator=indicator).first()
    targets = list(Target.objects.filter(indicator=indicator).order_by("year"))
    rows = list(
        Measurement.objects.filter(indicator=indicator)
        .select_related("entered_by", "verified_by")
        .order_by("year", "period", "created_at", "id")
    )
    links = list(
        IndicatorLink.objects.filter(indicator=indicator)
        .select_related("plan_item")
        .order_by("plan_item__sort_key")
    )
    periods = _periods_of(rows)
    by_year = {target.year: target.value for target in targets}
    realisation = []
    for year in range(plan.start_year, plan.end_year + 1):
        values = [
            (entry["period"], entry["current"].value)
            for entry in periods
            if entry["year"] == year and entry["current"] is not None
        ]
        actual = aggregate(values, current.aggregation) if current else None
        value = (
            indicator_realisation(
                actual=actual,
                baseline=baseline.value if baseline else None,
                target=by_year.get(year),
                direction=current.direction,
            )
            if current
            else None
        )
        realisation.append(
            {"year": year, "actual": actual, "target": by_year.get(year), "value": value}
        )
    last = max(
        (
            (entry["year"], entry["period"])
            for entry in periods
            if entry["current"] or entry["unverified"]
        ),
        default=None,
    )
    last_at = max(
        (row.created_at for row in rows if row.state != Measurement.State.DRAFT), default=None
    )
    freshness = (
        {
            "last_measured_at": last_at.isoformat() if last_at else None,
            "last_period": list(last) if last else None,
            **_overdue(current.periodicity, last, plan, today),
        }
        if current
        else None
    )
    return {
        "indicator": indicator,
        "current_version": current,
        "versions": versions,
        "baseline": baseline,
        "targets": targets,
        "horizon": next((target for target in targets if target.is_horizon), None),
        "periods": periods,
        "links": links,
        "realisation": realisation,
        "freshness": freshness,
    }


# A plan item's page reads these on every miss: compiled once (backend.compiled).
_item_links = Compiled(
    lambda plan_item_id: (
        IndicatorLink.objects.filter(plan_item_id=plan_item_id)
        .select_related("indicator")
        .order_by("indicator__code")
    )
)
_item_versions = Compiled(
    lambda plan_item_id: IndicatorVersion.objects.filter(
        indicator__links__plan_item_id=plan_item_id, published_at__isnull=False
    ).order_by("indicator_id", "-number")
)


def plan_item_indicators(plan_item: PlanItem, year: int | None = None) -> dict[str, Any]:
    """A plan item's indicators with their public weights and figures, and the item's own
    realisation and coverage (from the stored roll-up). A constant number of queries."""
    plan = plan_item.plan
    year = year or jalali_year(plan)
    data = stored_figures(plan, year)
    links = _item_links.fetch(plan_item_id=plan_item.pk)
    versions: dict[int, list[IndicatorVersion]] = defaultdict(list)
    if links:
        for version in _item_versions.fetch(plan_item_id=plan_item.pk):
            versions[version.indicator_id].append(version)
    for link in links:
        indicator: Any = link.indicator
        indicator.published_versions = versions[indicator.pk]  # newest first
    rows = [
        {
            "link": link,
            "indicator": link.indicator,
            "version": link.indicator.current_version,
            "weight": link.weight,
            "figure": data["indicators"].get(str(link.indicator_id)),
        }
        for link in links
    ]
    return {
        "plan_item": plan_item,
        "year": year,
        "figure": data["items"].get(str(plan_item.pk)),
        "indicators": rows,
    }


# Snapshots ------------------------------------------------------------------------------


def snapshot_with_corrections(snapshot: Snapshot) -> dict[str, Any]:
    """A snapshot's frozen figures beside today's figures for the same period and the
    corrections verified after it was taken (history is not rewritten; it is annotated)."""
    corrections = list(
        Measurement.objects.filter(
            indicator__plan_id=snapshot.plan_id,
            year=snapshot.year,
            supersedes__isnull=False,
            created_at__gt=snapshot.created_at,
        )
        .select_related("indicator", "supersedes", "version")
        .order_by("created_at", "id")
    )
    corrections = [
        row
        for row in corrections
        if period_end_month(row.version.periodicity, row.period) <= snapshot.through_month
    ]
    now = (
        plan_figures(snapshot.plan, snapshot.year, snapshot.through_month) if corrections else None
    )
    return {
        "snapshot": snapshot,
        "frozen": snapshot.data,
        "corrections": corrections,
        "now": now,
    }


# Pages: small reads for the monitoring pages ---------------------------------------------


def indicator_get(pk: int) -> Indicator | None:
    """One indicator with its plan, city and owner (None when there is none)."""
    return Indicator.objects.select_related("plan__city", "owner").filter(pk=pk).first()


def measurement_of(indicator: Indicator, pk: int) -> Measurement | None:
    """One measurement of the indicator (None when it belongs to another)."""
    return (
        Measurement.objects.select_related("indicator__plan", "version")
        .filter(pk=pk, indicator=indicator)
        .first()
    )


def latest_values(plan: Plan, codes: list[str] | frozenset[str]) -> dict[str, Decimal]:
    """code → the latest current (verified, not superseded) value of each indicator of the
    plan named in `codes`. One query."""
    rows = (
        Measurement.objects.current()
        .filter(indicator__plan=plan, indicator__code__in=list(codes))
        .order_by("year", "period", "id")
        .values_list("indicator__code", "value")
    )
    return dict(rows)


def snapshot_corrections(plan: Plan) -> dict[int, int]:
    """snapshot id → how many corrections verified after it was taken touch its periods.
    Two queries, whatever the number of snapshots."""
    snapshots = list(Snapshot.objects.filter(plan=plan).values("id", "year", "through_month"))
    if not snapshots:
        return {}
    created = dict(Snapshot.objects.filter(plan=plan).values_list("id", "created_at"))
    rows = list(
        Measurement.objects.filter(indicator__plan=plan, supersedes__isnull=False).values_list(
            "year", "period", "version__periodicity", "created_at"
        )
    )
    found: dict[int, int] = {}
    for snapshot in snapshots:
        count = sum(
            1
            for year, period, periodicity, at in rows
            if year == snapshot["year"]
            and at > created[snapshot["id"]]
            and period_end_month(periodicity, period) <= snapshot["through_month"]
        )
        if count:
            found[snapshot["id"]] = count
    return found


def problem_chain(problem: Any) -> dict[str, Any] | None:
    """A problem's chain: its inventory entry → the plan items that address it → their
    indicators with public weights, and each item's and indicator's realisation (from the
    stored roll-up). None when the problem is not in the inventory. Constant queries, read
    once per problem object (its page shows the chain in the timeline and on its own)."""
    if hasattr(problem, "_monitoring_chain"):
        return problem._monitoring_chain
    problem._monitoring_chain = _problem_chain(problem)
    return problem._monitoring_chain


def _problem_chain(problem: Any) -> dict[str, Any] | None:
    entry = getattr(problem, "inventory_entry", None)
    if entry is None:
        return None
    plan = problem.plan
    items = list(PlanItem.objects.filter(addresses=entry).order_by("sort_key"))
    if not items:
        return {"entry": entry, "items": [], "year": None}
    year = jalali_year(plan)
    data = stored_figures(plan, year)
    links = (
        IndicatorLink.objects.filter(plan_item__in=items)
        .select_related("indicator")
        .prefetch_related(
            Prefetch(
                "indicator__versions",
                queryset=IndicatorVersion.objects.filter(published_at__isnull=False).order_by(
                    "-number"
                ),
                to_attr="published_versions",
            )
        )
        .order_by("indicator__code")
    )
    by_item: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for link in links:
        version = link.indicator.current_version
        if version is None:
            continue
        by_item[link.plan_item_id].append(
            {
                "indicator": link.indicator,
                "version": version,
                "weight": link.weight,
                "figure": data["indicators"].get(str(link.indicator_id)),
            }
        )
    return {
        "entry": entry,
        "year": year,
        "items": [
            {
                "item": item,
                "figure": data["items"].get(str(item.pk)),
                "indicators": by_item.get(item.pk, []),
            }
            for item in items
        ],
    }
