from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Organisation
from backend.api import IdField
from backend.api_fields import AuthorField, JalaliDateTimeField
from cities.models import District
from participation.models import BODY_MAX, Comment, Endorsement, Problem, Proposal
from planning.models import Axis, Plan, PlanItem

# Raw input limits: generous enough for formatting, small enough to refuse abuse early.
TITLE_INPUT_MAX = 300


class ProblemIn(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all())
    title = serializers.CharField(max_length=TITLE_INPUT_MAX)
    body = serializers.CharField(max_length=BODY_MAX)
    axis = serializers.PrimaryKeyRelatedField(
        queryset=Axis.objects.all(), required=False, allow_null=True
    )
    district = serializers.PrimaryKeyRelatedField(
        queryset=District.objects.all(), required=False, allow_null=True
    )
    latitude = serializers.DecimalField(
        max_digits=8, decimal_places=5, min_value=-90, max_value=90, required=False, allow_null=True
    )
    longitude = serializers.DecimalField(
        max_digits=8,
        decimal_places=5,
        min_value=-180,
        max_value=180,
        required=False,
        allow_null=True,
    )


class ProblemOut(serializers.ModelSerializer):
    author = AuthorField()
    axis_title = serializers.CharField(source="axis.title", default=None)
    district_name = serializers.CharField(source="district.name", default=None)
    comments_count = serializers.IntegerField(read_only=True)
    created_at_jalali = JalaliDateTimeField(source="created_at")
    supported_by_me = serializers.SerializerMethodField()

    class Meta:
        model = Problem
        fields = [
            "id",
            "plan",
            "title",
            "body",
            "axis",
            "axis_title",
            "district",
            "district_name",
            "latitude",
            "longitude",
            "moderation_state",
            "triage_state",
            "supports_count",
            "comments_count",
            "supported_by_me",
            "created_at",
            "created_at_jalali",
            "author",
        ]

    def get_supported_by_me(self, obj) -> bool:
        return bool(getattr(obj, "supported_by_me", False))


class ProblemDetailOut(ProblemOut):
    """The problem with its place in the inventory: the entry and the plan items answering
    it; the out-of-scope reason is for the author."""

    inventory_entry = serializers.SerializerMethodField()
    triage_reason = serializers.SerializerMethodField()

    class Meta(ProblemOut.Meta):
        fields = [*ProblemOut.Meta.fields, "inventory_entry", "triage_reason"]

    def get_inventory_entry(self, obj) -> dict | None:
        entry = obj.inventory_entry
        if entry is None:
            return None
        return {
            "id": entry.pk,
            "code": entry.code,
            "title": entry.title,
            "status": entry.status,
            "addressed_by": [
                {"id": i.pk, "code": i.code, "title": i.title, "kind": i.kind}
                for i in entry.addressed_by.all()
            ],
        }

    def get_triage_reason(self, obj) -> str | None:
        request = self.context.get("request")
        if (
            request is not None
            and request.user.is_authenticated
            and request.user.pk == obj.author_id
        ):
            return obj.triage_reason or None
        return None


class SimilarIn(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all())
    text = serializers.CharField(max_length=TITLE_INPUT_MAX)
    exclude = IdField(required=False)


class SimilarOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    score = serializers.FloatField()
    supports_count = serializers.IntegerField()


class SupportOut(serializers.Serializer):
    supported = serializers.BooleanField()
    supports_count = serializers.IntegerField()


class CommentIn(serializers.Serializer):
    plan_item = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.select_related("plan"), required=False, allow_null=True
    )
    problem = serializers.PrimaryKeyRelatedField(
        queryset=Problem.objects.select_related("plan"), required=False, allow_null=True
    )
    proposal = serializers.PrimaryKeyRelatedField(
        queryset=Proposal.objects.select_related("plan"), required=False, allow_null=True
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Comment.objects.all(), required=False, allow_null=True
    )
    body = serializers.CharField(max_length=5000)
    stance = serializers.ChoiceField(choices=Comment.Stance.choices, default="neutral")


class CommentOut(serializers.ModelSerializer):
    author = AuthorField()
    created_at_jalali = JalaliDateTimeField(source="created_at")

    class Meta:
        model = Comment
        fields = [
            "id",
            "plan_item",
            "problem",
            "proposal",
            "parent",
            "body",
            "stance",
            "is_expert",
            "moderation_state",
            "created_at",
            "created_at_jalali",
            "author",
        ]


class OrganisationBrief(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name"]


class EndorsementOut(serializers.ModelSerializer):
    organisation = OrganisationBrief()
    created_at_jalali = JalaliDateTimeField(source="created_at")

    class Meta:
        model = Endorsement
        fields = ["organisation", "statement", "created_at", "created_at_jalali"]


class EndorsementIn(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.all())
    statement = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class ProposalIn(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=Plan.objects.all())
    title = serializers.CharField(max_length=TITLE_INPUT_MAX)
    body = serializers.CharField(max_length=BODY_MAX)
    problem = serializers.PrimaryKeyRelatedField(
        queryset=Problem.objects.all(), required=False, allow_null=True
    )
    plan_item = serializers.PrimaryKeyRelatedField(
        queryset=PlanItem.objects.all(), required=False, allow_null=True
    )
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), required=False, allow_null=True
    )


class ProposalOut(serializers.ModelSerializer):
    author = AuthorField()
    organisation = OrganisationBrief(allow_null=True)
    comments_count = serializers.IntegerField(read_only=True)
    created_at_jalali = JalaliDateTimeField(source="created_at")

    class Meta:
        model = Proposal
        fields = [
            "id",
            "plan",
            "title",
            "body",
            "problem",
            "plan_item",
            "organisation",
            "moderation_state",
            "endorsements_count",
            "comments_count",
            "created_at",
            "created_at_jalali",
            "author",
        ]


class ProposalDetailOut(ProposalOut):
    endorsements = serializers.SerializerMethodField()

    class Meta(ProposalOut.Meta):
        fields = [*ProposalOut.Meta.fields, "endorsements"]

    @extend_schema_field(EndorsementOut(many=True))
    def get_endorsements(self, obj):
        return EndorsementOut(obj.endorsements.all(), many=True).data


class MyPostsOut(serializers.Serializer):
    problems = ProblemOut(many=True)
    proposals = ProposalOut(many=True)
    comments = CommentOut(many=True)
