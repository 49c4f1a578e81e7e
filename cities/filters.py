"""The `?city=<slug>` filter every city-scoped list shares (API and pages)."""

import django_filters

from cities.models import City


class CityFilter(django_filters.FilterSet):
    """`?city=<slug>`; an unknown slug is a 400 with a Persian message, not an empty list."""

    city = django_filters.ModelChoiceFilter(
        queryset=City.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": "شهری با این شناسه نیست."},
    )
