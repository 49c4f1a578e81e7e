from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from cities import selectors as city_selectors
from cities.filters import CityFilter
from planning import selectors
from planning import serializers as s


class ReferenceList(generics.ListAPIView):
    """Public reference data of the cities; `?city=<slug>` narrows it to one city."""

    permission_classes = [permissions.AllowAny]
    filterset_class = CityFilter


class CityListView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.CityOut
    filter_backends = []

    def get_queryset(self):
        return city_selectors.city_list()


class AxisListView(ReferenceList):
    serializer_class = s.AxisOut

    def get_queryset(self):
        return selectors.axis_list()


class CommitteeListView(ReferenceList):
    serializer_class = s.CommitteeOut

    def get_queryset(self):
        return selectors.committee_list()


class DistrictListView(ReferenceList):
    serializer_class = s.DistrictOut

    def get_queryset(self):
        return city_selectors.district_list()


class PlanList(ReferenceList):
    serializer_class = s.PlanOut

    def get_queryset(self):
        return selectors.plan_list()


class PlanDetail(generics.RetrieveAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.PlanOut

    def get_queryset(self):
        return selectors.plan_list()


class PlanItemsTree(APIView):
    """The plan's whole item tree, goal → strategy → policy → project, ordered by code."""

    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=s.PlanItemNode(many=True))
    def get(self, request, pk):
        plan = get_object_or_404(selectors.plan_list(), pk=pk)
        return Response(selectors.plan_items_tree(plan=plan))
