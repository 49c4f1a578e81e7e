"""Input and output shapes of plan monitoring's API: indicators and their versions, links,
baselines, targets, measurements, item states, the dashboard, the overdue list and
snapshots.

Numbers (values, weights) are accepted as JSON numbers or as text in any digits
(«۱۲٫۵»); the services check that they are finite and fit. Values are returned as text
(`"12.5"`) so that no client loses decimals to floating point.
"""

from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.api import IdField
from backend.api_fields import JalaliDateTimeField, ModelOut
from backend.jalali import jalali_datetime_str
from inventory.serializers import Pick
from monitoring.models import (
    Indicator,
    IndicatorVersion,
    ItemMonitoring,
    Measurement,
    Periodicity,
)
from planning.models import Plan, PlanItem

UNKNOWN_PLAN = "برنامه‌ای با این شناسه نیست."
UNKNOWN_ITEM = "بندی با این شناسه نیست."
UNKNOWN_USER = "کاربری با این شناسه نیست."
YEAR_INVALID = "سال باید عددی از ۱۳۰۰ تا ۱۵۰۰ باشد."
PERIOD_INVALID = "دوره باید عددی از ۰ تا ۱۲ باشد."
MONTH_INVALID = "ماه باید عددی از ۱ تا ۱۲ باشد."
NUMBER_INVALID = "مقدار باید عدد باشد."
TOO_LONG = "متن بیش از اندازه بلند است."
LIST_SIZE = "فهرست خالی یا بیش از اندازه بلند است."
CHOICE_INVALID = "گزینه‌ی نامعتبر."
REQUIRED = "این مورد را بنویسید."


def _messages(**extra: str) -> dict[str, str]:
    base = {
        "required": REQUIRED,
        "null": REQUIRED,
        "blank": REQUIRED,
        "invalid": "مقدار نامعتبر است.",
        "max_length": TOO_LONG,
    }
    return base | extra


def text(max_length: int, **kwargs: Any) -> serializers.CharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return serializers.CharField(max_length=max_length, error_messages=_messages(), **kwargs)


def number(**kwargs: Any) -> serializers.CharField:
    """A value as a JSON number or text in any digits (checked by the services)."""
    return serializers.CharField(
        max_length=60,
        trim_whitespace=True,
        error_messages=_messages(invalid=NUMBER_INVALID),
        **kwargs,
    )


def year_field(**kwargs: Any) -> serializers.IntegerField:
    messages = _messages(invalid=YEAR_INVALID, min_value=YEAR_INVALID, max_value=YEAR_INVALID)
    messages["max_string_length"] = YEAR_INVALID
    return serializers.IntegerField(
        min_value=1300, max_value=1500, error_messages=messages, **kwargs
    )


def choice(choices: list, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(
        choices=choices,
        error_messages=_messages(invalid_choice=CHOICE_INVALID),
        **kwargs,
    )


def _value(value: Decimal | None) -> str | None:
    """A decimal as plain text without trailing zeros («12.5», «100»)."""
    if value is None:
        return None
    return format(value.normalize(), "f")


@extend_schema_field(OpenApiTypes.STR)
class Jalali(JalaliDateTimeField):
    """A datetime's Jalali form («۱۴۰۴/۰۵/۰۱ ۱۰:۳۰»)."""


@extend_schema_field({"type": "string", "nullable": True, "example": "12.5"})
class DecimalText(serializers.Field):
    def to_representation(self, value):
        return _value(value)


# Indicators -----------------------------------------------------------------------------


class InputEntry(serializers.Serializer):
    name = serializers.CharField(max_length=40)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    value = serializers.CharField(max_length=60, required=False, allow_blank=True)


class VersionFieldsIn(serializers.Serializer):
    """The fields of an indicator version; all optional when editing a draft."""

    title = text(300, required=False, allow_blank=False)
    unit = text(60)
    direction = choice(IndicatorVersion.Direction.choices, required=False)
    periodicity = choice(Periodicity.choices, required=False)
    aggregation = choice(IndicatorVersion.Aggregation.choices, required=False)
    source = text(300)
    definition = text(5000)
    kind = choice(IndicatorVersion.Kind.choices, required=False)
    formula = text(500)
    inputs = serializers.ListField(
        child=serializers.DictField(),
        required=False,
        max_length=50,
        error_messages=_messages(max_length=LIST_SIZE, not_a_list="ورودی‌ها باید فهرست باشند."),
    )


class IndicatorIn(VersionFieldsIn):
    """A new indicator of a plan; its first version is a draft until published."""

    plan = Pick(queryset=Plan.objects.select_related("city"), unknown=UNKNOWN_PLAN)
    code = serializers.CharField(max_length=40, error_messages=_messages())
    title = text(300, required=True, allow_blank=False)
    owner = Pick(
        queryset=get_user_model().objects.all(),
        required=False,
        allow_null=True,
        unknown=UNKNOWN_USER,
    )
    owner_unit = text(200)


class IndicatorQuery(serializers.Serializer):
    plan = IdField(
        required=False,
        error_messages=_messages(
            invalid=UNKNOWN_PLAN, max_value=UNKNOWN_PLAN, min_value=UNKNOWN_PLAN
        ),
    )
    plan_item = IdField(
        required=False,
        error_messages=_messages(
            invalid=UNKNOWN_ITEM, max_value=UNKNOWN_ITEM, min_value=UNKNOWN_ITEM
        ),
    )
    q = serializers.CharField(
        max_length=200, required=False, allow_blank=True, error_messages=_messages()
    )


class LinkIn(serializers.Serializer):
    plan_item = Pick(queryset=PlanItem.objects.all(), unknown=UNKNOWN_ITEM)
    weight = number()


class LinksIn(serializers.Serializer):
    links = LinkIn(many=True, max_length=200, error_messages=_messages(max_length=LIST_SIZE))


class BaselineIn(serializers.Serializer):
    value = number()
    year = year_field()
    month = serializers.IntegerField(
        min_value=1,
        max_value=12,
        default=12,
        error_messages=_messages(
            invalid=MONTH_INVALID, min_value=MONTH_INVALID, max_value=MONTH_INVALID
        ),
    )
    note = text(5000)


class TargetIn(serializers.Serializer):
    year = year_field()
    value = number()
    is_horizon = serializers.BooleanField(default=False)


class TargetsIn(serializers.Serializer):
    targets = TargetIn(
        many=True, min_length=1, max_length=50, error_messages=_messages(max_length=LIST_SIZE)
    )


class PersonOut(serializers.Serializer):
    id = serializers.IntegerField()
    public_name = serializers.CharField()


class VersionOut(ModelOut):
    published = serializers.BooleanField(source="is_published")
    published_at_jalali = serializers.SerializerMethodField()
    created_at_jalali = Jalali(source="created_at")

    class Meta:
        model = IndicatorVersion
        fields = [
            "id",
            "number",
            "title",
            "unit",
            "direction",
            "periodicity",
            "aggregation",
            "source",
            "definition",
            "kind",
            "formula",
            "inputs",
            "published",
            "published_at",
            "published_at_jalali",
            "created_at",
            "created_at_jalali",
        ]

    def get_published_at_jalali(self, obj) -> str | None:
        return jalali_datetime_str(obj.published_at) if obj.published_at else None


class IndicatorOut(ModelOut):
    """An indicator with its current (newest published) version; `current` is null before
    the first version is published."""

    owner = PersonOut(allow_null=True)
    current = serializers.SerializerMethodField()
    created_at_jalali = Jalali(source="created_at")

    class Meta:
        model = Indicator
        fields = ["id", "plan", "code", "owner", "owner_unit", "current", "created_at"]
        fields += ["created_at_jalali"]

    @extend_schema_field(VersionOut(allow_null=True))
    def get_current(self, obj):
        version = obj.current_version
        return VersionOut(version).data if version is not None else None


# Measurements ---------------------------------------------------------------------------


class MeasurementIn(serializers.Serializer):
    """A measured indicator's value for a period: the month 1–12 (monthly), the quarter 1–4
    (quarterly) or 0 (yearly). `submit` sends it for verification at once."""

    year = year_field()
    period = serializers.IntegerField(
        min_value=0,
        max_value=12,
        error_messages=_messages(
            invalid=PERIOD_INVALID, min_value=PERIOD_INVALID, max_value=PERIOD_INVALID
        ),
    )
    value = number()
    source = text(300)
    evidence_url = text(500)
    note = text(5000)
    submit = serializers.BooleanField(default=False)


class CorrectionIn(serializers.Serializer):
    value = number()
    reason = serializers.CharField(
        max_length=1000, error_messages=_messages(required="دلیل اصلاح را بنویسید.")
    )
    source = text(300, default=None, allow_null=True)
    evidence_url = text(500, default=None, allow_null=True)
    note = text(5000)


class MeasurementOut(ModelOut):
    """One value of a period. `supersedes` is the verified row a correction replaces."""

    value = DecimalText()
    version_number = serializers.SerializerMethodField()
    entered_by = PersonOut(allow_null=True)
    verified_by = PersonOut(allow_null=True)
    verified_at_jalali = serializers.SerializerMethodField()
    created_at_jalali = Jalali(source="created_at")
    evidence_file = serializers.SerializerMethodField()

    class Meta:
        model = Measurement
        fields = [
            "id",
            "indicator",
            "version",
            "version_number",
            "year",
            "period",
            "value",
            "inputs",
            "source",
            "evidence_url",
            "evidence_file",
            "note",
            "state",
            "entered_by",
            "verified_by",
            "verified_at",
            "verified_at_jalali",
            "supersedes",
            "reason",
            "created_at",
            "created_at_jalali",
        ]

    def get_version_number(self, obj) -> int:
        numbers = self.context.get("version_numbers")
        if numbers is not None and obj.version_id in numbers:
            return numbers[obj.version_id]
        return obj.version.number

    def get_verified_at_jalali(self, obj) -> str | None:
        return jalali_datetime_str(obj.verified_at) if obj.verified_at else None

    def get_evidence_file(self, obj) -> str | None:
        return obj.evidence_file.url if obj.evidence_file else None


class YearQuery(serializers.Serializer):
    year = year_field(required=False)


# Plan items -----------------------------------------------------------------------------


class ItemMonitoringIn(serializers.Serializer):
    state = choice(ItemMonitoring.State.choices)
    reason = text(1000)


class ItemMonitoringOut(ModelOut):
    updated_at_jalali = Jalali(source="updated_at")

    class Meta:
        model = ItemMonitoring
        fields = ["plan_item", "state", "reason", "updated_at", "updated_at_jalali"]


class FigureOut(serializers.Serializer):
    """A realisation figure: `value` is the share of the way from baseline to target
    (1 = reached, above 1 = over-achieved, null = no data); `coverage` the share of the
    weight that has data."""

    value = serializers.CharField(allow_null=True)
    coverage = serializers.CharField(allow_null=True)


class IndicatorFigureOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField()
    version = serializers.IntegerField()
    direction = serializers.CharField()
    periodicity = serializers.CharField()
    aggregation = serializers.CharField()
    kind = serializers.CharField()
    actual = serializers.CharField(allow_null=True)
    baseline = serializers.CharField(allow_null=True)
    target = serializers.CharField(allow_null=True)
    value = serializers.CharField(allow_null=True)
    periods = serializers.IntegerField()


class ItemIndicatorOut(serializers.Serializer):
    id = serializers.IntegerField(source="indicator.pk")
    code = serializers.CharField(source="indicator.code")
    title = serializers.SerializerMethodField()
    unit = serializers.SerializerMethodField()
    weight = DecimalText()
    figure = IndicatorFigureOut(allow_null=True)

    def get_title(self, row) -> str | None:
        return row["version"].title if row["version"] else None

    def get_unit(self, row) -> str | None:
        return row["version"].unit if row["version"] else None


class PlanItemIndicatorsOut(serializers.Serializer):
    plan_item = serializers.IntegerField(source="plan_item.pk")
    year = serializers.IntegerField()
    figure = FigureOut(allow_null=True)
    indicators = ItemIndicatorOut(many=True)


# The dashboard, the overdue list, snapshots ----------------------------------------------


class FreshnessOut(serializers.Serializer):
    """When the indicator was last measured and how many days its first missing period is
    past its due date (0 = up to date)."""

    last_measured_at = serializers.CharField(allow_null=True)
    last_measured_at_jalali = serializers.CharField(allow_null=True)
    last_period = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    overdue_days = serializers.IntegerField()
    missing_periods = serializers.ListField(child=serializers.ListField())
    due = serializers.CharField(allow_null=True)


class GoalOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    state = serializers.CharField()
    value = serializers.CharField(allow_null=True)
    coverage = serializers.CharField(allow_null=True)
    measured = serializers.BooleanField()
    indicators = serializers.IntegerField()
    last_measured_at = serializers.CharField(allow_null=True)
    last_measured_at_jalali = serializers.CharField(allow_null=True)
    overdue_days = serializers.IntegerField()


class SnapshotBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    period = serializers.CharField()
    through_month = serializers.IntegerField()
    realisation = FigureOut(allow_null=True)


class DashboardOut(serializers.Serializer):
    plan = serializers.DictField()
    year = serializers.IntegerField()
    realisation = FigureOut()
    goals = GoalOut(many=True)
    indicators = serializers.DictField(child=IndicatorFigureOut())
    freshness = serializers.DictField(child=FreshnessOut())
    computed_at = serializers.CharField(allow_null=True)
    computed_at_jalali = serializers.CharField(allow_null=True)
    snapshots = SnapshotBriefOut(many=True)


class OverdueOut(serializers.Serializer):
    indicator = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    owner = PersonOut(allow_null=True)
    owner_unit = serializers.CharField()
    periodicity = serializers.CharField()
    last_measured_at = serializers.CharField(allow_null=True)
    last_period = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    overdue_days = serializers.IntegerField()
    missing_periods = serializers.ListField(child=serializers.ListField())
    due = serializers.CharField(allow_null=True)


class SnapshotIn(serializers.Serializer):
    """Close a period: H1, H2, Q1–Q4, M1–M12 or Y of a Jalali year of the plan."""

    year = year_field()
    period = serializers.CharField(max_length=4, error_messages=_messages())


class CorrectionOut(serializers.Serializer):
    measurement = serializers.IntegerField(source="pk")
    indicator = serializers.IntegerField(source="indicator_id")
    code = serializers.CharField(source="indicator.code")
    year = serializers.IntegerField()
    period = serializers.IntegerField()
    value = DecimalText()
    previous_value = DecimalText(source="supersedes.value")
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    created_at_jalali = Jalali(source="created_at")


class SnapshotDetailOut(serializers.Serializer):
    """The frozen figures, and (when corrections were verified after the close) the
    corrections and today's figures for the same period beside them."""

    id = serializers.IntegerField(source="snapshot.pk")
    plan = serializers.IntegerField(source="snapshot.plan_id")
    year = serializers.IntegerField(source="snapshot.year")
    period = serializers.CharField(source="snapshot.period")
    through_month = serializers.IntegerField(source="snapshot.through_month")
    created_at = serializers.DateTimeField(source="snapshot.created_at")
    created_at_jalali = Jalali(source="snapshot.created_at")
    frozen = serializers.DictField()
    corrections = CorrectionOut(many=True)
    now = serializers.DictField(allow_null=True)


class ExportQuery(serializers.Serializer):
    format = choice(["csv", "xlsx"], default="csv")


# An indicator's page ----------------------------------------------------------------------


class BaselineOut(serializers.Serializer):
    value = DecimalText()
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    jalali = serializers.SerializerMethodField()
    note = serializers.CharField()
    updated_at = serializers.DateTimeField()
    updated_at_jalali = Jalali(source="updated_at")

    def get_jalali(self, obj) -> str:
        """The baseline's Jalali year and month («1403/12»)."""
        return f"{obj.year}/{obj.month:02d}"


class TargetOut(serializers.Serializer):
    year = serializers.IntegerField()
    value = DecimalText()
    is_horizon = serializers.BooleanField()


class LinkOut(serializers.Serializer):
    """A plan item the indicator measures, with its public weight."""

    plan_item = serializers.SerializerMethodField()
    weight = DecimalText()

    @extend_schema_field(
        {
            "type": "object",
            "properties": {
                "id": {"type": "integer"},
                "code": {"type": "string"},
                "title": {"type": "string"},
                "kind": {"type": "string"},
            },
        }
    )
    def get_plan_item(self, link) -> dict:
        item = link.plan_item
        return {"id": item.pk, "code": item.code, "title": item.title, "kind": item.kind}


class PeriodOut(serializers.Serializer):
    """One period: the current verified value, the newest submitted one awaiting
    verification (shown as unverified) and every row of it in order, corrections included."""

    year = serializers.IntegerField()
    period = serializers.IntegerField()
    current = MeasurementOut(allow_null=True)
    unverified = MeasurementOut(allow_null=True)
    history = MeasurementOut(many=True)


class YearRealisationOut(serializers.Serializer):
    year = serializers.IntegerField()
    actual = DecimalText()
    target = DecimalText()
    value = DecimalText()


class FormulaInputOut(serializers.Serializer):
    kind = serializers.CharField(help_text="val (an indicator) or input (a named input)")
    name = serializers.CharField()
    label = serializers.CharField()
    value = serializers.CharField(allow_null=True)
    missing = serializers.BooleanField()


class FormulaOut(serializers.Serializer):
    """A computed indicator's formula as written and in Persian, with each reference and
    the value it had in the latest computed period (`year`, `period`)."""

    source = serializers.CharField()
    persian = serializers.CharField()
    year = serializers.IntegerField(allow_null=True)
    period = serializers.IntegerField(allow_null=True)
    result = serializers.CharField(allow_null=True)
    explain = FormulaInputOut(many=True)


class IndicatorFreshnessOut(serializers.Serializer):
    last_measured_at = serializers.CharField(allow_null=True)
    last_measured_at_jalali = serializers.CharField(allow_null=True)
    last_period = serializers.ListField(child=serializers.IntegerField(), allow_null=True)
    overdue_days = serializers.IntegerField()
    missing_periods = serializers.ListField(child=serializers.ListField())
    due = serializers.CharField(allow_null=True)


class IndicatorDetailOut(serializers.Serializer):
    indicator = IndicatorOut()
    current_version = VersionOut(allow_null=True)
    draft = VersionOut(allow_null=True, help_text="only for the city's planners")
    versions = VersionOut(many=True)
    baseline = BaselineOut(allow_null=True)
    targets = TargetOut(many=True)
    horizon = TargetOut(allow_null=True)
    periods = PeriodOut(many=True)
    links = LinkOut(many=True)
    realisation = YearRealisationOut(many=True)
    freshness = IndicatorFreshnessOut(allow_null=True)
    formula = FormulaOut(allow_null=True)


class SnapshotRowOut(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    period = serializers.CharField()
    through_month = serializers.IntegerField()
    realisation = FigureOut(source="data.plan")
    created_at = serializers.DateTimeField()
    created_at_jalali = Jalali(source="created_at")
