"""Every Open311 read: the jurisdiction, its services, and published problems as service
requests with their status (the rule is written down in docs/open311.md).

Status rule. A request is **closed** when its problem was merged into an inventory entry as
a duplicate, found out of the plan's scope, its inventory entry was dropped, or its entry is
addressed by plan items that are all done: each of them has at least one yearly project
that is not cancelled, and every such project is done. Otherwise it is **open** (untriaged,
accepted and waiting, or being addressed). `expected_datetime` is the latest planned end of
the unfinished projects of the entry's addressing plan items, when they have one.
"""

import html
import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
)
from django.utils import timezone

from backend.errors import DomainError, Missing
from budget.models import Project
from cities.models import City, District
from inventory.models import InventoryEntry
from moderation.models import ModerationState
from open311.models import Open311Client, Open311Request
from participation.models import Problem
from participation.rules import PROBLEM_PHASES
from planning.models import Axis, Plan, PlanItem

Triage = Problem.Triage
MAX_RESULTS = 1000
DEFAULT_DAYS = 90


# Jurisdictions and services ----------------------------------------------------------------


def jurisdiction(jurisdiction_id: str | None) -> City:
    """The city named by `jurisdiction_id` (its slug). It may be left out only while the
    deployment serves one city."""
    if jurisdiction_id:
        city = City.objects.filter(slug=jurisdiction_id.strip()).first()
        if city is None:
            raise Missing("حوزه‌ی (jurisdiction_id) خواسته‌شده پیدا نشد.", code="jurisdiction")
        return city
    cities = list(City.objects.order_by("pk")[:2])
    if len(cities) != 1:
        raise DomainError(
            "این سامانه چند شهر دارد؛ jurisdiction_id (شناسه‌ی شهر) را بفرستید.",
            code="jurisdiction_required",
        )
    return cities[0]


def open_plan(city: City) -> Plan | None:
    """The city's current plan asking for problems (the newest, when several are open)."""
    return (
        Plan.objects.filter(city=city, phase__in=PROBLEM_PHASES)
        .order_by("-start_year", "-pk")
        .first()
    )


def service_list(city: City) -> list[Axis]:
    """One service per axis of the city, while a plan of the city is open for problems."""
    if open_plan(city) is None:
        return []
    return list(Axis.objects.filter(city=city).order_by("position", "pk"))


def axis_id(service_code: str) -> int | None:
    prefix, _, number = (service_code or "").strip().partition("-")
    if prefix != "axis" or not number.isdigit() or len(number) > 12:
        return None
    return int(number)


def service_get(city: City, service_code: str) -> Axis:
    number = axis_id(service_code)
    axis = Axis.objects.filter(city=city, pk=number).first() if number else None
    if axis is None or open_plan(city) is None:
        raise Missing("این خدمت (service_code) در این شهر نیست.", code="service_code")
    return axis


def district_list(city: City) -> list[District]:
    return list(District.objects.filter(city=city).order_by("number", "name", "pk"))


def client_list(*, city: City) -> QuerySet[Open311Client]:
    return (
        Open311Client.objects.filter(city=city)
        .select_related("created_by")
        .order_by("-created_at", "-pk")
    )


# Service requests --------------------------------------------------------------------------


def _closed() -> ExpressionWrapper:
    items = PlanItem.objects.filter(addresses=OuterRef("inventory_entry"))
    live = Project.objects.exclude(status=Project.Status.CANCELLED).filter(scheme=OuterRef("pk"))
    unfinished = items.filter(~Exists(live) | Exists(live.exclude(status=Project.Status.DONE)))
    done = Q(triage_state=Triage.ACCEPTED) & Exists(items) & ~Exists(unfinished)
    # Exists, never a join on the entry: a problem without one must give false, not NULL.
    dropped = InventoryEntry.objects.filter(
        pk=OuterRef("inventory_entry_id"), status=InventoryEntry.Status.DROPPED
    )
    closed = Q(triage_state__in=[Triage.MERGED, Triage.OUT_OF_SCOPE]) | Exists(dropped) | done
    return ExpressionWrapper(closed, output_field=BooleanField())


def _rows(city: City) -> QuerySet[Problem]:
    return (
        Problem.objects.filter(plan__city=city, moderation_state=ModerationState.PUBLISHED)
        .select_related("axis", "inventory_entry__committee", "open311_request")
        .prefetch_related(
            Prefetch(
                "inventory_entry__addressed_by",
                queryset=PlanItem.objects.order_by("sort_key").prefetch_related(
                    Prefetch("projects", queryset=Project.objects.order_by("pk"))
                ),
            )
        )
        .annotate(is_closed=_closed())
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class RequestFilters:
    ids: list[int] | None = None
    service_codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[str] | None = None
    page: int = 1
    page_size: int = MAX_RESULTS


def request_list(*, city: City, filters: RequestFilters) -> list[Problem]:
    """Published problems of the city as service requests. `service_request_id` overrides
    the other filters (per the spec); otherwise the window defaults to the last 90 days and
    a page holds at most 1000 requests. Three queries, whatever the page size."""
    rows = _rows(city)
    if filters.ids is not None:
        return list(rows.filter(pk__in=filters.ids[:MAX_RESULTS]))
    if filters.service_codes:
        ids = [n for n in (axis_id(code) for code in filters.service_codes) if n is not None]
        rows = rows.filter(axis_id__in=ids)
    end = filters.end
    start = filters.start
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        assert end is not None
        start = end - timedelta(days=DEFAULT_DAYS)
    if end is None:
        end = start + timedelta(days=DEFAULT_DAYS)
    if start > end:
        raise DomainError("start_date باید پیش از end_date باشد.", code="dates")
    if end - start > timedelta(days=DEFAULT_DAYS):
        raise DomainError("بازه‌ی start_date تا end_date حداکثر ۹۰ روز است.", code="dates")
    rows = rows.filter(created_at__gte=start, created_at__lte=end)
    if filters.statuses and set(filters.statuses) != {"open", "closed"}:
        rows = rows.filter(**{"is_closed": filters.statuses == ["closed"]})  # the annotation
    offset = (filters.page - 1) * filters.page_size
    return list(rows[offset : offset + filters.page_size])


def request_get(*, city: City, pk: int) -> Problem:
    problem = _rows(city).filter(pk=pk).first()
    if problem is None:
        raise Missing("درخواستی با این شناسه پیدا نشد.", code="service_request_id")
    return problem


def token_get(*, city: City, token: str) -> Open311Request:
    found = (
        Open311Request.objects.select_related("problem")
        .filter(token=token, client__city=city)
        .first()
    )
    if found is None:
        raise Missing("این token پیدا نشد.", code="token")
    return found


def is_published(request: Open311Request) -> bool:
    return request.problem.moderation_state == ModerationState.PUBLISHED


# The fields of one request -----------------------------------------------------------------


_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<(br|/p|/li)\b[^>]*>")


def _text(body: str) -> str:
    """The words of a stored body. Bodies are already sanitised (backend.sanitise), so
    dropping the tags is enough; bleach again per row would cost ~10× more on a
    1000-request page."""
    return " ".join(html.unescape(_TAG.sub("", _BREAK.sub(" ", body or ""))).split())


def _iso(value: datetime | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


def _expected(items: list[PlanItem]) -> datetime | None:
    ends = [
        project.planned_end
        for item in items
        for project in item.projects.all()
        if project.status not in (Project.Status.DONE, Project.Status.CANCELLED)
        and project.planned_end is not None
    ]
    if not ends:
        return None
    return timezone.make_aware(datetime.combine(max(ends), time(23, 59, 59)))


def _items_named(items: list[PlanItem]) -> str:
    return "، ".join(f"«{item.code} {item.title}»" for item in items[:3])


def status_notes(problem: Any) -> str:
    entry = problem.inventory_entry
    items = list(entry.addressed_by.all()) if entry is not None else []
    if problem.triage_state == Triage.MERGED:
        return f"ادغام شد با مسئله‌ی «{entry.title}» در فهرست مسائل." if entry else "ادغام شد."
    if problem.triage_state == Triage.OUT_OF_SCOPE:
        reason = f": {problem.triage_reason}" if problem.triage_reason else "."
        return f"خارج از موضوع برنامه{reason}"
    if problem.triage_state == Triage.ACCEPTED and entry is not None:
        if entry.status == InventoryEntry.Status.DROPPED:
            return f"مسئله‌ی «{entry.title}» از فهرست مسائل کنار گذاشته شد."
        note = f"پذیرفته در فهرست مسائل: «{entry.title}»."
        if items and problem.is_closed:
            return note + f" انجام شد با بند {_items_named(items)} برنامه."
        if items:
            return note + f" پاسخ در بند {_items_named(items)} برنامه."
        return note
    return "در انتظار بررسی برنامه‌ریزان."


def request_out(problem: Any) -> dict[str, Any]:
    """The spec's fields of one service request, in its order."""
    entry = problem.inventory_entry
    items = list(entry.addressed_by.all()) if entry is not None else []
    closed = bool(problem.is_closed)
    origin = getattr(problem, "open311_request", None)
    updated = max(
        [
            value
            for value in (
                problem.created_at,
                problem.moderation_changed_at,
                entry.updated_at if entry is not None else None,
            )
            if value is not None
        ]
    )
    axis = problem.axis
    return {
        "service_request_id": problem.pk,
        "status": "closed" if closed else "open",
        "status_notes": status_notes(problem),
        "service_name": axis.title if axis else "",
        "service_code": f"axis-{axis.pk}" if axis else "",
        "description": _text(problem.body),
        "agency_responsible": entry.committee.title if entry and entry.committee else "",
        "service_notice": "",
        "requested_datetime": _iso(problem.created_at),
        "updated_datetime": _iso(updated),
        "expected_datetime": "" if closed else _iso(_expected(items)),
        "address": origin.address if origin else "",
        "address_id": "",
        "zipcode": "",
        "lat": float(problem.latitude) if problem.latitude is not None else "",
        "long": float(problem.longitude) if problem.longitude is not None else "",
        "media_url": origin.media_url if origin else "",
    }
