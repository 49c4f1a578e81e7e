"""Input and output shapes of triage and the problem inventory, shared by the API and the
pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.api import IdField
from backend.api_fields import JalaliDateTimeField, ModelOut
from backend.ids import parse_id
from inventory.models import InventoryEntry
from planning.models import Axis, Committee, Plan, PlanItem
from planning.serializers import PlanItemBrief, PlanItemOut, PlanQuery

UNKNOWN_AXIS = "محوری با این شناسه نیست."
UNKNOWN_COMMITTEE = "کمیته‌ای با این شناسه نیست."
UNKNOWN_ENTRY = "مسئله‌ای با این شناسه در فهرست نیست."
UNKNOWN_ITEM = "بندی با این شناسه نیست."
UNKNOWN_PROBLEM = "مسئله‌ای با این شناسه نیست."
SEVERITY_RANGE = "شدت باید از ۱ تا ۵ باشد."
BULK_SIZE = "از ۱ تا ۲۰۰ مسئله را انتخاب کنید."


class Pick(serializers.PrimaryKeyRelatedField):
    """A row named by its id, in any digits; an id that names nothing (or is beyond what
    the database holds) is a 400 with the field's Persian `unknown` message."""

    def __init__(self, *, unknown: str, **kwargs):
        kwargs["error_messages"] = {"does_not_exist": unknown, "incorrect_type": unknown}
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        pk = parse_id(data)
        if pk is None:
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(pk)


def _severity(**kwargs) -> serializers.IntegerField:
    messages = {"invalid": SEVERITY_RANGE, "min_value": SEVERITY_RANGE}
    messages |= {"max_value": SEVERITY_RANGE, "null": SEVERITY_RANGE}
    return serializers.IntegerField(min_value=1, max_value=5, error_messages=messages, **kwargs)


class PlanItemDetailOut(PlanItemOut):
    """A plan item with the inventory entries (problems of the plan) it answers."""

    addresses = serializers.SerializerMethodField()

    class Meta(PlanItemOut.Meta):
        fields = [*PlanItemOut.Meta.fields, "addresses"]

    def get_addresses(self, obj) -> list[dict]:
        return [
            {"id": e.pk, "code": e.code, "title": e.title, "status": e.status}
            for e in obj.addresses.all()
        ]


class NamedRef(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class ScoreTerm(serializers.Serializer):
    term = serializers.CharField()
    label = serializers.CharField()
    value = serializers.IntegerField()
    weight = serializers.FloatField()
    transform = serializers.CharField()
    points = serializers.FloatField()


class InventoryEntryOut(ModelOut):
    """An inventory entry with its evidence and priority.

    priority_score = 4×severity + 6×log2(1+supporters) + 3×log2(1+problems)
    + 2×districts + 3×endorsements + 2×expert_comments; `score_breakdown` lists each term,
    and the terms' points add up to the score.
    """

    axis = NamedRef(allow_null=True)
    committee = NamedRef(allow_null=True)
    addressed_by = PlanItemBrief(many=True, read_only=True)
    problems_count = serializers.IntegerField()
    supporters_count = serializers.IntegerField()
    districts_count = serializers.IntegerField()
    endorsements_count = serializers.IntegerField()
    expert_comments_count = serializers.IntegerField()
    priority_score = serializers.FloatField()
    score_breakdown = ScoreTerm(many=True)
    created_at_jalali = JalaliDateTimeField(source="created_at")
    updated_at_jalali = JalaliDateTimeField(source="updated_at")

    class Meta:
        model = InventoryEntry
        fields = [
            "id",
            "plan",
            "code",
            "title",
            "statement",
            "axis",
            "committee",
            "severity",
            "status",
            "addressed_by",
            "problems_count",
            "supporters_count",
            "districts_count",
            "endorsements_count",
            "expert_comments_count",
            "priority_score",
            "score_breakdown",
            "created_at",
            "created_at_jalali",
            "updated_at",
            "updated_at_jalali",
        ]


class InventoryProblemOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    triage_state = serializers.CharField()
    supports_count = serializers.IntegerField()
    district = serializers.CharField(source="district.name", default=None)
    created_at = serializers.DateTimeField()
    created_at_jalali = JalaliDateTimeField(source="created_at")


ENTRY_PROBLEMS_LIMIT = 100


class InventoryEntryDetailOut(InventoryEntryOut):
    """An entry with its linked problems, the ENTRY_PROBLEMS_LIMIT (100) most supported;
    `problems_more` says there are more (the view reads one row past the limit)."""

    problems = serializers.SerializerMethodField()
    problems_more = serializers.SerializerMethodField()

    class Meta(InventoryEntryOut.Meta):
        fields = [*InventoryEntryOut.Meta.fields, "problems", "problems_more"]

    def _rows(self) -> list:
        if "_rows" not in self.context:
            self.context["_rows"] = list(self.context["problems"])
        return self.context["_rows"]

    @extend_schema_field(InventoryProblemOut(many=True))
    def get_problems(self, obj):
        return InventoryProblemOut(self._rows()[:ENTRY_PROBLEMS_LIMIT], many=True).data

    def get_problems_more(self, obj) -> bool:
        return len(self._rows()) > ENTRY_PROBLEMS_LIMIT


class NewEntryIn(serializers.Serializer):
    title = serializers.CharField(
        max_length=200,
        error_messages={
            "required": "عنوان مسئله‌ی فهرست را بنویسید.",
            "blank": "عنوان مسئله‌ی فهرست را بنویسید.",
            "max_length": "عنوان حداکثر ۲۰۰ نویسه است.",
        },
    )
    statement = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    severity = _severity(required=False, default=3)


class TriageIn(serializers.Serializer):
    """One triage action. A problem already triaged is refused (409) unless `retriage` is
    true: re-triage is a deliberate act (the board never asks for it)."""

    action = serializers.ChoiceField(
        choices=["accept", "merge", "out_of_scope"],
        error_messages={"invalid_choice": "کار نامعتبر است.", "required": "کار نامعتبر است."},
    )
    axis = Pick(queryset=Axis.objects.all(), required=False, allow_null=True, unknown=UNKNOWN_AXIS)
    committee = Pick(
        queryset=Committee.objects.all(),
        required=False,
        allow_null=True,
        unknown=UNKNOWN_COMMITTEE,
    )
    entry = Pick(
        queryset=InventoryEntry.objects.select_related("plan"),
        required=False,
        allow_null=True,
        unknown=UNKNOWN_ENTRY,
    )
    new_entry = NewEntryIn(required=False, allow_null=True)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    retriage = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        action = attrs["action"]
        if action == "merge" and not attrs.get("entry"):
            raise serializers.ValidationError(
                {"entry": "مسئله‌ی فهرستی را که این مسئله تکرار آن است انتخاب کنید."}
            )
        if action == "out_of_scope" and not (attrs.get("reason") or "").strip():
            raise serializers.ValidationError({"reason": "دلیل خارج بودن از موضوع را بنویسید."})
        return attrs

    def arguments(self) -> dict:
        return triage_arguments(self.validated_data)


def triage_arguments(data: dict) -> dict:
    """The triage service's keyword arguments for TriageIn's validated data."""
    retriage = {"retriage": bool(data.get("retriage"))}
    if data["action"] == "merge":
        return {"entry": data["entry"], **retriage}
    if data["action"] == "out_of_scope":
        return {"reason": data["reason"], **retriage}
    return {
        "axis": data.get("axis"),
        "committee": data.get("committee"),
        "entry": data.get("entry"),
        "new_entry": data.get("new_entry"),
        **retriage,
    }


class TriageBulkIn(TriageIn):
    problems = serializers.ListField(
        child=IdField(error_messages={"invalid": UNKNOWN_PROBLEM, "max_value": UNKNOWN_PROBLEM}),
        min_length=1,
        max_length=200,
        error_messages={
            "required": BULK_SIZE,
            "min_length": BULK_SIZE,
            "max_length": BULK_SIZE,
            "empty": BULK_SIZE,
        },
    )


class TriageResultOut(serializers.Serializer):
    id = serializers.IntegerField()
    triage_state = serializers.CharField()
    inventory_entry = serializers.IntegerField(source="inventory_entry_id", allow_null=True)


TITLE_INVALID = "عنوان خالی یا بیش از اندازه است."


class InventoryEntryIn(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.select_related("city"))
    title = serializers.CharField(
        max_length=200,
        error_messages={
            "required": "عنوان مسئله‌ی فهرست را بنویسید.",
            "blank": "عنوان مسئله‌ی فهرست را بنویسید.",
            "max_length": "عنوان حداکثر ۲۰۰ نویسه است.",
        },
    )
    statement = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    axis = Pick(queryset=Axis.objects.all(), required=False, allow_null=True, unknown=UNKNOWN_AXIS)
    committee = Pick(
        queryset=Committee.objects.all(),
        required=False,
        allow_null=True,
        unknown=UNKNOWN_COMMITTEE,
    )
    severity = _severity(required=False, default=3)


class InventoryEntryPatch(serializers.Serializer):
    """Changes to an entry; only the fields sent change (`addressed_by` replaces the plan
    items linked to it)."""

    title = serializers.CharField(
        max_length=200,
        required=False,
        error_messages={"blank": TITLE_INVALID, "max_length": TITLE_INVALID},
    )
    statement = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    axis = Pick(queryset=Axis.objects.all(), required=False, allow_null=True, unknown=UNKNOWN_AXIS)
    committee = Pick(
        queryset=Committee.objects.all(),
        required=False,
        allow_null=True,
        unknown=UNKNOWN_COMMITTEE,
    )
    severity = _severity(required=False)
    status = serializers.ChoiceField(
        choices=InventoryEntry.Status.choices,
        required=False,
        error_messages={"invalid_choice": "وضعیت نامعتبر است."},
    )
    addressed_by = Pick(
        queryset=PlanItem.objects.all(), many=True, required=False, unknown=UNKNOWN_ITEM
    )


class ExportQuery(PlanQuery):
    format = serializers.ChoiceField(choices=["csv", "xlsx", "json"], default="csv")
