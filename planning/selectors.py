"""Reads in planning."""

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext

from backend.persian import normalise
from backend.trigram import similarity
from planning.models import Axis, City, Committee, District, InventoryEntry, Plan, PlanItem
from planning.priority import priority


def city_list() -> QuerySet[City]:
    return City.objects.order_by("name")


def axis_list() -> QuerySet[Axis]:
    return Axis.objects.select_related("city").order_by("city__name", "position", "id")


def committee_list() -> QuerySet[Committee]:
    return (
        Committee.objects.select_related("city")
        .prefetch_related("axes")
        .order_by("city__name", "position", "id")
    )


def district_list() -> QuerySet[District]:
    return District.objects.select_related("city").order_by("city__name", "number", "name")


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
    for item in items:
        opens, closes = item.pop("comment_opens_at"), item.pop("comment_closes_at")
        item["open_for_comment"] = (
            item["status"] == PlanItem.Status.OPEN
            and (opens is None or opens <= now)
            and (closes is None or now < closes)
        )
        item["children"] = []
        nodes[item["id"]] = item
    for item in nodes.values():
        parent_id = item.pop("parent_id")
        (nodes[parent_id]["children"] if parent_id in nodes else roots).append(item)
    return roots


def plan_item_list() -> QuerySet[PlanItem]:
    return (
        PlanItem.objects.select_related("plan", "plan__city", "committee", "parent")
        .prefetch_related(
            "axes", Prefetch("addresses", queryset=InventoryEntry.objects.order_by("code"))
        )
        .annotate(
            comments_count=Count("comments", filter=Q(comments__moderation_state="published"))
        )
    )


def plan_item_ancestors(*, item: PlanItem) -> list[PlanItem]:
    """From the goal down to the item's parent (codes are prefixes of the item's code)."""
    parts = item.code.split(".")
    prefixes = [".".join(parts[:i]) for i in range(1, len(parts))]
    if not prefixes:
        return []
    return list(
        PlanItem.objects.filter(plan_id=item.plan_id, code__in=prefixes).order_by("sort_key")
    )


# Problem inventory ---------------------------------------------------------------------


def _count(queryset, group_field: str, distinct_field: str = "pk"):
    counted = (
        queryset.order_by()
        .values(group_field)
        .annotate(n=Count(distinct_field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def inventory_list(*, plan_id: int | None = None) -> QuerySet[InventoryEntry]:
    """Entries with their evidence counted in the same query (one subquery per measure),
    so the list costs the same for 1 or 500 entries."""
    from participation.models import Comment, Endorsement, Problem, Support

    linked = Problem.objects.filter(inventory_entry=OuterRef("pk"), moderation_state="published")
    queryset = InventoryEntry.objects.all()
    if plan_id is not None:
        queryset = queryset.filter(plan_id=plan_id)
    return (
        queryset.select_related("plan", "plan__city", "axis", "committee")
        .prefetch_related(Prefetch("addressed_by", queryset=PlanItem.objects.order_by("sort_key")))
        .annotate(
            problems_count=_count(linked, "inventory_entry"),
            supporters_count=_count(
                Support.objects.filter(
                    problem__inventory_entry=OuterRef("pk"),
                    problem__moderation_state="published",
                ),
                "problem__inventory_entry",
                "user",
            ),
            districts_count=_count(linked.exclude(district=None), "inventory_entry", "district"),
            endorsements_count=_count(
                Endorsement.objects.filter(
                    proposal__problem__inventory_entry=OuterRef("pk"),
                    proposal__moderation_state="published",
                ),
                "proposal__problem__inventory_entry",
            ),
            expert_comments_count=_count(
                Comment.objects.filter(
                    problem__inventory_entry=OuterRef("pk"),
                    is_expert=True,
                    moderation_state="published",
                ),
                "problem__inventory_entry",
            ),
        )
    )


def with_priority(entries) -> list[InventoryEntry]:
    """Attach `priority_score` and `score_breakdown` (planning.priority) to each entry."""
    result = []
    for entry in entries:
        entry.priority_score, entry.score_breakdown = priority(
            {
                "severity": entry.severity,
                "supporters_count": entry.supporters_count,
                "problems_count": entry.problems_count,
                "districts_count": entry.districts_count,
                "endorsements_count": entry.endorsements_count,
                "expert_comments_count": entry.expert_comments_count,
            }
        )
        result.append(entry)
    return result


def inventory_ranked(*, plan_id: int) -> list[InventoryEntry]:
    """The plan's inventory, highest priority first."""
    entries = with_priority(inventory_list(plan_id=plan_id))
    return sorted(entries, key=lambda e: (-e.priority_score, e.code))


def inventory_entry_problems(*, entry: InventoryEntry):
    from participation.models import Problem

    return (
        Problem.objects.filter(inventory_entry=entry, moderation_state="published")
        .select_related("axis", "district", "author")
        .order_by("-supports_count", "id")
    )


def triage_queue(*, plan_id: int):
    """Published problems of the plan that no planner has triaged yet, oldest first."""
    from participation.models import Problem

    return (
        Problem.objects.filter(plan_id=plan_id, moderation_state="published", triage_state="new")
        .select_related("axis", "district", "author", "plan")
        .order_by("created_at", "id")
    )


def inventory_choices(*, plan_id: int) -> list[dict]:
    """The plan's entries for pickers: id, code, title only."""
    return list(
        InventoryEntry.objects.filter(plan_id=plan_id)
        .order_by("code")
        .values("id", "code", "title", "title_key")
    )


SUGGESTION_THRESHOLD = 0.25


def inventory_suggestions(
    *, plan_id: int, texts: list[str], limit: int = 5, choices: list[dict] | None = None
) -> list[list[dict]]:
    """For each text, the entries whose titles look most like it (one query for all)."""
    choices = inventory_choices(plan_id=plan_id) if choices is None else choices
    found = []
    for text in texts:
        key = normalise(text)
        scored = [
            {"id": c["id"], "code": c["code"], "title": c["title"], "score": round(score, 3)}
            for c in choices
            if (score := similarity(key, c["title_key"])) >= SUGGESTION_THRESHOLD
        ]
        found.append(sorted(scored, key=lambda s: -s["score"])[:limit])
    return found


def inventory_similar_entries(*, plan_id: int, text: str, limit: int = 5) -> list[dict]:
    """Entries whose titles look like `text` (for the merge/accept picker)."""
    return inventory_suggestions(plan_id=plan_id, texts=[text], limit=limit)[0]


def inventory_aggregates(*, plan_id: int) -> dict:
    """Counts for charts: entries and problems per axis, per committee, per district, and
    per Jalali month — a handful of grouped queries, whatever the plan's size."""
    from participation.models import Problem

    unset = gettext("تعیین نشده")
    entries = InventoryEntry.objects.filter(plan_id=plan_id)
    linked = Problem.objects.filter(
        plan_id=plan_id, moderation_state="published", inventory_entry__isnull=False
    )

    def grouped(queryset, field, label_field):
        rows = (
            queryset.order_by()
            .values(field, label_field)
            .annotate(n=Count("pk"))
            .order_by("-n", label_field)
        )
        return [
            {"id": row[field], "label": row[label_field] or unset, "count": row["n"]}
            for row in rows
        ]

    months_entries: dict[str, int] = {}
    for created in entries.values_list("created_at", flat=True):
        month = _jalali_month(created)
        months_entries[month] = months_entries.get(month, 0) + 1
    months_problems: dict[str, int] = {}
    for created in linked.values_list("created_at", flat=True):
        month = _jalali_month(created)
        months_problems[month] = months_problems.get(month, 0) + 1
    return {
        "entries_total": entries.count(),
        "problems_total": linked.count(),
        "entries_per_axis": grouped(entries, "axis_id", "axis__title"),
        "problems_per_axis": grouped(
            linked, "inventory_entry__axis_id", "inventory_entry__axis__title"
        ),
        "entries_per_committee": grouped(entries, "committee_id", "committee__title"),
        "problems_per_committee": grouped(
            linked, "inventory_entry__committee_id", "inventory_entry__committee__title"
        ),
        "problems_per_district": grouped(linked, "district_id", "district__name"),
        "entries_per_district": [
            {"id": row["district_id"], "label": row["district__name"] or unset, "count": row["n"]}
            for row in linked.order_by()
            .values("district_id", "district__name")
            .annotate(n=Count("inventory_entry", distinct=True))
            .order_by("-n", "district__name")
        ],
        "entries_per_month": [{"month": m, "count": n} for m, n in sorted(months_entries.items())],
        "problems_per_month": [
            {"month": m, "count": n} for m, n in sorted(months_problems.items())
        ],
    }


def _jalali_month(value) -> str:
    from backend.jalali import to_jalali

    j = to_jalali(value)
    return f"{j.year:04d}/{j.month:02d}"


def committee_inventory(*, committee: Committee) -> list[InventoryEntry]:
    """A committee's entries with their evidence, highest priority first."""
    entries = with_priority(
        inventory_list(plan_id=None).filter(committee=committee, plan__city_id=committee.city_id)
    )
    return sorted(entries, key=lambda e: (-e.priority_score, e.plan_id, e.code))
