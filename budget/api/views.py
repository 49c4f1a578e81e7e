"""API of the budget slice: yearly projects and their milestones, budget lines, the shares
of lines that fund projects, the three figures of a plan and of a plan item, the council's
slice of a year, and a city's budget file (its column mapping, the import with its
row-by-row report, the export in the same format).

Reads of figures and lists are public (citizens and NGOs see where the money goes); the
import mapping is for the city's planners. Every write goes through budget.services (or
budget.imports), which ask `budget.manage` (budget/rules.py) for the object's city.
"""

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api import Pagination
from backend.authz import authorise
from backend.errors import DomainError, Missing
from backend.ids import MAX_ID
from backend.jalali import to_jalali
from budget import imports, selectors, services
from budget import serializers as s
from budget.filters import LineFilter, ProjectFilter
from cities.selectors import city_list
from monitoring.selectors import jalali_year
from planning.models import PlanItem
from planning.selectors import plan_list

UNKNOWN_PLAN = "برنامه‌ای با این شناسه نیست."
UNKNOWN_ITEM = "بندی با این شناسه نیست."
UNKNOWN_CITY = "شهری با این شناسه نیست."
UNKNOWN_PROJECT = "پروژه‌ای با این شناسه نیست."
UNKNOWN_LINE = "ردیف بودجه‌ای با این شناسه نیست."
UNKNOWN_MILESTONE = "گامی با این شناسه نیست."
UNKNOWN_FUNDING = "تأمینی با این شناسه نیست."
YEAR_OUTSIDE = "سال باید از {start} تا {end} (سال‌های برنامه) باشد."
MANAGE = "budget.manage"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
YEAR = OpenApiParameter(
    "year", int, description="a Jalali year of the plan (this year, within the plan, if none)"
)


def _one(get, pk: int, message: str):
    row = get(pk) if 1 <= pk <= MAX_ID else None
    if row is None:
        raise Missing(message)
    return row


def _in(queryset, pk: int, message: str):
    return _one(lambda key: queryset.filter(pk=key).first(), pk, message)


def _plan(pk: int):
    return _in(plan_list(), pk, UNKNOWN_PLAN)


def _item(pk: int) -> PlanItem:
    return _in(PlanItem.objects.select_related("plan__city"), pk, UNKNOWN_ITEM)


def _city(pk: int):
    return _in(city_list(), pk, UNKNOWN_CITY)


def _valid(serializer_class, data, **kwargs) -> dict[str, Any]:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def _year(request, plan) -> int:
    """`?year=` within the plan's years; the current Jalali year (kept inside the plan's
    years) when none is given."""
    year = _valid(s.YearQuery, request.query_params).get("year")
    if year is None:
        return jalali_year(plan)
    if not plan.start_year <= year <= plan.end_year:
        message = YEAR_OUTSIDE.format(start=plan.start_year, end=plan.end_year)
        raise DomainError(message, code="year_outside_plan")
    return year


def _paginated(request, rows, render):
    paginator = Pagination()
    page = paginator.paginate_queryset(rows, request)
    return paginator.get_paginated_response(render(page))


# Projects ---------------------------------------------------------------------------------


def _project_detail(pk: int) -> dict[str, Any]:
    project = _one(selectors.project_get, pk, UNKNOWN_PROJECT)
    detail = selectors.project_detail(project)
    return s.ProjectDetailOut(project, context={"detail": detail}).data


class ProjectListCreate(generics.ListCreateAPIView):
    """Yearly projects (filters `plan`, `year`, `scheme`, `status`, `district`) with their
    money drawn from their lines, physical progress, milestones and fundings. POST: a
    project under a scheme of the plan (the plan's city's planners)."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = ProjectFilter
    serializer_class = s.ProjectOut

    def get_queryset(self):
        return selectors.project_list()

    @extend_schema(request=s.ProjectIn, responses={201: s.ProjectDetailOut})
    def post(self, request):
        data = _valid(s.ProjectIn, request.data)
        project = services.project_create(actor=request.user, **data)
        return Response(_project_detail(project.pk), status=201)


class ProjectDetail(APIView):
    """A project with its money, progress, milestones, fundings, its scheme's indicators
    and the inventory entries it answers. PATCH changes the fields sent (status, progress,
    dates …); the progress is recomputed and the change recorded."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=s.ProjectDetailOut)
    def get(self, request, pk):
        return Response(_project_detail(pk))

    @extend_schema(request=s.ProjectFieldsIn, responses=s.ProjectDetailOut)
    def patch(self, request, pk):
        project = _one(selectors.project_get, pk, UNKNOWN_PROJECT)
        data = _valid(s.ProjectFieldsIn, request.data)
        services.project_update(actor=request.user, project=project, **data)
        return Response(_project_detail(pk))


# Milestones -------------------------------------------------------------------------------


class ProjectMilestones(APIView):
    """A project's milestones by due date; POST adds one (title, due date, weight)."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=s.MilestoneOut(many=True))
    def get(self, request, pk):
        project = _one(selectors.project_get, pk, UNKNOWN_PROJECT)
        rows = selectors.project_milestones(project)
        return _paginated(request, rows, lambda page: s.MilestoneOut(page, many=True).data)

    @extend_schema(request=s.MilestoneIn, responses={201: s.MilestoneOut})
    def post(self, request, pk):
        project = _one(selectors.project_get, pk, UNKNOWN_PROJECT)
        data = _valid(s.MilestoneIn, request.data)
        milestone = services.milestone_add(actor=request.user, project=project, **data)
        return Response(s.MilestoneOut(milestone).data, status=201)


class MilestoneDetail(APIView):
    """Change a milestone (mark it done with `done_on`: «1404/02/10»; undo with null), or
    remove it. The project's progress follows."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.MilestoneChangeIn, responses=s.MilestoneOut)
    def patch(self, request, pk):
        milestone = _one(selectors.milestone_get, pk, UNKNOWN_MILESTONE)
        data = _valid(s.MilestoneChangeIn, request.data)
        milestone = services.milestone_update(actor=request.user, milestone=milestone, **data)
        return Response(s.MilestoneOut(milestone).data)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        milestone = _one(selectors.milestone_get, pk, UNKNOWN_MILESTONE)
        services.milestone_remove(actor=request.user, milestone=milestone)
        return Response(status=204)


# Budget lines -----------------------------------------------------------------------------


def _line(pk: int) -> dict[str, Any]:
    return s.LineOut(_one(selectors.line_get, pk, UNKNOWN_LINE)).data


class LineListCreate(generics.ListCreateAPIView):
    """Budget lines (filters `city` slug, `year`, `source`, `code`) with their amounts in
    whole rials and the projects they fund. POST: a line of a city's budget for a year (the
    city's planners)."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]
    filterset_class = LineFilter
    serializer_class = s.LineOut

    def get_queryset(self):
        return selectors.line_list()

    @extend_schema(request=s.LineIn, responses={201: s.LineOut})
    def post(self, request):
        data = _valid(s.LineIn, request.data)
        line = services.line_create(actor=request.user, **data)
        return Response(_line(line.pk), status=201)


class LineDetail(APIView):
    """A budget line; PATCH changes the amounts or text sent (the same figures again change
    nothing and record nothing)."""

    permission_classes = [permissions.IsAuthenticatedOrReadOnly]

    @extend_schema(responses=s.LineOut)
    def get(self, request, pk):
        return Response(_line(pk))

    @extend_schema(request=s.LineFieldsIn, responses=s.LineOut)
    def patch(self, request, pk):
        line = _one(selectors.line_get, pk, UNKNOWN_LINE)
        data = _valid(s.LineFieldsIn, request.data)
        services.line_update(actor=request.user, line=line, **data)
        return Response(_line(pk))


# Fundings ---------------------------------------------------------------------------------


class FundingSet(APIView):
    """The share (percent) of a line that funds a project, created or changed. The shares
    of one line add up to at most 100%; a project may draw on several lines."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.FundingIn, responses=s.FundingOut)
    def post(self, request):
        data = _valid(s.FundingIn, request.data)
        funding = services.funding_set(actor=request.user, **data)
        return Response(s.FundingOut(funding).data)


class FundingDetail(APIView):
    """Remove a funding: the line no longer funds the project."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request, pk):
        funding = _one(selectors.funding_get, pk, UNKNOWN_FUNDING)
        services.funding_remove(actor=request.user, funding=funding)
        return Response(status=204)


# The figures ------------------------------------------------------------------------------


class PlanBudget(APIView):
    """The three figures side by side — money spent %, physical progress %, indicator
    realisation % — with the money behind them and the gap flags, for every plan item of
    the plan in a Jalali year, the plan as a whole, and by goal, axis, committee and
    district. The gap rule is in `rule`."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[YEAR], responses=s.PlanBudgetOut)
    def get(self, request, pk):
        plan = _plan(pk)
        return Response(s.PlanBudgetOut(selectors.plan_budget(plan, _year(request, plan))).data)


class PlanBudgetSlice(APIView):
    """The council's one-year slice: each scheme's planned allocation against the lines
    that fund it, schemes with no budget, lines tied to no plan item, and the year before."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[YEAR], responses=s.BudgetSliceOut)
    def get(self, request, pk):
        plan = _plan(pk)
        data = selectors.budget_slice(plan, _year(request, plan))
        return Response(s.BudgetSliceOut(data).data)


class PlanItemBudget(APIView):
    """A plan item's subtree (a goal, a strategy …: the item first) with the three figures
    of each row, and the projects under it with their money."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(parameters=[YEAR], responses=s.ItemBudgetOut)
    def get(self, request, pk):
        item = _item(pk)
        data = selectors.item_budget(item.plan, _year(request, item.plan), item)
        return Response(s.ItemBudgetOut(data).data)


# A city's budget file ---------------------------------------------------------------------


def _mapping(city) -> dict[str, Any]:
    headers = imports.headers_for(city)
    return {
        "city": city.pk,
        "columns": selectors.mapping_columns(city.pk),
        "fields": [
            {"key": key, "label": label, "header": headers[key]} for key, label in imports.FIELDS
        ],
    }


class CityBudgetMapping(APIView):
    """How the city's finance system names the columns of its budget file: our key (year,
    code, title, source, approved, revised, committed, spent, note) → its header. PUT
    replaces it. For the city's planners."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.MappingOut)
    def get(self, request, pk):
        city = _city(pk)
        authorise(request.user, MANAGE, city)
        return Response(_mapping(city))

    @extend_schema(request=s.MappingIn, responses=s.MappingOut)
    def put(self, request, pk):
        city = _city(pk)
        data = _valid(s.MappingIn, request.data)
        services.mapping_set(
            actor=request.user, city=city, columns=data["columns"], known=imports.KEYS
        )
        return Response(_mapping(city))


class CityBudgetImport(APIView):
    """Import the city's budget or execution figures for a Jalali year from CSV or XLSX
    (multipart `file`). `?dry_run=1` checks every row and stores nothing; otherwise every
    new or changed row is stored in one transaction — or nothing when a row is wrong (a 400
    whose `report` has the row-by-row report) unless `accept_valid_rows`. Re-importing the
    same file reports every row «بدون تغییر» and changes nothing."""

    permission_classes = [permissions.IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True, description="the Jalali year"),
            OpenApiParameter("dry_run", bool, description="check only; store nothing"),
        ],
        request={"multipart/form-data": s.ImportIn},
        responses={
            200: s.ImportReportOut,
            400: OpenApiResponse(description="a wrong file or row; `report` when rows were read"),
        },
    )
    def post(self, request, pk):
        city = _city(pk)
        query = _valid(s.ImportQuery, request.query_params)
        body = _valid(s.ImportIn, request.data)
        if query["dry_run"]:
            report = imports.import_preview(
                actor=request.user, city=city, year=query["year"], file=body["file"]
            )
        else:
            report = imports.import_apply(
                actor=request.user,
                city=city,
                year=query["year"],
                file=body["file"],
                accept_valid_rows=body["accept_valid_rows"],
            )
        return Response({**report.as_json(), "dry_run": query["dry_run"]})


class CityBudgetExport(APIView):
    """The city's budget lines of a Jalali year (this year by default) as CSV (UTF-8 with
    BOM) or XLSX (right to left), with the city's headers — the format the import reads."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, description="the Jalali year (this year if none)"),
            OpenApiParameter("format", str, enum=["csv", "xlsx"]),
        ],
        responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY},
    )
    def get(self, request, pk):
        city = _city(pk)
        query = _valid(s.ExportQuery, request.query_params)
        year = query.get("year") or to_jalali(timezone.localdate()).year
        name = f"budget-{city.slug}-{year}"
        if query["format"] == "xlsx":
            response = HttpResponse(imports.export_xlsx(city, year), content_type=XLSX)
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
        response = HttpResponse(
            imports.export_csv(city, year), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
