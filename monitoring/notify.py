"""Monitoring's notifications through the inbox (accounts.services.notification_send).

- Reminders of the reporting cycle (`reminders_send`, run daily by the management command
  `monitoring_reminders`): an indicator's owner — or, when it has none, the city's planners
  — hears when a period's value is due soon (`monitoring.due`, MONITORING_REMINDER_DAYS
  before the due date, 3 by default) and when it is overdue (`monitoring.overdue`). At most
  once per indicator, period and kind: `ReminderSent` keeps the markers.
- Closing the loop with citizens (`progress_on_measurement`, `progress_on_item_state`):
  when a verified value is published for an indicator linked to a plan item, or a plan
  item's monitoring state changes, the people who reported or supported a problem whose
  inventory entry that plan item addresses get one `monitoring.progress` notification per
  event. Both run after the commit (services' hooks) in a constant number of queries.
  The people following those plan items, their plan or the problems they address who were
  not told so already get one `follow.progress` (participation.services.followers_notify).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification, StaffRole
from accounts.services import notification_send
from moderation.models import ModerationState
from monitoring.models import (
    PERIODS,
    Indicator,
    IndicatorLink,
    ItemMonitoring,
    Measurement,
    ReminderSent,
)
from monitoring.selectors import due_date, overdue_indicators, plan_indicators, stored_figures
from participation.models import Problem, Support
from participation.services import followers_notify
from planning.models import Plan, PlanItem

DEFAULT_REMINDER_DAYS = 3
DUE = "monitoring.due"
OVERDUE = "monitoring.overdue"
PROGRESS = "monitoring.progress"
FOLLOWED = "follow.progress"


def reminder_days() -> int:
    """How many days before a due date the owner hears of it (MONITORING_REMINDER_DAYS)."""
    return int(getattr(settings, "MONITORING_REMINDER_DAYS", DEFAULT_REMINDER_DAYS))


# Reminders of the reporting cycle --------------------------------------------------------


def _recipients(indicator: Indicator, planners: list[int]) -> list[int]:
    return [indicator.owner_id] if indicator.owner_id else planners


def _due_soon(
    indicator: Indicator,
    periodicity: str,
    plan: Plan,
    today: datetime.date,
    days: int,
    reported: set[tuple[int, int, int]],
) -> list[tuple[int, int, datetime.date]]:
    last = today + datetime.timedelta(days=days)
    found = []
    for year in range(plan.start_year, plan.end_year + 1):
        for period in PERIODS[periodicity]:
            due = due_date(periodicity, year, period)
            if today <= due <= last and (indicator.pk, year, period) not in reported:
                found.append((year, period, due))
    return found


def _payload(
    indicator: Indicator, title: str, periods: list[tuple[int, int, datetime.date]], today
) -> dict[str, Any]:
    year, period, due = periods[0]
    return {
        "plan": indicator.plan_id,
        "indicator": indicator.pk,
        "code": indicator.code,
        "title": title,
        "year": year,
        "period": period,
        "periods": [[y, p] for y, p, _due in periods],
        "due": due.isoformat(),
        "overdue_days": max((today - due).days, 0),
    }


def _plan_reminders(plan: Plan, today: datetime.date, days: int) -> dict[str, int]:
    sent = {DUE: 0, OVERDUE: 0}
    overdue = {row["indicator"].pk: row for row in overdue_indicators(plan, today=today)}
    reported = set(
        Measurement.objects.filter(indicator__plan=plan)
        .exclude(state=Measurement.State.DRAFT)
        .values_list("indicator_id", "year", "period")
    )
    planners = list(
        StaffRole.objects.filter(city_id=plan.city_id, role=StaffRole.Role.PLANNER)
        .order_by("user_id")
        .values_list("user_id", flat=True)
    )
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one run at a time
        markers = set(
            ReminderSent.objects.filter(indicator__plan=plan).values_list(
                "indicator_id", "year", "period", "kind"
            )
        )
        new_markers: list[ReminderSent] = []
        for indicator in plan_indicators(plan):
            version = indicator.current_version
            if version is None:
                continue
            candidates = {
                ReminderSent.Kind.DUE: _due_soon(
                    indicator, version.periodicity, plan, today, days, reported
                ),
                ReminderSent.Kind.OVERDUE: [
                    (year, period, due_date(version.periodicity, year, period))
                    for year, period in overdue.get(indicator.pk, {}).get("missing_periods", [])
                ],
            }
            for kind, periods in candidates.items():
                fresh = [p for p in periods if (indicator.pk, p[0], p[1], kind) not in markers]
                users = _recipients(indicator, planners)
                if not fresh or not users:
                    continue
                name = DUE if kind == ReminderSent.Kind.DUE else OVERDUE
                notification_send(
                    user_ids=users,
                    kind=name,
                    payload=_payload(indicator, version.title, fresh, today),
                )
                sent[name] += 1
                new_markers += [
                    ReminderSent(indicator=indicator, year=y, period=p, kind=kind)
                    for y, p, _due in fresh
                ]
        ReminderSent.objects.bulk_create(new_markers, ignore_conflicts=True)
    return sent


def reminders_send(
    *,
    today: datetime.date | None = None,
    days: int | None = None,
    plans: list[Plan] | None = None,
) -> dict[str, int]:
    """Send the due-soon and overdue reminders of every plan with indicators (or `plans`)
    and return how many indicators were reminded of each kind. Idempotent: running it again
    the same day (or later) sends nothing already sent for an indicator's period."""
    today = today or timezone.localdate()
    days = reminder_days() if days is None else days
    if plans is None:
        plans = list(Plan.objects.filter(indicators__isnull=False).distinct().order_by("pk"))
    total = {DUE: 0, OVERDUE: 0}
    for plan in plans:
        for kind, count in _plan_reminders(plan, today, days).items():
            total[kind] += count
    return total


# Closing the loop with citizens ----------------------------------------------------------


def _people(item_ids: list[int]) -> dict[int, list[int]]:
    """user id → the plan items (of `item_ids`) that address a problem they reported or
    supported. Two queries whatever the number of people."""
    found: dict[int, set[int]] = defaultdict(set)
    authors = Problem.objects.filter(
        inventory_entry__addressed_by__in=item_ids,
        moderation_state=ModerationState.PUBLISHED,
        author__is_active=True,
    ).values_list("author_id", "inventory_entry__addressed_by")
    supporters = Support.objects.filter(
        problem__inventory_entry__addressed_by__in=item_ids,
        problem__moderation_state=ModerationState.PUBLISHED,
        user__is_active=True,
    ).values_list("user_id", "problem__inventory_entry__addressed_by")
    for user_id, item_id in [*authors, *supporters]:
        found[user_id].add(item_id)
    return {user_id: sorted(items) for user_id, items in found.items()}


def _item(item: PlanItem) -> dict[str, Any]:
    return {"id": item.pk, "code": item.code, "title": item.title}


def _send_grouped(
    people: dict[int, list[int]], items: dict[int, PlanItem], payload: dict[str, Any]
) -> list[Notification]:
    """One notification per person: people reached through the same plan items share one
    payload (and one bulk insert)."""
    groups: dict[tuple[int, ...], list[int]] = defaultdict(list)
    for user_id, item_ids in sorted(people.items()):
        groups[tuple(item_ids)].append(user_id)
    sent: list[Notification] = []
    for key, user_ids in groups.items():
        sent += notification_send(
            user_ids=user_ids,
            kind=PROGRESS,
            payload={
                **payload,
                "plan_item": _item(items[key[0]]),
                "plan_items": [_item(items[pk]) for pk in key],
            },
        )
    return sent


def _tell_followers(
    items: dict[int, PlanItem], payload: dict[str, Any], told: set[int], actor_id: int | None
) -> list[Notification]:
    """The followers of the items, of their plans and of the published problems they
    address, except those already told and the actor: one `follow.progress` each."""
    problem_ids = Problem.objects.filter(
        inventory_entry__addressed_by__in=list(items),
        moderation_state=ModerationState.PUBLISHED,
    ).values("pk")
    first = items[min(items)]
    return followers_notify(
        kind=FOLLOWED,
        payload={
            **payload,
            "plan_item": _item(first),
            "plan_items": [_item(i) for i in items.values()],
        },
        problems=problem_ids,
        plan_items=list(items),
        plans=sorted({item.plan_id for item in items.values()}),
        exclude=[*told, actor_id],
    )


_MUTED: ContextVar[bool] = ContextVar("monitoring_progress_muted", default=False)


@contextmanager
def progress_muted() -> Iterator[None]:
    """No progress notifications for what is committed inside this block: for bulk
    writers that replay history (the demo, the benchmark's seeding), not for real work."""
    token = _MUTED.set(True)
    try:
        yield
    finally:
        _MUTED.reset(token)


def progress_on_measurement(measurement: Measurement) -> list[Notification]:
    """After a verified value is published: notify the people behind the problems that the
    indicator's linked plan items address. Returns the notifications sent."""
    if _MUTED.get() or measurement.state != Measurement.State.VERIFIED:
        return []
    links = list(
        IndicatorLink.objects.filter(indicator_id=measurement.indicator_id).select_related(
            "plan_item"
        )
    )
    if not links:
        return []
    items = {link.plan_item_id: link.plan_item for link in links}
    people = _people(list(items))
    indicator = measurement.indicator
    version = measurement.version
    figures = stored_figures(indicator.plan, measurement.year)
    figure = figures["indicators"].get(str(indicator.pk)) or {}
    payload = {
        "event": "measurement",
        "measurement": measurement.pk,
        "plan": indicator.plan_id,
        "indicator": {
            "id": indicator.pk,
            "code": indicator.code,
            "title": version.title,
            "unit": version.unit,
        },
        "year": measurement.year,
        "period": measurement.period,
        "value": str(measurement.value),
        "corrected": measurement.supersedes_id is not None,
        "realisation": figure.get("value"),
        "item_realisation": {
            str(pk): (figures["items"].get(str(pk)) or {}).get("value") for pk in items
        },
    }
    sent = _send_grouped(people, items, payload) if people else []
    return sent + _tell_followers(items, payload, set(people), measurement.verified_by_id)


def progress_on_item_state(
    *, row: ItemMonitoring, before: str, actor_id: int | None = None
) -> list[Notification]:
    """After a plan item's monitoring state changes (cancelled, not applicable, active
    again): notify the people behind the problems the item addresses."""
    if _MUTED.get():
        return []
    item = row.plan_item
    people = _people([item.pk])
    payload = {
        "event": "item_state",
        "plan": item.plan_id,
        "indicator": None,
        "value": None,
        "state": row.state,
        "state_label": str(ItemMonitoring.State(row.state).label),
        "before": before,
        "reason": row.reason,
        "realisation": None,
    }
    sent = _send_grouped(people, {item.pk: item}, payload) if people else []
    return sent + _tell_followers({item.pk: item}, payload, set(people), actor_id)
