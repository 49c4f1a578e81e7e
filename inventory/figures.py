"""A plan's inventory figures, stored: each entry's evidence (the counts its priority is made
of) and the charts' counts per axis, committee, district and Jalali month.

Counting them is work in proportion to the data: the distinct supporters of an entry are
read from every support of every problem linked to it (at 100k problems, ~13k linked
problems and ~140k of their supports, 0.8 s on PostgreSQL). The pages and the API read the
stored row instead (one query). It is recomputed
- at the next read after a planner's change that moves a figure (an entry created or
  retagged, a problem triaged into or out of an entry: `mark_stale`, called by the
  services), and
- otherwise when it is older than INVENTORY_FIGURES_SECONDS (60 by default): supports,
  comments, endorsements and moderation decisions happen in apps below this one, which do
  not call it, so their effect shows within that time.
One request recomputes at a time; the others meanwhile read the stored figures. With
INVENTORY_FIGURES_SECONDS = 0 every read computes them (exact, as slow as the data is big).
"""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from backend.jalali import to_jalali
from inventory.models import InventoryEntry, InventoryFigures
from moderation.models import ModerationState
from participation.models import Comment, Endorsement, Problem, Support

PUBLISHED = ModerationState.PUBLISHED
EVIDENCE_FIELDS = (
    "problems_count",
    "supporters_count",
    "districts_count",
    "endorsements_count",
    "expert_comments_count",
)
LOCK_SECONDS = 60  # a refresh that dies leaves the lock this long at most


def max_age() -> int:
    return int(getattr(settings, "INVENTORY_FIGURES_SECONDS", 60))


# Computing ----------------------------------------------------------------------------


def _count(queryset, group_field: str, distinct_field: str = "pk"):
    counted = (
        queryset.order_by()
        .values(group_field)
        .annotate(n=Count(distinct_field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def evidence_annotations() -> dict[str, Any]:
    """Each entry's evidence as annotations of an InventoryEntry query (one subquery per
    measure, so one query for every entry of the plan)."""
    linked = Problem.objects.filter(inventory_entry=OuterRef("pk"), moderation_state=PUBLISHED)
    return {
        "problems_count": _count(linked, "inventory_entry"),
        "supporters_count": _count(
            Support.objects.filter(
                problem__inventory_entry=OuterRef("pk"), problem__moderation_state=PUBLISHED
            ),
            "problem__inventory_entry",
            "user",
        ),
        "districts_count": _count(linked.exclude(district=None), "inventory_entry", "district"),
        "endorsements_count": _count(
            Endorsement.objects.filter(
                proposal__problem__inventory_entry=OuterRef("pk"),
                proposal__moderation_state=PUBLISHED,
            ),
            "proposal__problem__inventory_entry",
        ),
        "expert_comments_count": _count(
            Comment.objects.filter(
                problem__inventory_entry=OuterRef("pk"),
                is_expert=True,
                moderation_state=PUBLISHED,
            ),
            "problem__inventory_entry",
        ),
    }


def evidence_compute(plan_id: int) -> dict[str, dict[str, int]]:
    """{entry id (as text, a JSON key): {measure: count}} for every entry of the plan."""
    rows = (
        InventoryEntry.objects.filter(plan_id=plan_id)
        .order_by()
        .annotate(**evidence_annotations())
        .values("pk", *EVIDENCE_FIELDS)
    )
    return {str(row["pk"]): {name: row[name] for name in EVIDENCE_FIELDS} for row in rows}


def _month(value) -> str:
    j = to_jalali(value)
    return f"{j.year:04d}/{j.month:02d}"


def aggregates_compute(plan_id: int) -> dict:
    """Counts for charts: entries and problems per axis, per committee, per district and
    per Jalali month. A group without a name (no axis, no district) has label None; the
    reader names it in the visitor's language."""
    entries = InventoryEntry.objects.filter(plan_id=plan_id)
    linked = Problem.objects.filter(
        plan_id=plan_id, moderation_state=PUBLISHED, inventory_entry__isnull=False
    )

    def grouped(queryset, field, label_field, counted=None):
        rows = (
            queryset.order_by()
            .values(field, label_field)
            .annotate(n=counted or Count("pk"))
            .order_by("-n", label_field)
        )
        return [{"id": row[field], "label": row[label_field], "count": row["n"]} for row in rows]

    def per_month(queryset) -> list[dict]:
        months: dict[str, int] = {}
        for created in queryset.values_list("created_at", flat=True).iterator():
            month = _month(created)
            months[month] = months.get(month, 0) + 1
        return [{"month": m, "count": n} for m, n in sorted(months.items())]

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
        "entries_per_district": grouped(
            linked, "district_id", "district__name", Count("inventory_entry", distinct=True)
        ),
        "entries_per_month": per_month(entries),
        "problems_per_month": per_month(linked),
    }


# Storing and reading ------------------------------------------------------------------


def refresh(plan_id: int) -> InventoryFigures:
    """Compute the plan's figures and store them (including the changes marked so far)."""
    marks = InventoryFigures.objects.filter(plan_id=plan_id).values_list("marks", flat=True).first()
    stamp = timezone.now()
    evidence, aggregates = evidence_compute(plan_id), aggregates_compute(plan_id)
    values = {"evidence": evidence, "aggregates": aggregates, "computed_at": stamp}
    if marks is None:
        row, _ = InventoryFigures.objects.get_or_create(plan_id=plan_id, defaults=values)
        if row.computed_at != stamp:  # another request stored its own meanwhile
            InventoryFigures.objects.filter(pk=row.pk).update(**values)
    else:
        # A change marked while this ran is not counted here: it stays stale.
        InventoryFigures.objects.filter(plan_id=plan_id).update(**values, marks_done=marks)
    return InventoryFigures.objects.get(plan_id=plan_id)


def _fresh(row: InventoryFigures) -> bool:
    if row.marks != row.marks_done:
        return False
    return timezone.now() - row.computed_at < timedelta(seconds=max_age())


def figures_for(plan_id: int) -> InventoryFigures:
    """The plan's stored figures, recomputed first if they are stale (see above). While
    another request recomputes them, the stored ones are read as they are."""
    row = InventoryFigures.objects.filter(plan_id=plan_id).first()
    if row is not None and _fresh(row):
        return row
    lock = f"inventory-figures:{plan_id}"
    if row is not None and not cache.add(lock, 1, LOCK_SECONDS):
        return row
    try:
        return refresh(plan_id)
    finally:
        cache.delete(lock)


def mark_stale(plan_id: int) -> None:
    """A planner's change moved the plan's figures: the next read recomputes them."""
    InventoryFigures.objects.filter(plan_id=plan_id).update(marks=F("marks") + 1)


def zero_evidence() -> dict[str, int]:
    return dict.fromkeys(EVIDENCE_FIELDS, 0)
