"""Input and output shapes of the budget API: yearly projects and their milestones, budget
lines, the share of a line that funds a project, the three figures of a plan and of a plan
item, the council's slice of a year, and the import of a city's budget file.

Money is whole rials, returned as JSON integers; it is accepted as a JSON integer or as text
in any digits with thousands separators («۱٬۲۵۰٬۰۰۰»), never as a number with a fraction.
Shares and progress are percentages returned as text («37.5») so that no client loses
decimals to floating point; the figures of plans and plan items (money spent, physical
progress, indicator realisation) are fractions in text with four places («0.9120»), like
monitoring's. Dates are accepted as Jalali («1404/02/10», any digits) or ISO dates and
returned as ISO with a `_jalali` twin. The services parse and check every value; here the
shapes only refuse what cannot be a value at all.
"""

from decimal import Decimal
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.api_fields import JalaliDateTimeField, ModelOut
from backend.errors import DomainError
from backend.ids import MAX_ID
from backend.jalali import jalali_date_str
from budget import selectors
from budget.figures import MONEY_AHEAD_OF_RESULTS, MONEY_AHEAD_OF_WORK
from budget.models import BudgetLine, FinancingSource, Milestone, Project
from cities.models import City
from inventory.serializers import Pick
from monitoring.serializers import PlanItemIndicatorsOut
from planning.models import Plan

UNKNOWN_PLAN = "برنامه‌ای با این شناسه نیست."
UNKNOWN_ITEM = "بندی با این شناسه نیست."
UNKNOWN_LINE = "ردیف بودجه‌ای با این شناسه نیست."
UNKNOWN_PROJECT = "پروژه‌ای با این شناسه نیست."
UNKNOWN_DISTRICT = "منطقه‌ای با این شناسه نیست."
UNKNOWN_CITY = "شهری با این شناسه نیست."
UNKNOWN_FIELDS = "فیلد ناشناخته: {names}"
NOT_AN_OBJECT = "بدنه‌ی درخواست باید یک شیء JSON (فیلد: مقدار) باشد."
NOT_RIALS = "مبلغ باید عدد صحیح ریال باشد (بی‌اعشار)، مانند ۱۲۵۰۰۰۰۰۰۰."
YEAR_INVALID = "سال باید سال خورشیدی مانند ۱۴۰۴ باشد (از ۱۳۰۰ تا ۱۵۰۰)."
CHOICE_INVALID = "گزینه‌ی نامعتبر: {input}"
REQUIRED = "این مورد را بنویسید."
TOO_LONG = "متن بیش از اندازه بلند است."
NOT_TEXT = "این مورد باید متن باشد."
FILE_MISSING = "پرونده‌ی CSV یا XLSX را در فیلد file بفرستید."
NOT_BOOLEAN = "این مورد باید درست یا نادرست (true/false، 1/0) باشد."
NOT_A_MAPPING = "نگاشت ستون‌ها باید فهرست «فیلد: سرستون» باشد."
# Sent by forms and pages alongside the fields, never a field of ours.
IGNORED_KEYS = ("csrfmiddlewaretoken", "form_token")


def _messages(**extra: str) -> dict[str, str]:
    base = {
        "required": REQUIRED,
        "null": REQUIRED,
        "blank": REQUIRED,
        "invalid": NOT_TEXT,
        "max_length": TOO_LONG,
        "invalid_choice": CHOICE_INVALID,
    }
    return base | extra


def text(max_length: int, **kwargs: Any) -> serializers.CharField:
    kwargs.setdefault("required", False)
    kwargs.setdefault("allow_blank", True)
    return serializers.CharField(max_length=max_length, error_messages=_messages(), **kwargs)


def number(**kwargs: Any) -> serializers.CharField:
    """A percentage (or a weight) as a JSON number or text in any digits; the services
    check its range and places."""
    kwargs.setdefault("required", False)
    return serializers.CharField(max_length=60, error_messages=_messages(), **kwargs)


def date_text(**kwargs: Any) -> serializers.CharField:
    """A Jalali («1404/02/10», «۱۴۰۴-۲-۱۰») or ISO date; empty or null clears it."""
    return serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        allow_null=True,
        error_messages=_messages(),
        help_text="Jalali (1404/02/10) or ISO date; empty or null clears it",
        **kwargs,
    )


def year_field(**kwargs: Any) -> serializers.IntegerField:
    messages = _messages(invalid=YEAR_INVALID, min_value=YEAR_INVALID, max_value=YEAR_INVALID)
    messages["max_string_length"] = YEAR_INVALID
    return serializers.IntegerField(
        min_value=1300, max_value=1500, error_messages=messages, **kwargs
    )


def choice(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, error_messages=_messages(), **kwargs)


def boolean(**kwargs: Any) -> serializers.BooleanField:
    return serializers.BooleanField(error_messages=_messages(invalid=NOT_BOOLEAN), **kwargs)


def percent_text(value: Decimal | int | None) -> str | None:
    """A percentage without trailing zeros («37.5», «100»)."""
    if value is None:
        return None
    return format(Decimal(value).normalize(), "f")


def share_percent(points: int | None) -> str | None:
    """A share in basis points (3750) as percent text («37.5»)."""
    return None if points is None else percent_text(Decimal(points) / 100)


@extend_schema_field(
    {
        "oneOf": [{"type": "integer", "minimum": 0}, {"type": "string"}],
        "example": 1250000000,
        "description": "whole rials: an integer, or text in any digits with separators",
    }
)
class Rials(serializers.Field):
    """Whole rials as a JSON integer or as text; a JSON number with a fraction (or any
    float, even 1000.0) is refused here, the rest is checked by `budget.services.rials`."""

    default_error_messages = {"invalid": NOT_RIALS, "null": NOT_RIALS, "required": REQUIRED}

    def to_internal_value(self, data: Any) -> int | str:
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        if isinstance(data, str) and len(data) > 60:
            self.fail("invalid")
        return data

    def to_representation(self, value: Any) -> Any:
        return value


@extend_schema_field({"type": "string", "nullable": True, "example": "37.5"})
class PercentText(serializers.Field):
    """A percentage stored as a decimal (0–100), shown as text («37.5»)."""

    def to_representation(self, value: Any) -> str | None:
        return percent_text(value)


@extend_schema_field({"type": "string", "nullable": True, "example": "37.5"})
class SharePercent(serializers.Field):
    """A share stored in basis points (3750), shown as percent text («37.5»)."""

    def to_representation(self, value: Any) -> str | None:
        return share_percent(value)


@extend_schema_field({"type": "string", "nullable": True, "example": "1404/02/10"})
class JalaliDate(serializers.ReadOnlyField):
    """The Jalali form of a date attribute («1404/02/10»); null when the date is empty."""

    def __init__(self, source: str, **kwargs: Any):
        super().__init__(source=source, **kwargs)

    def to_representation(self, value: Any) -> str | None:
        return jalali_date_str(value) if value else None


@extend_schema_field(OpenApiTypes.STR)
class Jalali(JalaliDateTimeField):
    """A datetime's Jalali form («1404/05/01 10:30»)."""


class Strict(serializers.Serializer):
    """An input that names every field it takes: a key it does not know is a 400 (a
    misspelt `planed_cost` must not be dropped in silence)."""

    default_error_messages = {"invalid": NOT_AN_OBJECT}

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        initial = getattr(self, "initial_data", None)
        if hasattr(initial, "keys"):
            known = {*self.fields, *IGNORED_KEYS}
            unknown = sorted(str(key) for key in set(initial.keys()) - known)
            if unknown:
                names = "، ".join(name[:40] for name in unknown[:10])
                raise DomainError(UNKNOWN_FIELDS.format(names=names), code="unknown_field")
        return attrs


# Shared output pieces -------------------------------------------------------------------


class MoneyOut(serializers.Serializer):
    """Whole rials: what the plan foresaw (planned), and what the funding lines approved,
    currently allocate (revised, else approved), committed and spent — each line's amount
    times the project's share, rounded down."""

    planned = serializers.IntegerField()
    approved = serializers.IntegerField()
    current = serializers.IntegerField()
    committed = serializers.IntegerField()
    spent = serializers.IntegerField()


class PlanBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    city = serializers.CharField(source="city.slug")
    city_id = serializers.IntegerField()
    start_year = serializers.IntegerField()
    end_year = serializers.IntegerField()


class GapRuleOut(serializers.Serializer):
    """The published gap rule: a flag when money spent ≥ `spent` while a result is < `result`
    (fractions)."""

    spent = serializers.CharField()
    result = serializers.CharField()


# Milestones -----------------------------------------------------------------------------


class MilestoneOut(ModelOut):
    due_on_jalali = JalaliDate(source="due_on")
    done_on_jalali = JalaliDate(source="done_on")
    done = serializers.SerializerMethodField()

    class Meta:
        model = Milestone
        fields = [
            "id",
            "project",
            "title",
            "due_on",
            "due_on_jalali",
            "done_on",
            "done_on_jalali",
            "done",
            "weight",
        ]

    def get_done(self, milestone: Milestone) -> bool:
        return milestone.done_on is not None


class MilestoneIn(Strict):
    """A new step of a project: its title, due date and weight in the project's progress."""

    title = text(300, required=True, allow_blank=False)
    due_on = date_text()
    weight = number(help_text="1–1000; 1 when not given")


class MilestoneChangeIn(Strict):
    """Change a step; mark it done with `done_on` (a Jalali date), undo with null."""

    title = text(300)
    due_on = date_text()
    done_on = date_text()
    weight = number(help_text="1–1000")


# Projects -------------------------------------------------------------------------------


class ProjectFieldsIn(Strict):
    """The fields of a project that may change; only those sent change."""

    title = text(300)
    description = text(5000)
    responsible_unit = text(200)
    district = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=MAX_ID,
        error_messages=_messages(
            invalid=UNKNOWN_DISTRICT,
            min_value=UNKNOWN_DISTRICT,
            max_value=UNKNOWN_DISTRICT,
            max_string_length=UNKNOWN_DISTRICT,
        ),
        help_text="a district of the plan's city; null clears it",
    )
    planned_start = date_text()
    planned_end = date_text()
    planned_cost = Rials(required=False, help_text="whole rials the plan foresees this year")
    status = choice(Project.Status.choices, required=False)
    progress_mode = choice(Project.ProgressMode.choices, required=False)
    manual_progress = number(allow_null=True, help_text="percent 0–100 (manual mode)")
    progress_evidence = text(500, help_text="a link to the evidence of manual progress")
    progress_note = text(5000)


class ProjectIn(ProjectFieldsIn):
    """A yearly project under a scheme (a plan item of kind «طرح / پروژه») of the plan, in
    one of the plan's years."""

    plan = Pick(queryset=Plan.objects.select_related("city"), unknown=UNKNOWN_PLAN)
    scheme = serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        error_messages=_messages(
            invalid=UNKNOWN_ITEM,
            min_value=UNKNOWN_ITEM,
            max_value=UNKNOWN_ITEM,
            max_string_length=UNKNOWN_ITEM,
        ),
    )
    year = year_field()
    code = text(40, required=True, allow_blank=False)
    title = text(300, required=True, allow_blank=False)


class SchemeBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class DistrictBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ProjectFundingOut(serializers.Serializer):
    """A line the project draws on: the share of the line and what it comes to."""

    id = serializers.IntegerField()
    line = serializers.IntegerField(source="line_id")
    line_code = serializers.CharField(source="line.code")
    line_title = serializers.CharField(source="line.title")
    share = SharePercent(help_text="percent of the line («37.5»)")
    money = serializers.SerializerMethodField()

    @extend_schema_field(MoneyOut)
    def get_money(self, funding: Any) -> dict[str, int]:
        return self.context["funding_money"][funding.pk]


class ProjectOut(ModelOut):
    """A yearly project with its money (drawn from its lines), physical progress (percent),
    status, milestones and the lines that fund it."""

    city = serializers.IntegerField(source="plan.city_id")
    scheme = SchemeBriefOut()
    district = DistrictBriefOut(allow_null=True)
    planned_start_jalali = JalaliDate(source="planned_start")
    planned_end_jalali = JalaliDate(source="planned_end")
    status_label = serializers.CharField(source="get_status_display")
    manual_progress = PercentText()
    physical_progress = PercentText(help_text="percent 0–100 («37.5»)")
    money = serializers.SerializerMethodField()
    spent = serializers.SerializerMethodField()
    milestones = MilestoneOut(many=True)
    fundings = serializers.SerializerMethodField()
    created_at_jalali = Jalali(source="created_at")
    updated_at_jalali = Jalali(source="updated_at")

    class Meta:
        model = Project
        fields = [
            "id",
            "plan",
            "city",
            "scheme",
            "year",
            "code",
            "title",
            "description",
            "responsible_unit",
            "district",
            "planned_start",
            "planned_start_jalali",
            "planned_end",
            "planned_end_jalali",
            "planned_cost",
            "status",
            "status_label",
            "progress_mode",
            "manual_progress",
            "progress_evidence",
            "progress_note",
            "physical_progress",
            "money",
            "spent",
            "milestones",
            "fundings",
            "created_at",
            "created_at_jalali",
            "updated_at",
            "updated_at_jalali",
        ]

    def _money(self, project: Project) -> dict[str, Any]:
        found = self.context.setdefault("_project_money", {})
        if project.pk not in found:
            found[project.pk] = selectors.project_money(project)
        return found[project.pk]

    @extend_schema_field(MoneyOut)
    def get_money(self, project: Project) -> dict[str, int]:
        return self._money(project)["money"]

    @extend_schema_field({"type": "string", "nullable": True, "example": "0.4120"})
    def get_spent(self, project: Project) -> str | None:
        """Money spent ÷ current allocation (a fraction); null with no allocation."""
        return self._money(project)["spent"]

    @extend_schema_field(ProjectFundingOut(many=True))
    def get_fundings(self, project: Project) -> list[dict[str, Any]]:
        context = {"funding_money": self._money(project)["fundings"]}
        fundings = sorted(project.fundings.all(), key=lambda funding: funding.line.code)
        return ProjectFundingOut(fundings, many=True, context=context).data


class EntryOut(serializers.Serializer):
    """An inventory entry (a problem of the plan) the project's scheme or an item above it
    addresses, with how many published citizens' problems stand behind it."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    published_problems = serializers.IntegerField()


class ProjectDetailOut(ProjectOut):
    """A project with, besides, its scheme's indicators and realisation for the project's
    year and the inventory entries the scheme answers."""

    indicators = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()
    currency = serializers.SerializerMethodField()

    class Meta(ProjectOut.Meta):
        fields = [*ProjectOut.Meta.fields, "indicators", "entries", "currency"]

    @extend_schema_field(PlanItemIndicatorsOut)
    def get_indicators(self, project: Project) -> dict[str, Any]:
        return PlanItemIndicatorsOut(self.context["detail"]["indicators"]).data

    @extend_schema_field(EntryOut(many=True))
    def get_entries(self, project: Project) -> list[dict[str, Any]]:
        return EntryOut(self.context["detail"]["entries"], many=True).data

    def get_currency(self, project: Project) -> str:
        """How pages show money: «rial» or «toman» (the API always gives rials)."""
        return self.context["detail"]["currency"]


# Budget lines ---------------------------------------------------------------------------


class LineFieldsIn(Strict):
    """The fields of a budget line that may change; only those sent change."""

    title = text(300)
    source = choice(FinancingSource.choices, required=False)
    approved = Rials(required=False)
    revised = Rials(required=False, allow_null=True, help_text="null: not amended")
    committed = Rials(required=False)
    spent = Rials(required=False)
    note = text(5000)


class LineIn(LineFieldsIn):
    """A line of a city's budget for a Jalali year, coded as the municipality codes it."""

    city = Pick(queryset=City.objects.all(), unknown=UNKNOWN_CITY)
    year = year_field()
    code = text(40, required=True, allow_blank=False)
    title = text(300, required=True, allow_blank=False)


class LineFundingOut(serializers.Serializer):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    project_code = serializers.CharField(source="project.code")
    project_title = serializers.CharField(source="project.title")
    share = SharePercent(help_text="percent of the line («37.5»)")


class LineOut(ModelOut):
    """A budget line with its amounts (whole rials), its current allocation and the
    projects it funds with their shares."""

    city_slug = serializers.CharField(source="city.slug")
    source_label = serializers.CharField(source="get_source_display")
    current = serializers.IntegerField(help_text="revised when amended, else approved")
    shared = serializers.SerializerMethodField()
    fundings = serializers.SerializerMethodField()
    created_at_jalali = Jalali(source="created_at")
    updated_at_jalali = Jalali(source="updated_at")

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "city",
            "city_slug",
            "year",
            "code",
            "title",
            "source",
            "source_label",
            "approved",
            "revised",
            "current",
            "committed",
            "spent",
            "note",
            "shared",
            "fundings",
            "created_at",
            "created_at_jalali",
            "updated_at",
            "updated_at_jalali",
        ]

    @extend_schema_field({"type": "string", "example": "62.5"})
    def get_shared(self, line: BudgetLine) -> str | None:
        """The percent of the line given to projects in all."""
        return share_percent(sum(funding.share for funding in line.fundings.all()))

    @extend_schema_field(LineFundingOut(many=True))
    def get_fundings(self, line: BudgetLine) -> list[dict[str, Any]]:
        fundings = sorted(line.fundings.all(), key=lambda funding: funding.project.code)
        return LineFundingOut(fundings, many=True).data


# Fundings -------------------------------------------------------------------------------


class FundingIn(Strict):
    """The share (percent, up to two decimals: «37.5») of a line that funds a project;
    sending it again for the same line and project changes the share."""

    line = Pick(queryset=BudgetLine.objects.select_related("city"), unknown=UNKNOWN_LINE)
    project = Pick(queryset=Project.objects.select_related("plan"), unknown=UNKNOWN_PROJECT)
    share = number(required=True, help_text="percent of the line, more than 0 and up to 100")


class FundingOut(serializers.Serializer):
    id = serializers.IntegerField()
    line = serializers.IntegerField(source="line_id")
    project = serializers.IntegerField(source="project_id")
    share = SharePercent(help_text="percent of the line («37.5»)")


# The figures ----------------------------------------------------------------------------

FLAGS = [
    (MONEY_AHEAD_OF_RESULTS, "money spent ≥ rule.spent while realisation < rule.result"),
    (MONEY_AHEAD_OF_WORK, "money spent ≥ rule.spent while physical progress < rule.result"),
]


class FiguresOut(serializers.Serializer):
    """The three figures side by side (fractions in text: «0.9120»; null when unknown), the
    money behind them, how many projects (and how many count: cancelled ones do not) and
    the gap flags."""

    money = MoneyOut()
    spent = serializers.CharField(allow_null=True, help_text="money spent ÷ current allocation")
    physical = serializers.CharField(
        allow_null=True, help_text="physical progress, weighted by planned cost"
    )
    realisation = serializers.CharField(
        allow_null=True, help_text="indicator realisation (monitoring)"
    )
    projects = serializers.IntegerField()
    projects_counted = serializers.IntegerField()
    flags = serializers.ListField(child=serializers.ChoiceField(choices=FLAGS))


class ItemFiguresOut(FiguresOut):
    id = serializers.IntegerField()
    parent_id = serializers.IntegerField(allow_null=True)
    code = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    depth = serializers.IntegerField(help_text="1 for a goal")


class GroupFiguresOut(FiguresOut):
    """Projects grouped by axis, committee or district; `id` null for those with none."""

    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()


class PlanBudgetOut(serializers.Serializer):
    """Every plan item's three figures for a Jalali year, the plan's, and the roll-ups by
    goal, axis, committee and district."""

    plan = PlanBriefOut()
    year = serializers.IntegerField()
    years = serializers.ListField(child=serializers.IntegerField())
    rule = GapRuleOut()
    currency = serializers.CharField()
    total = FiguresOut()
    items = ItemFiguresOut(many=True)
    goals = ItemFiguresOut(many=True)
    by_axis = GroupFiguresOut(many=True)
    by_committee = GroupFiguresOut(many=True)
    by_district = GroupFiguresOut(many=True)


class ItemProjectOut(serializers.Serializer):
    id = serializers.IntegerField()
    scheme = serializers.IntegerField(source="scheme_id")
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    physical_progress = PercentText(help_text="percent 0–100")
    planned_cost = serializers.IntegerField()
    district = serializers.IntegerField(source="district_id", allow_null=True)
    district_name = serializers.CharField(source="district__name", allow_null=True)
    responsible_unit = serializers.CharField()
    money = MoneyOut()
    spent = serializers.CharField(allow_null=True)


class ItemBudgetOut(serializers.Serializer):
    """A plan item's subtree (the item first) with each row's three figures, and the
    projects under it with their money."""

    plan = PlanBriefOut()
    year = serializers.IntegerField()
    years = serializers.ListField(child=serializers.IntegerField())
    rule = GapRuleOut()
    currency = serializers.CharField()
    item = ItemFiguresOut(source="goal")
    items = ItemFiguresOut(many=True)
    projects = ItemProjectOut(many=True)


# The slice ------------------------------------------------------------------------------


class SliceLineShareOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    share = SharePercent(help_text="percent of the line the scheme's projects draw")
    current = serializers.IntegerField(help_text="rials of the line's current allocation")


class GoalBriefOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()


class SliceSchemeOut(serializers.Serializer):
    """A scheme's year: what the plan foresaw (money.planned) against what the lines give
    it (money.current), the gap (current − planned, rials), the coverage (a fraction), and
    the year before."""

    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    goal = GoalBriefOut()
    money = MoneyOut()
    projects = serializers.IntegerField()
    lines = SliceLineShareOut(many=True)
    gap = serializers.IntegerField()
    covered = serializers.CharField(allow_null=True)
    before = MoneyOut(allow_null=True)
    change = serializers.CharField(allow_null=True, help_text="change from the year before")


class LineBeforeOut(serializers.Serializer):
    current = serializers.IntegerField()
    spent = serializers.IntegerField()


class SliceLineOut(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    source = serializers.CharField()
    approved = serializers.IntegerField()
    revised = serializers.IntegerField(allow_null=True)
    current = serializers.IntegerField()
    committed = serializers.IntegerField()
    spent = serializers.IntegerField()
    shared = SharePercent(help_text="percent of the line given to projects")
    in_plan = serializers.BooleanField()
    before = LineBeforeOut(allow_null=True, help_text="the line of the same code a year before")
    change = serializers.CharField(allow_null=True)


class SliceTotalsOut(MoneyOut):
    budget = serializers.IntegerField(help_text="the year's lines' current allocation")
    in_plan = serializers.IntegerField(help_text="of which lines that fund the plan")


class SliceBeforeOut(serializers.Serializer):
    year = serializers.IntegerField()
    current = serializers.IntegerField()
    budget = serializers.IntegerField()


class BudgetSliceOut(serializers.Serializer):
    """The council's one-year slice of the plan: schemes with budget, schemes without,
    the year's lines (and those funding nothing in the plan), totals and the year before."""

    plan = PlanBriefOut()
    year = serializers.IntegerField()
    years = serializers.ListField(child=serializers.IntegerField())
    currency = serializers.CharField()
    schemes = SliceSchemeOut(many=True)
    unfunded = SliceSchemeOut(many=True)
    lines = SliceLineOut(many=True)
    lines_outside = SliceLineOut(many=True)
    totals = SliceTotalsOut()
    before = SliceBeforeOut()


# Queries --------------------------------------------------------------------------------


class YearQuery(serializers.Serializer):
    year = year_field(required=False)


class ExportQuery(serializers.Serializer):
    year = year_field(required=False)
    format = choice(["csv", "xlsx"], default="csv")


class ImportQuery(serializers.Serializer):
    year = year_field()
    dry_run = boolean(default=False)


# The import and its mapping ---------------------------------------------------------------


class ImportIn(Strict):
    """A budget or execution file (CSV or XLSX) with the city's headers;
    `accept_valid_rows` stores the valid rows of a file that has wrong ones."""

    file = serializers.FileField(
        error_messages=_messages(
            required=FILE_MISSING,
            null=FILE_MISSING,
            invalid=FILE_MISSING,
            empty="پرونده خالی است.",
            no_name=FILE_MISSING,
        )
    )
    accept_valid_rows = boolean(default=False)


class ImportRowOut(serializers.Serializer):
    row = serializers.IntegerField(help_text="the line of the file (the header is line 1)")
    code = serializers.CharField()
    status = serializers.CharField(help_text="new, changed, same (بدون تغییر) or error")
    message = serializers.CharField()
    changes = serializers.DictField(
        child=serializers.ListField(), help_text="field → [before, after]"
    )


class ImportReportOut(serializers.Serializer):
    """The row-by-row report; `stored` is how many rows were written (0 in a dry run)."""

    year = serializers.IntegerField()
    dry_run = serializers.BooleanField()
    rows = ImportRowOut(many=True)
    new = serializers.IntegerField()
    changed = serializers.IntegerField()
    same = serializers.IntegerField()
    errors = serializers.IntegerField()
    stored = serializers.IntegerField()


class MappingIn(Strict):
    """The headers the city's finance system writes: our key (FIELDS) → its header; a key
    left out or empty falls back to our Persian label."""

    columns = serializers.DictField(
        child=serializers.CharField(max_length=100, allow_blank=True, error_messages=_messages()),
        error_messages=_messages(not_a_dict=NOT_A_MAPPING, invalid=NOT_A_MAPPING),
    )


class MappingFieldOut(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    header = serializers.CharField(help_text="the header the city's files use")


class MappingOut(serializers.Serializer):
    city = serializers.IntegerField()
    columns = serializers.DictField(child=serializers.CharField(), help_text="what the city stored")
    fields = MappingFieldOut(many=True)
