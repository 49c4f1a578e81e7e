"""Reads in planning."""

from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from cities.models import City, District
from planning.models import Axis, Committee, Plan, PlanItem


def axis_list() -> QuerySet[Axis]:
    return Axis.objects.select_related("city").order_by("city__name", "position", "id")


def committee_list() -> QuerySet[Committee]:
    return (
        Committee.objects.select_related("city")
        .prefetch_related("axes")
        .order_by("city__name", "position", "id")
    )


def city_overview() -> QuerySet[City]:
    """Cities with their axes and committees, for the home page (three queries in all)."""
    return City.objects.order_by("name").prefetch_related(
        Prefetch("axes", queryset=Axis.objects.order_by("position", "id")),
        Prefetch("committees", queryset=Committee.objects.order_by("position", "id")),
        Prefetch("districts", queryset=District.objects.order_by("number", "name")),
    )


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.select_related("city").order_by("city__name", "-start_year", "id")


def plans_for_planner(*, city_ids: list[int]) -> list[Plan]:
    """The newest plan of each of these cities (for planners' header links)."""
    newest: dict[int, Plan] = {}
    for plan in Plan.objects.filter(city_id__in=city_ids).order_by("city_id", "-start_year", "-id"):
        newest.setdefault(plan.city_id, plan)
    return list(newest.values())


def plan_items_tree(*, plan: Plan) -> list[dict]:
    """The plan's item tree from one query: each node has id, kind, code, title, status,
    comments window state and children, ordered by code."""
    nodes: dict[int, dict] = {}
    roots: list[dict] = []
    items = (
        PlanItem.objects.filter(plan=plan)
        .order_by("sort_key")
        .values(
            "id",
            "parent_id",
            "kind",
            "code",
            "title",
            "status",
            "comment_opens_at",
            "comment_closes_at",
        )
    )
    now = timezone.now()
    for row in items:
        item: dict[str, Any] = dict(row)
        opens, closes = item.pop("comment_opens_at"), item.pop("comment_closes_at")
        item["open_for_comment"] = (
            item["status"] == PlanItem.Status.OPEN
            and (opens is None or opens <= now)
            and (closes is None or now < closes)
        )
        item["children"] = []
        nodes[item["id"]] = item
    for node in nodes.values():
        parent_id = node.pop("parent_id")
        (nodes[parent_id]["children"] if parent_id in nodes else roots).append(node)
    return roots


def plan_item_list() -> QuerySet[PlanItem]:
    return PlanItem.objects.select_related("plan", "plan__city", "committee", "parent")


def plan_item_ancestors(*, item: PlanItem) -> list[PlanItem]:
    """From the goal down to the item's parent (codes are prefixes of the item's code)."""
    parts = item.code.split(".")
    prefixes = [".".join(parts[:i]) for i in range(1, len(parts))]
    if not prefixes:
        return []
    return list(
        PlanItem.objects.filter(plan_id=item.plan_id, code__in=prefixes).order_by("sort_key")
    )


def plan_items_by_kind(*, plan: Plan) -> list[dict]:
    """The plan's items grouped by kind (goals, strategies, …), each group in code order:
    for pickers such as the inventory's «addressed by» checkboxes."""
    flat: list[dict] = []

    def walk(nodes: list[dict]) -> None:
        for node in nodes:
            flat.append(node)
            walk(node["children"])

    walk(plan_items_tree(plan=plan))
    return [
        {"kind": kind, "label": kind.label, "items": [i for i in flat if i["kind"] == kind]}
        for kind in PlanItem.Kind
        if any(i["kind"] == kind for i in flat)
    ]


# The home page ---------------------------------------------------------------------------


def newest_plans() -> list[Plan]:
    """The newest plan of every city, with its city, cities by name (one query)."""
    newest: dict[int, Plan] = {}
    for plan in Plan.objects.select_related("city").order_by("city_id", "-start_year", "-id"):
        newest.setdefault(plan.city_id, plan)
    return sorted(newest.values(), key=lambda plan: (plan.city.name, plan.pk))


def _open_now(now) -> Q:
    return (
        Q(status=PlanItem.Status.OPEN)
        & (Q(comment_opens_at__isnull=True) | Q(comment_opens_at__lte=now))
        & (Q(comment_closes_at__isnull=True) | Q(comment_closes_at__gt=now))
    )


def open_comment_windows(*, plan_ids: list[int], per_plan: int = 3, now=None) -> dict[int, dict]:
    """Per plan: how many items are open for comment now (`open_count`), and the
    `per_plan` that close soonest (`soonest`; those without a closing date last), each
    with `closes_in` (a timedelta, or None). Two queries whatever the number of plans and
    items."""
    now = now or timezone.now()
    open_items = PlanItem.objects.filter(_open_now(now), plan_id__in=plan_ids)
    counts = dict(
        open_items.order_by().values("plan_id").annotate(n=Count("pk")).values_list("plan_id", "n")
    )
    soonest = (
        open_items.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("plan_id")],
                order_by=[F("comment_closes_at").asc(nulls_last=True), F("sort_key").asc()],
            )
        )
        .filter(rank__lte=per_plan)
        .only("id", "plan_id", "kind", "code", "title", "comment_closes_at", "sort_key")
        .order_by("plan_id", "rank")
    )
    found: dict[int, dict] = {
        pk: {"open_count": counts.get(pk, 0), "soonest": []} for pk in plan_ids
    }
    for item in soonest:
        closes = item.comment_closes_at
        item.closes_in = closes - now if closes else None  # type: ignore[attr-defined]
        found[item.plan_id]["soonest"].append(item)
    return found


def recent_item_windows(*, plan_ids: list[int], since, now=None) -> list[dict]:
    """Plan items whose comment window opened or closed between `since` and now (public
    facts of the plan), newest first: `{plan_id, kind: opened|closed, at, item}`."""
    now = now or timezone.now()
    items = PlanItem.objects.filter(plan_id__in=plan_ids).filter(
        Q(comment_opens_at__gte=since, comment_opens_at__lte=now)
        | Q(comment_closes_at__gte=since, comment_closes_at__lte=now)
    )
    changes = []
    fields = ("id", "plan_id", "kind", "code", "title", "status")
    for item in items.only(*fields, "comment_opens_at", "comment_closes_at"):
        opens, closes = item.comment_opens_at, item.comment_closes_at
        if closes and since <= closes <= now:
            changes.append({"plan_id": item.plan_id, "kind": "closed", "at": closes, "item": item})
        elif opens and since <= opens <= now and item.status == PlanItem.Status.OPEN:
            changes.append({"plan_id": item.plan_id, "kind": "opened", "at": opens, "item": item})
    return sorted(changes, key=lambda change: change["at"], reverse=True)
