from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.api import Pagination
from backend.authz import allowed, authorise
from backend.errors import Missing
from moderation import selectors, services
from moderation import serializers as s
from moderation.rules import MODERATE_CITY, READ_AUDIT, VIEW_CONTENT


def _city_from_query(request, serializer=s.CityQuery):
    query = serializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data.get("city")


class RuleList(APIView):
    """The published rules (public): every active version."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.RuleOut(many=True))
    def get(self, request):
        return Response(s.RuleOut(selectors.rule_list(), many=True).data)


class QueueList(APIView):
    """Open entries of one city, oldest first — for that city's moderators only."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("city", str, required=True)],
        responses=s.QueueEntryOut(many=True),
    )
    def get(self, request):
        city = _city_from_query(request)
        authorise(request.user, MODERATE_CITY, city)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.queue_list(city_id=city.pk), request)
        return paginator.get_paginated_response(selectors.queue_entries_out(page))


class QueueClaim(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=None, responses=s.QueueEntryOut)
    def post(self, request, pk):
        entry = services.queue_claim(moderator=request.user, entry_id=pk)
        return Response(selectors.queue_entry_payload(entry.pk)["entry"])

    @extend_schema(request=None, responses=s.QueueEntryOut)
    def delete(self, request, pk):
        entry = services.queue_release(moderator=request.user, entry_id=pk)
        return Response(selectors.queue_entry_payload(entry.pk)["entry"])


class QueueDecide(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.DecideIn, responses={201: s.DecisionOut})
    def post(self, request, pk):
        data = s.DecideIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        decision = services.decision_apply(
            moderator=request.user,
            entry_id=pk,
            outcome=values["outcome"],
            rule_codes=values["rules"],
            public_note=values.get("public_note", ""),
            internal_note=values.get("internal_note", ""),
        )
        return Response(s.DecisionOut(decision).data, status=status.HTTP_201_CREATED)


class DecisionAudit(APIView):
    """Who decided what, when, citing what: the city's moderators and city admins."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("city", str, required=True)],
        responses=s.AuditDecisionOut(many=True),
    )
    def get(self, request):
        city = _city_from_query(request)
        authorise(request.user, READ_AUDIT, city)
        paginator = Pagination()
        page = paginator.paginate_queryset(selectors.decision_list(city_id=city.pk), request)
        return paginator.get_paginated_response(s.AuditDecisionOut(page, many=True).data)


class Stats(APIView):
    """Public transparency: decisions per outcome and rule per Jalali month, waiting times."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(
        parameters=[OpenApiParameter("city", str, required=False)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        city = _city_from_query(request, s.OptionalCityQuery)
        return Response(selectors.moderation_stats(city_id=city.pk if city else None))


class ReportCreate(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.ReportIn, responses={201: s.ReportOut})
    def post(self, request):
        data = s.ReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        content = data.validated_data["content"]
        # Hidden content and others' unpublished content are not found (a 409 would
        # confirm they exist).
        if not allowed(request.user, VIEW_CONTENT, content):
            raise Missing("این نوشته پیدا نشد.")
        report = services.report_submit(
            reporter=request.user,
            content=content,
            rule_code=data.validated_data["rule"],
            details=data.validated_data.get("details", ""),
        )
        return Response(s.ReportOut(report).data, status=status.HTTP_201_CREATED)


class AppealCreate(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(request=s.AppealIn, responses={201: s.AppealOut})
    def post(self, request):
        data = s.AppealIn(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = services.appeal_submit(
            author=request.user,
            decision=data.validated_data["decision"],
            message=data.validated_data["message"],
        )
        return Response(s.AppealOut(appeal).data, status=status.HTTP_201_CREATED)
