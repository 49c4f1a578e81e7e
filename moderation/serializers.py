from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.api_fields import JalaliDateTimeField, ModelOut
from cities.models import City
from moderation.content import kind_named
from moderation.models import CONTENT_FIELDS, Decision, Rule


class RuleOut(ModelOut):
    class Meta:
        model = Rule
        fields = ["code", "version", "title", "description", "citeable", "published_at"]


class CityQuery(serializers.Serializer):
    city = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=City.objects.all(),
        error_messages={
            "does_not_exist": "شهری با این شناسه نیست.",
            "required": "شهر را با ?city= بدهید.",
        },
    )


class OptionalCityQuery(serializers.Serializer):
    city = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=City.objects.all(),
        required=False,
        error_messages={"does_not_exist": "شهری با این شناسه نیست."},
    )


class QueueEntryOut(serializers.Serializer):
    """Documented shape of `moderation.selectors.queue_entry_out`."""

    id = serializers.IntegerField()
    content_type = serializers.ChoiceField(choices=["problem", "proposal", "comment"])
    object_id = serializers.IntegerField()
    reason = serializers.ChoiceField(choices=["new", "reported", "appeal"])
    content = serializers.DictField()
    author = serializers.DictField()
    waiting_seconds = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    claimed_by = serializers.DictField(allow_null=True)
    claimed_until = serializers.DateTimeField(allow_null=True)
    appeal = serializers.DictField(allow_null=True)
    hints = serializers.DictField()


class DecideIn(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=Decision.Outcome.choices,
        error_messages={
            "required": "نتیجه‌ی تصمیم را انتخاب کنید.",
            "invalid_choice": "نتیجه‌ی تصمیم نامعتبر است.",
        },
    )
    rules = serializers.ListField(
        child=serializers.SlugField(max_length=40), required=False, default=list, max_length=10
    )
    public_note = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    internal_note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class DecisionOut(ModelOut):
    content_type = serializers.CharField(read_only=True)
    object_id = serializers.IntegerField(read_only=True)
    rules = serializers.SerializerMethodField()
    moderator = serializers.CharField(source="moderator.public_name")
    created_at_jalali = JalaliDateTimeField(source="created_at")

    class Meta:
        model = Decision
        fields = [
            "id",
            "entry",
            "content_type",
            "object_id",
            "outcome",
            "rules",
            "public_note",
            "previous_state",
            "new_state",
            "moderator",
            "waited_seconds",
            "created_at",
            "created_at_jalali",
        ]

    def get_rules(self, obj) -> list[dict]:
        return [{"code": r.code, "version": r.version, "title": r.title} for r in obj.rules.all()]


class AuditDecisionOut(DecisionOut):
    """For city admins: the internal note too."""

    class Meta(DecisionOut.Meta):
        fields = [*DecisionOut.Meta.fields, "internal_note"]


@extend_schema_field(OpenApiTypes.INT)
class ContentField(serializers.PrimaryKeyRelatedField):
    """An id of one registered kind of content (the kind is the field's name)."""

    def get_queryset(self):
        return kind_named(self.field_name).queryset()


class ReportIn(serializers.Serializer):
    problem = ContentField(required=False, allow_null=True)
    proposal = ContentField(required=False, allow_null=True)
    comment = ContentField(required=False, allow_null=True)
    rule = serializers.SlugField(
        max_length=40,
        error_messages={
            "required": "قاعده‌ای را که این نوشته زیر پا گذاشته انتخاب کنید.",
            "blank": "قاعده‌ای را که این نوشته زیر پا گذاشته انتخاب کنید.",
        },
    )
    details = serializers.CharField(max_length=2000, required=False, allow_blank=True)

    def validate(self, attrs):
        given = [attrs[k] for k in CONTENT_FIELDS if attrs.get(k) is not None]
        if len(given) != 1:
            raise serializers.ValidationError("دقیقاً یکی از problem، proposal یا comment را بدهید.")
        attrs["content"] = given[0]
        return attrs


class ReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    rule = serializers.CharField(source="rule.code")
    created_at = serializers.DateTimeField()


class AppealIn(serializers.Serializer):
    decision = serializers.PrimaryKeyRelatedField(queryset=Decision.objects.select_related("entry"))
    message = serializers.CharField(
        max_length=2000,
        error_messages={
            "required": "دلیل درخواست بازبینی را بنویسید.",
            "blank": "دلیل درخواست بازبینی را بنویسید.",
            "max_length": "متن حداکثر ۲۰۰۰ نویسه است.",
        },
    )


class AppealOut(serializers.Serializer):
    id = serializers.IntegerField()
    decision = serializers.IntegerField(source="decision_id")
    message = serializers.CharField()
    created_at = serializers.DateTimeField()
