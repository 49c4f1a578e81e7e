"""Reads in planning."""

from typing import Any

from django.db.models import Prefetch, QuerySet
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
