import datetime

import django_filters
from django import forms
from django.utils import timezone

from backend.api import FormOnceFilterSet, IdFilter, KeyChoiceFilter
from backend.jalali import parse_date
from backend.persian import normalise
from cities.models import City, District
from moderation.models import ModerationState
from participation.models import Comment, Problem, Proposal
from participation.selectors import has_unpublished_in, problems_matching
from planning.models import Axis, Plan


class JalaliOrIsoDateField(forms.Field):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return parse_date(str(value))
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from error


class DateBoundFilter(django_filters.Filter):
    """A Jalali (Persian or Latin digits) or ISO date; bounds are whole days in Tehran."""

    field_class = JalaliOrIsoDateField

    def __init__(self, *args, before: bool, **kwargs):
        self.before = before
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value is None:
            return qs
        day = value + datetime.timedelta(days=1) if self.before else value
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        lookup = "lt" if self.before else "gte"
        return qs.filter(**{f"{self.field_name}__{lookup}": moment})


UNKNOWN = "{name} با این شناسه نیست."

ORDERINGS = {
    "newest": ("-created_at", "-id"),
    "-created_at": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "created_at": ("created_at", "id"),
    "most_supported": ("-supports_count", "-created_at", "-id"),
    "-supports_count": ("-supports_count", "-created_at", "-id"),
}


class ProblemFilter(FormOnceFilterSet):
    city = django_filters.ModelChoiceFilter(
        field_name="plan__city",
        queryset=City.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": UNKNOWN.format(name="شهری")},
    )
    plan = KeyChoiceFilter(
        queryset=Plan.objects.all(),
        error_messages={"invalid_choice": UNKNOWN.format(name="برنامه‌ای")},
    )
    axis = KeyChoiceFilter(
        queryset=Axis.objects.all(),
        error_messages={"invalid_choice": UNKNOWN.format(name="محوری")},
    )
    district = KeyChoiceFilter(
        queryset=District.objects.all(),
        error_messages={"invalid_choice": UNKNOWN.format(name="منطقه‌ای")},
    )
    status = django_filters.ChoiceFilter(
        field_name="moderation_state", choices=ModerationState.choices
    )
    triage = django_filters.ChoiceFilter(field_name="triage_state", choices=Problem.Triage.choices)
    q = django_filters.CharFilter(method="search", max_length=200)
    created_after = DateBoundFilter(field_name="created_at", before=False)
    created_before = DateBoundFilter(field_name="created_at", before=True)
    ordering = django_filters.ChoiceFilter(
        method="order", choices=[(key, key) for key in ORDERINGS], empty_label=None
    )

    class Meta:
        model = Problem
        fields: list[str] = []

    def filter_queryset(self, queryset):
        """Every other filter first, the search last: it counts its matches under all of
        them (participation.selectors.problems_matching)."""
        value = self.form.cleaned_data.get("q")
        rest = {k: v for k, v in self.form.cleaned_data.items() if k != "q"}
        for name, given in rest.items():
            queryset = self.filters[name].filter(queryset, given)
        return self.search(queryset, "q", value) if value else queryset

    def search(self, queryset, name, value):
        words = [w for w in normalise(value).split() if w][:8]
        if not words:
            return queryset
        return problems_matching(queryset, words, public_plan=self._public_plan())

    # Filters that leave a plan's published problems as they are when left empty.
    NOT_NARROWING = frozenset({"plan", "q", "ordering"})

    def _public_plan(self) -> int | None:
        """The plan whose published problems are exactly the rows searched, or None.

        The queryset is `selectors.problem_list(user=…)` for the request's user: published
        problems, plus the user's own. With only a plan chosen (or the published state
        asked for), a visitor's rows are that plan's published problems, and so are a
        signed-in user's when they have nothing unpublished in it (one indexed look)."""
        data = self.form.cleaned_data
        plan = data.get("plan")
        if plan is None or data.get("status") not in (None, "", ModerationState.PUBLISHED):
            return None
        if any(data.get(key) for key in data if key not in self.NOT_NARROWING | {"status"}):
            return None
        user = getattr(self.request, "user", None)
        if user is not None and user.is_authenticated and has_unpublished_in(user=user, plan=plan):
            return None
        return plan.pk

    def order(self, queryset, name, value):
        return queryset.order_by(*ORDERINGS[value])

    @property
    def qs(self):
        queryset = super().qs
        if not self.form.cleaned_data.get("ordering"):
            queryset = queryset.order_by(*ORDERINGS["newest"])
        return queryset


class ProposalFilter(django_filters.FilterSet):
    city = django_filters.ModelChoiceFilter(
        field_name="plan__city",
        queryset=City.objects.all(),
        to_field_name="slug",
        error_messages={"invalid_choice": UNKNOWN.format(name="شهری")},
    )
    plan = django_filters.ModelChoiceFilter(
        queryset=Plan.objects.all(),
        error_messages={"invalid_choice": UNKNOWN.format(name="برنامه‌ای")},
    )
    problem = IdFilter()
    plan_item = IdFilter()
    status = django_filters.ChoiceFilter(
        field_name="moderation_state", choices=ModerationState.choices
    )

    class Meta:
        model = Proposal
        fields: list[str] = []


class CommentFilter(django_filters.FilterSet):
    """Comments of one target: exactly one of plan_item, problem, proposal."""

    plan_item = IdFilter()
    problem = IdFilter()
    proposal = IdFilter()

    class Meta:
        model = Comment
        fields: list[str] = []

    def is_valid(self):
        valid = super().is_valid()
        if valid:
            given = [k for k in Comment.TARGETS if self.form.cleaned_data.get(k) is not None]
            if len(given) != 1:
                self.form.add_error(None, "دقیقاً یکی از plan_item، problem یا proposal را بدهید.")
                return False
        return valid
