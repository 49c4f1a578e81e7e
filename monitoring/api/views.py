"""API of plan monitoring: the plan dashboard, indicators (versions, links and weights,
baselines, targets), measurements (enter → submit → verify, corrections), the monitoring
state of plan items, the overdue list, snapshots and the measurements export.

Reads are public (AllowAny) except the overdue list and drafts; every write goes through
monitoring.services, which asks monitoring/rules.py. Views only ask the same rules (through
backend.authz) to decide what a reader sees.
"""

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import FileResponse, StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api import Pagination
from backend.authz import allowed, authorise
from backend.errors import Conflict, DomainError, Missing
from backend.ids import MAX_ID
from backend.jalali import jalali_datetime_str
from backend.persian import normalise
from monitoring import exports, selectors, services
from monitoring import serializers as s
from monitoring.models import IndicatorVersion, Measurement
from planning.models import PlanItem
from planning.selectors import plan_list

UNKNOWN_PLAN = "برنامه‌ای با این شناسه نیست."
UNKNOWN_INDICATOR = "شاخصی با این شناسه نیست."
UNKNOWN_MEASUREMENT = "اندازه‌گیری‌ای با این شناسه نیست."
UNKNOWN_ITEM = "بندی با این شناسه نیست."
UNKNOWN_SNAPSHOT = "تصویر دوره‌ای با این شناسه نیست."
NOT_A_LIST = "فهرستی از ۱ تا {limit} مورد بفرستید."
YEAR_OUTSIDE = "سال باید از {start} تا {end} باشد."
MANAGE = "monitoring.manage_indicators"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _found(queryset, pk: int, message: str):
    row = queryset.filter(pk=pk).first() if 1 <= pk <= MAX_ID else None
    if row is None:
        raise Missing(message)
    return row


def _plan(pk: int):
    return _found(plan_list(), pk, UNKNOWN_PLAN)


def _can_manage(user, obj) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and allowed(user, MANAGE, obj)


def _indicator(request, pk: int):
    """The indicator; one never published is seen only by those who may manage it."""
    indicator = _found(selectors.indicator_with_plan(), pk, UNKNOWN_INDICATOR)
    if indicator.current_version is None and not _can_manage(request.user, indicator):
        raise Missing(UNKNOWN_INDICATOR)
    return indicator


def _measurement(pk: int) -> Measurement:
    rows = Measurement.objects.select_related("indicator__plan__city", "version")
    return _found(rows, pk, UNKNOWN_MEASUREMENT)


def _item(pk: int) -> PlanItem:
    return _found(PlanItem.objects.select_related("plan__city"), pk, UNKNOWN_ITEM)


def _valid(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _year(request, plan) -> int | None:
    year = _valid(s.YearQuery, request.query_params).get("year")
    if year is not None and not plan.start_year <= year <= plan.end_year:
        message = YEAR_OUTSIDE.format(start=plan.start_year, end=plan.end_year)
        raise DomainError(message, code="year_outside_plan")
    return year


def _list_body(data, limit: int) -> list:
    if not isinstance(data, list) or not 1 <= len(data) <= limit:
        raise DomainError(NOT_A_LIST.format(limit=limit), code="not_a_list")
    return data


def _jalali_iso(text: str | None) -> str | None:
    return jalali_datetime_str(datetime.datetime.fromisoformat(text)) if text else None


def _paginated(request, rows, render):
    paginator = Pagination()
    page = paginator.paginate_queryset(rows, request)
    return paginator.get_paginated_response(render(page))


# The plan --------------------------------------------------------------------------------


def _dashboard_payload(data: dict[str, Any]) -> dict[str, Any]:
    plan = data["plan"]
    freshness = {
        str(pk): {**row, "last_measured_at_jalali": _jalali_iso(row["last_measured_at"])}
        for pk, row in data["freshness"].items()
    }
    goals = [
        {**goal, "last_measured_at_jalali": _jalali_iso(goal["last_measured_at"])}
        for goal in data["goals"]
    ]
    snapshots = [
        {
            "id": row["id"],
            "year": row["year"],
            "period": row["period"],
            "through_month": row["through_month"],
            "realisation": row["data__plan"],
        }
        for row in data["snapshots"]
    ]
    return {
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "city": plan.city.slug,
            "start_year": plan.start_year,
            "end_year": plan.end_year,
        },
        "year": data["year"],
        "realisation": data["realisation"],
        "goals": goals,
        "indicators": data["indicators"],
        "freshness": freshness,
        "computed_at": data["computed_at"],
        "computed_at_jalali": _jalali_iso(data["computed_at"]),
        "snapshots": snapshots,
    }


class PlanMonitoring(APIView):
    """The plan's dashboard: indicator realisation for the Jalali year to date (this year
    by default, `?year=` another year of the plan) with coverage, per goal with freshness,
    each indicator's figure and freshness, and the snapshots taken. Read from the stored
    roll-up."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("year", int, description="a Jalali year of the plan")],
        responses=s.DashboardOut,
    )
    def get(self, request, pk):
        plan = _plan(pk)
        data = selectors.plan_dashboard(plan, _year(request, plan))
        return Response(_dashboard_payload(data))


class PlanOverdue(APIView):
    """The plan's indicators with a period past its due date and no value reported, most
    overdue first — for the city's planners."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.OverdueOut(many=True))
    def get(self, request, pk):
        plan = _plan(pk)
        authorise(request.user, MANAGE, plan)
        rows = selectors.overdue_indicators(plan)

        def render(page):
            return s.OverdueOut(
                [
                    {
                        "indicator": row["indicator"].pk,
                        "code": row["indicator"].code,
                        "title": row["version"].title,
                        "owner": row["indicator"].owner,
                        "owner_unit": row["indicator"].owner_unit,
                        "periodicity": row["version"].periodicity,
                        **{key: row[key] for key in _OVERDUE_KEYS},
                    }
                    for row in page
                ],
                many=True,
            ).data

        return _paginated(request, rows, render)


_OVERDUE_KEYS = ("last_measured_at", "last_period", "overdue_days", "missing_periods", "due")


class PlanSnapshots(APIView):
    """The plan's closed periods (GET, public); POST closes one ({year, period}: H1, H2,
    Q1–Q4, M1–M12 or Y) and freezes its figures — the city's planners or admins."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=s.SnapshotRowOut(many=True))
    def get(self, request, pk):
        plan = _plan(pk)
        rows = selectors.plan_snapshots(plan)
        return _paginated(request, rows, lambda page: s.SnapshotRowOut(page, many=True).data)

    @extend_schema(request=s.SnapshotIn, responses={201: s.SnapshotRowOut})
    def post(self, request, pk):
        plan = _plan(pk)
        data = _valid(s.SnapshotIn, request.data)
        snapshot = services.snapshot_close(
            actor=request.user, plan=plan, year=data["year"], period=data["period"]
        )
        return Response(s.SnapshotRowOut(snapshot).data, status=201)


class SnapshotDetail(APIView):
    """A snapshot's frozen figures, with the corrections verified after it and today's
    figures for the same period beside them (history annotated, never rewritten)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.SnapshotDetailOut)
    def get(self, request, pk):
        snapshot = _found(selectors.snapshot_list(), pk, UNKNOWN_SNAPSHOT)
        return Response(s.SnapshotDetailOut(selectors.snapshot_with_corrections(snapshot)).data)


class PlanMonitoringExport(APIView):
    """The plan's reported measurements (submitted, and current verified values) as CSV
    (UTF-8 with BOM) or XLSX (right-to-left), streamed. The header row holds the keys of
    monitoring.exports.COLUMNS — the same columns the measurements import reads."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("format", str, enum=["csv", "xlsx"])],
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XLSX): OpenApiTypes.BINARY,
        },
    )
    def get(self, request, pk):
        plan = _plan(pk)
        kind = _valid(s.ExportQuery, request.query_params)["format"]
        name = f"monitoring-{plan.city.slug}-{plan.start_year}-{plan.end_year}"
        if kind == "xlsx":
            return FileResponse(
                exports.xlsx_file(plan),
                as_attachment=True,
                filename=f"{name}.xlsx",
                content_type=XLSX,
            )
        response = StreamingHttpResponse(
            exports.csv_stream(plan), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response


# Indicators -------------------------------------------------------------------------------


class IndicatorListCreate(APIView):
    """Published indicators (filters `plan`, `plan_item`, `q` on code and title); planners
    of the plan's city create one (its first version is a draft until published)."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        parameters=[
            OpenApiParameter("plan", int),
            OpenApiParameter("plan_item", int),
            OpenApiParameter("q", str),
        ],
        responses=s.IndicatorOut(many=True),
    )
    def get(self, request):
        query = _valid(s.IndicatorQuery, request.query_params)
        rows = selectors.indicator_list()
        if query.get("plan"):
            rows = rows.filter(plan_id=query["plan"])
        if query.get("plan_item"):
            rows = rows.filter(links__plan_item_id=query["plan_item"])
        if query.get("q"):
            rows = selectors.indicators_matching(rows, normalise(query["q"]))
        return _paginated(request, rows, lambda page: s.IndicatorOut(page, many=True).data)

    @extend_schema(request=s.IndicatorIn, responses={201: s.IndicatorDetailOut})
    def post(self, request):
        data = dict(_valid(s.IndicatorIn, request.data))
        indicator = services.indicator_create(actor=request.user, **data)
        return Response(_detail(request, indicator.pk), status=201)


def _formula(detail: dict[str, Any]) -> dict[str, Any] | None:
    """The current computed version's formula with the values of its latest computed
    period (as stored with that value) and its named inputs."""
    from monitoring.formula import FormulaError, parse

    version = detail["current_version"]
    if version is None or version.kind != IndicatorVersion.Kind.COMPUTED:
        return None
    try:
        formula = parse(version.formula)
    except FormulaError:
        return None
    latest = next((p for p in reversed(detail["periods"]) if p["current"] is not None), None)
    stored = (latest["current"].inputs or {}).get("values", {}) if latest else {}
    values = {code: None if v is None else Decimal(v) for code, v in stored.items()}
    inputs = {
        entry["name"]: Decimal(entry["value"]) if entry.get("value") else None
        for entry in version.inputs
    }
    rows = formula.explain(values=values, inputs=inputs)
    return {
        "source": version.formula,
        "persian": formula.to_persian(),
        "year": latest["year"] if latest else None,
        "period": latest["period"] if latest else None,
        "result": s._value(latest["current"].value) if latest else None,
        "explain": [{**row, "value": s._value(row["value"])} for row in rows],
    }


def _public_periods(periods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    shown = []
    for entry in periods:
        history = [row for row in entry["history"] if row.state != Measurement.State.DRAFT]
        if history:
            shown.append({**entry, "history": history})
    return shown


def _detail(request, pk: int) -> dict[str, Any]:
    indicator = _indicator(request, pk)
    detail = selectors.indicator_detail(indicator)
    manager = _can_manage(request.user, indicator)
    versions = detail["versions"]
    draft = next((v for v in versions if v.published_at is None), None)
    if freshness := detail["freshness"]:
        freshness = {
            **freshness,
            "last_measured_at_jalali": _jalali_iso(freshness["last_measured_at"]),
        }
    payload = {
        **detail,
        "draft": draft if manager else None,
        "versions": [v for v in versions if manager or v.published_at is not None],
        "periods": detail["periods"] if manager else _public_periods(detail["periods"]),
        "freshness": freshness,
        "formula": _formula(detail),
    }
    numbers = {version.pk: version.number for version in versions}
    return s.IndicatorDetailOut(payload, context={"version_numbers": numbers}).data


class IndicatorDetail(APIView):
    """Everything about an indicator: versions, baseline, targets, measurements per period
    (current, unverified, history with corrections), the formula in Persian with the values
    it used, linked plan items with their weights, realisation per year and freshness.
    Drafts (a draft version, draft measurements) only for the city's planners."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.IndicatorDetailOut)
    def get(self, request, pk):
        return Response(_detail(request, pk))


class IndicatorDraft(APIView):
    """Edit the indicator's draft version (created from the current one when there is
    none). Only the fields sent change. Periodicity is frozen once published."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.VersionFieldsIn, responses=s.VersionOut)
    def patch(self, request, pk):
        indicator = _indicator(request, pk)
        data = _valid(s.VersionFieldsIn, request.data, partial=True)
        draft = services.indicator_version_draft(actor=request.user, indicator=indicator, **data)
        return Response(s.VersionOut(draft).data)


class IndicatorPublish(APIView):
    """Publish the draft version: it becomes current and immutable (a computed one's
    formula is checked for unknown names and cycles, in Persian)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=s.VersionOut)
    def post(self, request, pk):
        indicator = _indicator(request, pk)
        authorise(request.user, MANAGE, indicator)
        draft = selectors.indicator_draft(indicator)
        if draft is None:
            raise Conflict("پیش‌نویسی برای انتشار نیست.", code="no_draft")
        version = services.indicator_version_publish(actor=request.user, version=draft)
        return Response(s.VersionOut(version).data)


class IndicatorLinks(APIView):
    """Replace the plan items the indicator measures: a list of {plan_item, weight} (weight
    > 0, public); items not listed are unlinked."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.LinkIn(many=True), responses=s.LinkOut(many=True))
    def put(self, request, pk):
        indicator = _indicator(request, pk)
        authorise(request.user, MANAGE, indicator)
        rows = _valid(s.LinkIn, _list_body(request.data, 200), many=True)
        wanted = {row["plan_item"].pk: row for row in rows}
        if len(wanted) != len(rows):
            raise DomainError("هر بند یک بار در فهرست بیاید.", code="duplicate_item")
        with transaction.atomic(), services.rollups_deferred():
            for link in selectors.indicator_links(indicator):
                if link.plan_item_id not in wanted:
                    services.indicator_link_set(
                        actor=request.user,
                        indicator=indicator,
                        plan_item=link.plan_item,
                        weight=None,
                    )
            for row in rows:
                services.indicator_link_set(
                    actor=request.user,
                    indicator=indicator,
                    plan_item=row["plan_item"],
                    weight=row["weight"],
                )
        return Response(s.LinkOut(selectors.indicator_links(indicator), many=True).data)


class IndicatorBaseline(APIView):
    """Set the baseline: value at a Jalali year and month."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.BaselineIn, responses=s.BaselineOut)
    def put(self, request, pk):
        indicator = _indicator(request, pk)
        data = _valid(s.BaselineIn, request.data)
        baseline = services.baseline_set(actor=request.user, indicator=indicator, **data)
        return Response(s.BaselineOut(baseline).data)


class IndicatorTargets(APIView):
    """Set yearly targets: a list of {year, value, is_horizon}; years not listed keep
    their targets. One horizon target per indicator (it may lie after the plan's end)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.TargetIn(many=True), responses=s.TargetOut(many=True))
    def put(self, request, pk):
        indicator = _indicator(request, pk)
        authorise(request.user, MANAGE, indicator)
        rows = _valid(s.TargetIn, _list_body(request.data, 50), many=True)
        if len({row["year"] for row in rows}) != len(rows):
            raise DomainError("هر سال یک بار در فهرست بیاید.", code="duplicate_year")
        if sum(row["is_horizon"] for row in rows) > 1:
            raise DomainError("فقط یک هدف افق هست.", code="two_horizons")
        with transaction.atomic(), services.rollups_deferred():
            for row in rows:
                services.target_set(actor=request.user, indicator=indicator, **row)
        targets = selectors.indicator_targets(indicator)
        return Response(s.TargetOut(targets, many=True).data)


# Measurements -----------------------------------------------------------------------------


class IndicatorMeasurements(APIView):
    """The indicator's measurements (`?year=`), corrections included; drafts only for those
    who may enter them. POST enters a value for a period (a draft, or `submit: true`)."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(
        parameters=[OpenApiParameter("year", int)], responses=s.MeasurementOut(many=True)
    )
    def get(self, request, pk):
        indicator = _indicator(request, pk)
        year = _year(request, indicator.plan)
        drafts = bool(request.user.is_authenticated) and allowed(
            request.user, "monitoring.enter_measurement", indicator
        )
        rows = selectors.indicator_measurements(indicator, year=year, include_drafts=drafts)
        return _paginated(request, rows, lambda page: s.MeasurementOut(page, many=True).data)

    @extend_schema(request=s.MeasurementIn, responses={201: s.MeasurementOut})
    def post(self, request, pk):
        indicator = _indicator(request, pk)
        data = _valid(s.MeasurementIn, request.data)
        row = services.measurement_enter(actor=request.user, indicator=indicator, **data)
        return Response(s.MeasurementOut(row).data, status=201)


class MeasurementSubmit(APIView):
    """Send a draft for verification (its owner or the city's planners)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=s.MeasurementOut)
    def post(self, request, pk):
        row = services.measurement_submit(actor=request.user, measurement=_measurement(pk))
        return Response(s.MeasurementOut(row).data)


class MeasurementVerify(APIView):
    """Verify a submitted value (a planner of the city other than the one who entered it)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=s.MeasurementOut)
    def post(self, request, pk):
        row = services.measurement_verify(actor=request.user, measurement=_measurement(pk))
        return Response(s.MeasurementOut(row).data)


class MeasurementCorrect(APIView):
    """Correct a verified value: a new verified row with a reason supersedes it; the old one
    is kept and snapshots keep their figures."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.CorrectionIn, responses={201: s.MeasurementOut})
    def post(self, request, pk):
        measurement = _measurement(pk)
        data = _valid(s.CorrectionIn, request.data)
        row = services.measurement_correct(actor=request.user, measurement=measurement, **data)
        return Response(s.MeasurementOut(row).data, status=201)


# Plan items -------------------------------------------------------------------------------


class PlanItemMonitoring(APIView):
    """Mark a plan item active, cancelled or not applicable (with a reason): cancelled and
    not-applicable items drop out of the realisation with everything under them."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.ItemMonitoringIn, responses=s.ItemMonitoringOut)
    def put(self, request, pk):
        item = _item(pk)
        data = _valid(s.ItemMonitoringIn, request.data)
        row = services.item_monitoring_set(actor=request.user, plan_item=item, **data)
        return Response(s.ItemMonitoringOut(row).data)


class PlanItemIndicators(APIView):
    """A plan item's indicators with their public weights and figures, and the item's own
    realisation and coverage (`?year=`, this year by default)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses=s.PlanItemIndicatorsOut)
    def get(self, request, pk):
        item = _item(pk)
        data = selectors.plan_item_indicators(item, _year(request, item.plan))
        return Response(s.PlanItemIndicatorsOut(data).data)
