"""API of triage and the problem inventory, and plan items with the entries they answer."""

from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api import Pagination
from backend.authz import authorise
from inventory import exports, selectors, services
from inventory import serializers as s
from inventory.filters import TriageFilter
from participation.serializers import ProblemOut
from planning.models import Committee
from planning.serializers import PlanQuery


class PlanItemDetail(generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.PlanItemDetailOut

    def get_queryset(self):
        return selectors.plan_item_detail_list()


def _plan_from_query(request, serializer=None):
    query = (serializer or PlanQuery)(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query


class TriageQueue(generics.ListAPIView):
    """Published, not yet triaged problems of a plan — for that city's planners."""

    serializer_class = ProblemOut
    filterset_class = TriageFilter
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("plan", int, required=True)])
    def get(self, request, *args, **kwargs):
        self.plan = _plan_from_query(request).validated_data["plan"]
        authorise(request.user, "inventory.triage", self.plan)
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks with no plan
            return selectors.triage_queue_rows(plan_id=0)
        return selectors.triage_queue_rows(plan_id=self.plan.pk)


class TriageAction(APIView):
    """accept (into an existing or a new entry), merge (a duplicate of an entry's problem)
    or out_of_scope (with a reason the author is shown)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.TriageIn, responses=s.TriageResultOut)
    def post(self, request, problem_id):
        data = s.TriageIn(data=request.data)
        data.is_valid(raise_exception=True)
        problem = services.triage(
            actor=request.user,
            problem_id=problem_id,
            action=data.validated_data["action"],
            **data.arguments(),
        )
        return Response(s.TriageResultOut(problem).data)


class TriageBulk(APIView):
    """The same triage action on many problems at once, all or nothing."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.TriageBulkIn, responses=s.TriageResultOut(many=True))
    def post(self, request):
        data = s.TriageBulkIn(data=request.data)
        data.is_valid(raise_exception=True)
        problems = services.triage_bulk(
            actor=request.user,
            problem_ids=data.validated_data["problems"],
            action=data.validated_data["action"],
            **data.arguments(),
        )
        return Response(s.TriageResultOut(problems, many=True).data)


class InventoryListCreate(APIView):
    """The plan's problem inventory with evidence and priority (public); planners add
    entries. `ordering`: priority (default), code, -updated_at, -supporters."""

    @extend_schema(
        parameters=[
            OpenApiParameter("plan", int, required=True),
            OpenApiParameter("ordering", str, enum=list(selectors.INVENTORY_ORDERINGS)),
        ],
        responses=s.InventoryEntryOut(many=True),
    )
    def get(self, request):
        plan = _plan_from_query(request).validated_data["plan"]
        ordering = request.query_params.get("ordering", "priority")
        entries = selectors.inventory_ordered(plan_id=plan.pk, ordering=ordering)
        paginator = Pagination()
        page = paginator.paginate_queryset(entries, request)
        return paginator.get_paginated_response(s.InventoryEntryOut(page, many=True).data)

    @extend_schema(request=s.InventoryEntryIn, responses={201: s.InventoryEntryOut})
    def post(self, request):
        data = s.InventoryEntryIn(data=request.data)
        data.is_valid(raise_exception=True)
        entry = services.inventory_entry_create(actor=request.user, **data.validated_data)
        entry = selectors.inventory_entry_detail(pk=entry.pk)
        return Response(s.InventoryEntryOut(entry).data, status=201)


class InventoryDetail(APIView):
    def _entry(self, pk):
        return selectors.inventory_entry_detail(pk=pk)

    def _render(self, entry):
        problems = selectors.inventory_entry_problems(entry=entry)[: s.ENTRY_PROBLEMS_LIMIT + 1]
        return Response(s.InventoryEntryDetailOut(entry, context={"problems": problems}).data)

    @extend_schema(responses=s.InventoryEntryDetailOut)
    def get(self, request, pk):
        return self._render(self._entry(pk))

    @extend_schema(request=s.InventoryEntryPatch, responses=s.InventoryEntryDetailOut)
    def patch(self, request, pk):
        entry = self._entry(pk)
        data = s.InventoryEntryPatch(data=request.data)
        data.is_valid(raise_exception=True)
        services.inventory_entry_update(actor=request.user, entry=entry, **data.validated_data)
        return self._render(self._entry(pk))


class InventoryExport(APIView):
    """The plan's inventory as CSV (UTF-8 with BOM), XLSX (right-to-left) or JSON, with
    ISO and Jalali dates; streamed."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter("plan", int, required=True),
            OpenApiParameter("format", str, enum=["csv", "xlsx", "json"]),
        ],
        responses={(200, "text/csv"): bytes},
    )
    def get(self, request):
        query = _plan_from_query(request, s.ExportQuery).validated_data
        plan, kind = query["plan"], query["format"]
        name = f"inventory-{plan.city.slug}-{plan.start_year}-{plan.end_year}"
        if kind == "csv":
            response = StreamingHttpResponse(
                exports.csv_stream(plan.pk), content_type="text/csv; charset=utf-8"
            )
        elif kind == "json":
            meta = {"id": plan.pk, "title": plan.title, "city": plan.city.slug}
            response = StreamingHttpResponse(
                exports.json_stream(plan.pk, meta), content_type="application/json"
            )
        else:
            return FileResponse(
                exports.xlsx_file(plan.pk, plan.title),
                as_attachment=True,
                filename=f"{name}.xlsx",
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
        return response


class InventoryStats(APIView):
    """Entries and problems per axis, committee, district and Jalali month (for charts)."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("plan", int, required=True)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        plan = _plan_from_query(request).validated_data["plan"]
        return Response(selectors.inventory_aggregates(plan_id=plan.pk))


class CommitteeInventory(APIView):
    """A committee's entries with their evidence — for its members and the city's planners."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses=s.InventoryEntryOut(many=True))
    def get(self, request, pk):
        committee = get_object_or_404(Committee.objects.select_related("city"), pk=pk)
        authorise(request.user, "inventory.view_committee", committee)
        entries = selectors.committee_inventory(committee=committee)
        return Response(s.InventoryEntryOut(entries, many=True).data)
