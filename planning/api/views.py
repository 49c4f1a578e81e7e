from rest_framework import generics, permissions

from planning import selectors
from planning.api import serializers as s
from planning.api.filters import CityFilter


class ReferenceList(generics.ListAPIView):
    """Public reference data of the cities; `?city=<slug>` narrows it to one city."""

    permission_classes = [permissions.AllowAny]
    filterset_class = CityFilter


class CityListView(generics.ListAPIView):
    permission_classes = [permissions.AllowAny]
    serializer_class = s.CityOut
    filter_backends = []

    def get_queryset(self):
        return selectors.city_list()


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
        return selectors.district_list()
