"""Reads of cities and districts."""

from django.db.models import QuerySet

from cities.models import City, District


def city_list() -> QuerySet[City]:
    return City.objects.order_by("name")


def district_list() -> QuerySet[District]:
    return District.objects.select_related("city").order_by("city__name", "number", "name")
