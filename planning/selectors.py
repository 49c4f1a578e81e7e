"""Reads in planning."""

from django.db.models import Prefetch, QuerySet

from planning.models import Axis, City, Committee, District


def city_list() -> QuerySet[City]:
    return City.objects.order_by("name")


def axis_list() -> QuerySet[Axis]:
    return Axis.objects.select_related("city").order_by("city__name", "position", "id")


def committee_list() -> QuerySet[Committee]:
    return (
        Committee.objects.select_related("city")
        .prefetch_related("axes")
        .order_by("city__name", "position", "id")
    )


def district_list() -> QuerySet[District]:
    return District.objects.select_related("city").order_by("city__name", "number", "name")


def city_overview() -> QuerySet[City]:
    """Cities with their axes and committees, for the home page (three queries in all)."""
    return City.objects.order_by("name").prefetch_related(
        Prefetch("axes", queryset=Axis.objects.order_by("position", "id")),
        Prefetch("committees", queryset=Committee.objects.order_by("position", "id")),
        Prefetch("districts", queryset=District.objects.order_by("number", "name")),
    )
