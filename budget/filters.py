"""The budget lists' filters (django-filter), shared by the API and the pages: projects by
plan, year, scheme, status and district; budget lines by city, year, financing source and
code. A value that names nothing is a 400 with a Persian message, not an empty list."""

import django_filters
from django import forms

from backend.ids import parse_id
from budget.models import BudgetLine, FinancingSource, Project
from cities.models import City, District
from planning.models import Plan, PlanItem

UNKNOWN = "{name} با این شناسه نیست."
YEAR_INVALID = "سال باید سال خورشیدی مانند ۱۴۰۴ باشد (از ۱۳۰۰ تا ۱۵۰۰)."
CHOICE_INVALID = "گزینه‌ی نامعتبر: %(value)s"


class YearField(forms.IntegerField):
    default_error_messages = {"invalid": YEAR_INVALID}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1300)
        kwargs.setdefault("max_value", 1500)
        kwargs.setdefault("error_messages", {"min_value": YEAR_INVALID, "max_value": YEAR_INVALID})
        super().__init__(**kwargs)


class YearFilter(django_filters.Filter):
    """`?year=1404` (any digits); a Jalali year from 1300 to 1500."""

    field_class = YearField


class IdChoiceField(django_filters.fields.ModelChoiceField):
    """A row by its id in any digits; an id beyond 64 bits names nothing (never an overflow)."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        pk = parse_id(value)
        if pk is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(pk)


class IdChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = IdChoiceField


def _row(queryset, name: str, **kwargs) -> IdChoiceFilter:
    return IdChoiceFilter(
        queryset=queryset,
        error_messages={"invalid_choice": UNKNOWN.format(name=name)},
        **kwargs,
    )


class ProjectFilter(django_filters.FilterSet):
    plan = _row(Plan.objects.all(), "برنامه‌ای")
    year = YearFilter()
    scheme = _row(PlanItem.objects.all(), "طرحی")
    status = django_filters.ChoiceFilter(
        choices=Project.Status.choices, error_messages={"invalid_choice": CHOICE_INVALID}
    )
    district = _row(District.objects.all(), "منطقه‌ای")

    class Meta:
        model = Project
        fields: list[str] = []


class LineFilter(django_filters.FilterSet):
    city = django_filters.ModelChoiceFilter(
        queryset=City.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": UNKNOWN.format(name="شهری")},
        help_text="the city's slug (arak)",
    )
    year = YearFilter()
    source = django_filters.ChoiceFilter(
        choices=FinancingSource.choices, error_messages={"invalid_choice": CHOICE_INVALID}
    )
    code = django_filters.CharFilter(max_length=40)

    class Meta:
        model = BudgetLine
        fields: list[str] = []
