"""Input and output shapes of triage and the problem inventory, shared by the API and the
pages."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.api import IdField
from backend.api_fields import JalaliDateTimeField
from inventory.models import InventoryEntry
from planning.models import Axis, Committee, Plan, PlanItem
from planning.serializers import PlanItemBrief, PlanItemOut, PlanQuery


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


class InventoryEntryOut(serializers.ModelSerializer):
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


class InventoryEntryDetailOut(InventoryEntryOut):
    problems = serializers.SerializerMethodField()

    class Meta(InventoryEntryOut.Meta):
        fields = [*InventoryEntryOut.Meta.fields, "problems"]

    @extend_schema_field(InventoryProblemOut(many=True))
    def get_problems(self, obj):
        return InventoryProblemOut(self.context["problems"], many=True).data


class NewEntryIn(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    statement = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    severity = serializers.IntegerField(min_value=1, max_value=5, required=False, default=3)


class TriageIn(serializers.Serializer):
    action = serializers.ChoiceField(choices=["accept", "merge", "out_of_scope"])
    axis = serializers.PrimaryKeyRelatedField(
        queryset=Axis.objects.all(), required=False, allow_null=True
    )
    committee = serializers.PrimaryKeyRelatedField(
        queryset=Committee.objects.all(), required=False, allow_null=True
    )
    entry = serializers.PrimaryKeyRelatedField(
        queryset=InventoryEntry.objects.select_related("plan"), required=False, allow_null=True
    )
    new_entry = NewEntryIn(required=False, allow_null=True)
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    def validate(self, attrs):
        action = attrs["action"]
        if action == "merge" and not attrs.get("entry"):
            raise serializers.ValidationError({"entry": "برای ادغام، مسئله‌ی فهرست را بدهید."})
        if action == "out_of_scope" and not (attrs.get("reason") or "").strip():
            raise serializers.ValidationError({"reason": "دلیل را بنویسید."})
        return attrs

    def arguments(self) -> dict:
        """The service's keyword arguments for the chosen action."""
        data = self.validated_data
        if data["action"] == "merge":
            return {"entry": data["entry"]}
        if data["action"] == "out_of_scope":
            return {"reason": data["reason"]}
        return {
            "axis": data.get("axis"),
            "committee": data.get("committee"),
            "entry": data.get("entry"),
            "new_entry": data.get("new_entry"),
        }


class TriageBulkIn(TriageIn):
    problems = serializers.ListField(child=IdField(), min_length=1, max_length=200)


class TriageResultOut(serializers.Serializer):
    id = serializers.IntegerField()
    triage_state = serializers.CharField()
    inventory_entry = serializers.IntegerField(source="inventory_entry_id", allow_null=True)


class InventoryEntryIn(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.select_related("city"))
    title = serializers.CharField(max_length=200)
    statement = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    axis = serializers.PrimaryKeyRelatedField(
        queryset=Axis.objects.all(), required=False, allow_null=True
    )
    committee = serializers.PrimaryKeyRelatedField(
        queryset=Committee.objects.all(), required=False, allow_null=True
    )
    severity = serializers.IntegerField(min_value=1, max_value=5, required=False, default=3)


class InventoryEntryPatch(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    statement = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    axis = serializers.PrimaryKeyRelatedField(
        queryset=Axis.objects.all(), required=False, allow_null=True
    )
    committee = serializers.PrimaryKeyRelatedField(
        queryset=Committee.objects.all(), required=False, allow_null=True
    )
    severity = serializers.IntegerField(min_value=1, max_value=5, required=False)
    status = serializers.ChoiceField(choices=InventoryEntry.Status.choices, required=False)
    addressed_by = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.all(), many=True, required=False
    )


class ExportQuery(PlanQuery):
    format = serializers.ChoiceField(choices=["csv", "xlsx", "json"], default="csv")
