"""The triage board's filters: the problem list's, plus committee and minimum supports."""

from typing import Any

import django_filters

from participation.filters import ProblemFilter
from planning.models import Committee


class TriageFilter(ProblemFilter):
    committee = django_filters.ModelChoiceFilter(
        queryset=Committee.objects.all(),
        method="in_committee",
        error_messages={"invalid_choice": "کمیته‌ای با این شناسه نیست."},
    )
    min_supports = django_filters.NumberFilter(
        field_name="supports_count", lookup_expr="gte", min_value=0, max_value=10**9
    )

    def in_committee(self, queryset, name, value: Committee) -> Any:
        return queryset.filter(axis__in=value.axes.all())
