from rest_framework import serializers

from backend.api_fields import JalaliDateTimeField, ModelOut
from cities.models import City, District
from planning.models import Axis, Committee, Plan, PlanItem


class CityOut(ModelOut):
    class Meta:
        model = City
        fields = ["id", "slug", "name", "province"]


class AxisOut(ModelOut):
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Axis
        fields = ["id", "city", "title", "position"]


class CommitteeOut(ModelOut):
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    axes = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Committee
        fields = ["id", "city", "title", "position", "axes"]


class DistrictOut(ModelOut):
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = District
        fields = ["id", "city", "name", "number"]


class PlanOut(ModelOut):
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    city_name = serializers.CharField(source="city.name", read_only=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "city",
            "city_name",
            "title",
            "summary",
            "start_year",
            "end_year",
            "phase",
            "moderation_mode",
        ]


class PlanItemNode(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    code = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    open_for_comment = serializers.BooleanField()
    children = serializers.ListField(child=serializers.DictField())


class PlanItemBrief(serializers.ModelSerializer):
    class Meta:
        model = PlanItem
        fields = ["id", "kind", "code", "title", "status"]


class PlanItemOut(ModelOut):
    axes = AxisOut(many=True, read_only=True)
    committee = serializers.SerializerMethodField()
    comments_count = serializers.IntegerField(read_only=True)
    open_for_comment = serializers.SerializerMethodField()
    comment_opens_at_jalali = JalaliDateTimeField(source="comment_opens_at")
    comment_closes_at_jalali = JalaliDateTimeField(source="comment_closes_at")

    class Meta:
        model = PlanItem
        fields = [
            "id",
            "plan",
            "parent",
            "kind",
            "code",
            "title",
            "body",
            "status",
            "axes",
            "committee",
            "comment_opens_at",
            "comment_opens_at_jalali",
            "comment_closes_at",
            "comment_closes_at_jalali",
            "open_for_comment",
            "comments_count",
        ]

    def get_committee(self, obj) -> dict | None:
        if obj.committee is None:
            return None
        return {"id": obj.committee.pk, "title": obj.committee.title}

    def get_open_for_comment(self, obj) -> bool:
        return obj.is_open_for_comment()


class PlanQuery(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(
        queryset=Plan.objects.select_related("city"),
        error_messages={"required": "برنامه را با ?plan= بدهید."},
    )
