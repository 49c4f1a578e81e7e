"""Moderation reads: visibility, the queue (one query batch), history and public stats."""

import statistics
from collections import defaultdict
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from backend.jalali import jalali_datetime_str, to_jalali
from backend.sanitise import html_to_text
from moderation.content import kind_named, registered
from moderation.models import Appeal, Decision, ModerationState, QueueEntry, Rule


def visible_to(user, prefix: str = "") -> Q:
    """Published content, plus the user's own in any state."""
    published = Q(**{f"{prefix}moderation_state": ModerationState.PUBLISHED})
    if user is not None and getattr(user, "is_authenticated", False):
        return published | Q(**{f"{prefix}author": user})
    return published


def rule_list() -> QuerySet[Rule]:
    """Every rule version, newest version of each code first (the public page groups them)."""
    return Rule.objects.filter(active=True).order_by("position", "code", "-version")


def _entries(kinds: list | None = None) -> QuerySet[QueueEntry]:
    """Entries with everything a moderator reads about them: the content of every
    registered kind (or only `kinds`) with its author and what the kind asks for. Each kind
    is read by its own query (a prefetch): joining every kind's tables into one query cost
    PostgreSQL more to plan (~30–120 ms) than to run. Read them with `queue_entries_out`,
    which adds the authors' earlier rejections."""
    kinds = registered() if kinds is None else kinds
    contents = []
    for kind in kinds:
        model: Any = QueueEntry._meta.get_field(kind.name).related_model
        queryset = model._default_manager.select_related("author", *kind.queue_related)
        contents.append(Prefetch(kind.name, queryset=queryset))
    return QueueEntry.objects.select_related("city", "claimed_by", "appeal").prefetch_related(
        *contents
    )


def queue_list(*, city_id: int) -> QuerySet[QueueEntry]:
    """Open entries of a city, oldest first, with their content and authors — a query per
    content kind whatever the number of entries (`queue_entries_out` for the page)."""
    return _entries().filter(city_id=city_id, closed_at__isnull=True).order_by("created_at", "id")


def author_rejections(author_ids) -> dict[int, int]:
    """How many rejections each of these authors has had (one query)."""
    rows = (
        Decision.objects.filter(author_id__in=set(author_ids), outcome="reject")
        .order_by()
        .values("author_id")
        .annotate(n=Count("pk"))
    )
    return {row["author_id"]: row["n"] for row in rows}


def queue_entries_out(entries, *, now=None) -> list[dict]:
    """`queue_entry_out` of each entry, with its author's earlier rejections (one query
    for all of them)."""
    rows = list(entries)
    counts = author_rejections(entry.content.author_id for entry in rows)
    for entry in rows:
        entry.author_rejections = counts.get(entry.content.author_id, 0)
    now = now or timezone.now()
    return [queue_entry_out(entry, now=now) for entry in rows]


def queue_entry_out(entry: QueueEntry, *, now=None) -> dict:
    """The shape moderators read, in the API and over the live socket."""
    now = now or timezone.now()
    content: Any = entry.content  # any registered kind
    author = content.author
    hints = dict(entry.hints or {})
    hints["author_rejections"] = getattr(entry, "author_rejections", 0)
    claimed_by: Any = entry.claimed_by
    claimed_until: Any = entry.claimed_until
    appeal: Any = entry.appeal if entry.appeal_id else None
    claim_live = claimed_by is not None and claimed_until and claimed_until > now
    return {
        "id": entry.pk,
        "content_type": entry.content_type,
        "object_id": entry.object_id,
        "reason": entry.reason,
        "content": {
            "title": getattr(content, "title", ""),
            "body": content.body,
            "text": html_to_text(content.body)[:600],
            "state": content.moderation_state,
            "created_at": content.created_at.isoformat(),
            "created_at_jalali": jalali_datetime_str(content.created_at),
            "stance": None,
            "target": None,
            **kind_named(entry.content_type).queue_extra(content),
        },
        "author": {"public_name": author.public_name, "is_expert": author.is_expert},
        "author_id": author.pk,
        "waiting_seconds": max(int((now - entry.created_at).total_seconds()), 0),
        "created_at": entry.created_at.isoformat(),
        "claimed_by": (
            {"id": entry.claimed_by_id, "public_name": claimed_by.public_name}
            if claim_live
            else None
        ),
        "claimed_until": claimed_until.isoformat() if claim_live else None,
        "appeal": (
            {
                "id": appeal.pk,
                "message": appeal.message,
                "decision": appeal.decision_id,
            }
            if appeal is not None
            else None
        ),
        "hints": hints,
    }


def queue_entry_payload(entry_id: int) -> dict:
    """One entry as the live queue shows it. Its kind is read first, so only that kind's
    content is read."""
    names = [kind.name for kind in registered()]
    row = QueueEntry.objects.filter(pk=entry_id).values(*[f"{n}_id" for n in names]).first()
    if row is None:
        return {}
    kinds = [kind for kind in registered() if row[f"{kind.name}_id"] is not None]
    found = queue_entries_out(_entries(kinds).filter(pk=entry_id))
    return {"entry": found[0]} if found else {}


def decision_list(*, city_id: int) -> QuerySet[Decision]:
    """The city's decisions, newest first, with who decided and the rules cited (audit)."""
    return (
        Decision.objects.filter(city_id=city_id)
        .select_related("moderator", "author", "problem", "proposal", "comment", "entry")
        .prefetch_related(Prefetch("rules", queryset=Rule.objects.order_by("position", "code")))
        .order_by("-created_at", "-id")
    )


def decisions_for_author(*, user) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(author=user)
        .select_related("problem", "proposal", "comment", "entry", "appeal")
        .prefetch_related("rules")
        .order_by("-created_at", "-id")
    )


def rejections_for_author(*, user, limit: int = 200) -> list[Decision]:
    """The latest decision on each of the user's posts that is rejected now (newest first)."""
    latest: dict[tuple[str, int | None], Decision] = {}
    for decision in decisions_for_author(user=user)[:limit]:
        latest.setdefault((decision.content_type, decision.object_id), decision)
    return [d for d in latest.values() if d.content.moderation_state == ModerationState.REJECTED]


def _month(value) -> str:
    j = to_jalali(value)
    return f"{j.year:04d}/{j.month:02d}"


def moderation_stats(*, city_id: int | None = None) -> dict:
    """Public transparency figures: decisions per outcome and per rule by Jalali month, and
    waiting times. Counts only; nothing about any person."""
    decisions = Decision.objects.all()
    if city_id is not None:
        decisions = decisions.filter(city_id=city_id)
    months: dict[str, dict] = defaultdict(
        lambda: {"outcomes": defaultdict(int), "rules": defaultdict(int), "waits": []}
    )
    waits = []
    for outcome, created_at, waited in decisions.values_list(
        "outcome", "created_at", "waited_seconds"
    ).iterator():
        bucket = months[_month(created_at)]
        bucket["outcomes"][outcome] += 1
        bucket["waits"].append(waited)
        waits.append(waited)
    cited = Decision.rules.through.objects.filter(decision__in=decisions).values_list(
        "rule__code", "decision__created_at"
    )
    for code, created_at in cited.iterator():
        months[_month(created_at)]["rules"][code] += 1
    return {
        "months": [
            {
                "month": month,
                "outcomes": dict(data["outcomes"]),
                "rules": dict(data["rules"]),
                # Most cited first: what the transparency page lists.
                "rules_ranked": sorted(data["rules"].items(), key=lambda r: (-r[1], r[0])),
                "decisions": len(data["waits"]),
                "median_wait_seconds": int(statistics.median(data["waits"]))
                if data["waits"]
                else None,
            }
            for month, data in sorted(months.items())
        ],
        "decisions": len(waits),
        "median_wait_seconds": int(statistics.median(waits)) if waits else None,
        "open_entries": QueueEntry.objects.filter(
            closed_at__isnull=True, **({"city_id": city_id} if city_id else {})
        ).count(),
    }


def appealed_decision_ids(*, user) -> set[int]:
    """The decisions this user has already appealed (an appeal is once per decision)."""
    return set(Appeal.objects.filter(author=user).values_list("decision_id", flat=True))


def open_queue_counts(*, city_ids: list[int]) -> dict[int, int]:
    """How many entries wait in each city's moderation queue (one query)."""
    rows = (
        QueueEntry.objects.filter(city_id__in=city_ids, closed_at__isnull=True)
        .order_by()
        .values("city_id")
        .annotate(n=Count("pk"))
    )
    return {row["city_id"]: row["n"] for row in rows}
