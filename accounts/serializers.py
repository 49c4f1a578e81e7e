from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.activity import ACTIONS
from accounts.models import Activity, Invitation, Membership, Notification, Organisation, User
from backend.api import IdField
from backend.api_fields import ModelOut
from backend.jalali import jalali_datetime_str, parse_date
from cities.models import City


class OtpRequestIn(serializers.Serializer):
    phone = serializers.CharField(max_length=40)


class OtpRequestOut(serializers.Serializer):
    detail = serializers.CharField()
    phone = serializers.CharField(help_text="The normalised number the code was sent to.")
    expires_in = serializers.IntegerField(help_text="Seconds the code stays valid.")


class OtpVerifyIn(serializers.Serializer):
    phone = serializers.CharField(max_length=40)
    code = serializers.CharField(max_length=12)


class PasswordLoginIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, trim_whitespace=False)


class StaffRoleOut(serializers.Serializer):
    city = serializers.SlugField(source="city.slug")
    city_name = serializers.CharField(source="city.name")
    role = serializers.CharField()


class MembershipOut(serializers.Serializer):
    organisation = serializers.IntegerField(source="organisation_id")
    name = serializers.CharField(source="organisation.name")
    status = serializers.CharField(source="organisation.status")
    role = serializers.CharField()


class MeOut(ModelOut):
    """The signed-in user's own account: the only place the API shows a phone number."""

    public_name = serializers.CharField(read_only=True)
    is_expert = serializers.BooleanField(read_only=True)
    staff_roles = StaffRoleOut(many=True, read_only=True)
    organisations = MembershipOut(source="memberships", many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "phone",
            "display_name",
            "show_name_publicly",
            "digest_frequency",
            "public_name",
            "is_expert",
            "expertise",
            "is_staff",
            "staff_roles",
            "organisations",
        ]
        read_only_fields = fields


class MeUpdateIn(serializers.Serializer):
    display_name = serializers.CharField(max_length=80, required=False, allow_blank=True)
    show_name_publicly = serializers.BooleanField(required=False)
    digest_frequency = serializers.ChoiceField(
        choices=User.Digest.choices,
        required=False,
        help_text="A summary of unread notifications by SMS or e-mail: off, daily or weekly.",
    )


class TokenOut(serializers.Serializer):
    token = serializers.CharField(
        help_text="A new token for this client; send it as "
        "`Authorization: Token <token>`. It expires (see README)."
    )
    user = MeOut()


class ApiTokenRevokeIn(serializers.Serializer):
    """«My sessions»: revoke one token (by its id, the stored digest) or all of them."""

    token = serializers.RegexField(r"^[0-9a-f]{1,128}$", max_length=128, required=False)
    all = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        if not attrs.get("all") and not attrs.get("token"):
            raise serializers.ValidationError("نشستی را برای بستن انتخاب کنید.")
        return attrs


class PublicUserOut(serializers.Serializer):
    """How any other person sees a user: never a phone number or username."""

    public_name = serializers.CharField()
    is_expert = serializers.BooleanField()


class NotificationOut(ModelOut):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "payload", "created_at", "read"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationsReadIn(serializers.Serializer):
    ids = serializers.ListField(child=IdField(), required=False, max_length=500)


class OrganisationOut(ModelOut):
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    members_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "registration_number",
            "city",
            "description",
            "status",
            "members_count",
            "created_at",
        ]


class CityRef(serializers.SlugRelatedField):
    """A city by its slug (`arak`) or, as the page's select sends it, its id."""

    def to_internal_value(self, data):
        text = str(data).strip()
        if text.isascii() and text.isdigit():
            city = self.get_queryset().filter(pk=int(text[:18])).first()
            if city is None:
                self.fail("does_not_exist", slug_name=self.slug_field, value=text)
            return city
        return super().to_internal_value(data)


class OrganisationIn(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    registration_number = serializers.CharField(max_length=40)
    city = CityRef(
        slug_field="slug",
        queryset=City.objects.all(),
        error_messages={
            "does_not_exist": "شهری با این شناسه نیست.",
            "invalid": "شهری با این شناسه نیست.",
            "required": "شهر را انتخاب کنید.",
            "null": "شهر را انتخاب کنید.",
        },
    )
    description = serializers.CharField(max_length=3000, required=False, allow_blank=True)


class MemberOut(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    public_name = serializers.CharField(source="user.public_name")
    role = serializers.CharField()


class MemberIn(serializers.Serializer):
    phone = serializers.CharField(max_length=40)
    role = serializers.ChoiceField(choices=Membership.Role.choices, default="member")


class MemberRoleIn(serializers.Serializer):
    role = serializers.ChoiceField(choices=Membership.Role.choices)


class InvitationSentOut(serializers.Serializer):
    """The answer to an invitation: the same for a registered and an unregistered number."""

    id = serializers.IntegerField()
    phone = serializers.CharField()
    role = serializers.CharField()
    status = serializers.CharField()
    detail = serializers.SerializerMethodField()

    def get_detail(self, obj) -> str:
        return "دعوت ثبت شد؛ صاحب این شماره با پذیرفتن آن عضو می‌شود."


class InvitationOut(ModelOut):
    """An invitation as its invitee sees it."""

    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)
    city = serializers.SlugField(source="organisation.city.slug", read_only=True)

    class Meta:
        model = Invitation
        fields = [
            "id",
            "organisation",
            "organisation_name",
            "city",
            "role",
            "status",
            "created_at",
            "answered_at",
        ]
        read_only_fields = fields


class InvitationAnswerIn(serializers.Serializer):
    """The invitations page's form: which invitation, and the answer."""

    invitation = IdField()
    answer = serializers.ChoiceField(
        choices=[("accept", "accept"), ("decline", "decline")],
        error_messages={"invalid_choice": "پاسخ نامعتبر است."},
    )


class OrganisationStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=Organisation.Status.choices)


class OrganisationReviewIn(serializers.Serializer):
    """The review page's form: which organisation, and its new status."""

    organisation = IdField()
    status = serializers.ChoiceField(choices=Organisation.Status.choices)


# The activity log ----------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.DATE)
class JalaliOrIsoDateField(serializers.Field):
    """A Jalali (Persian or Latin digits) or ISO date, e.g. ۱۴۰۴/۰۱/۰۵ or 2025-03-25."""

    def to_internal_value(self, data):
        try:
            return parse_date(str(data))
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from error

    def to_representation(self, value):
        return value.isoformat()


class ActivityQueryIn(serializers.Serializer):
    """`?city=<slug>&action=&actor=&object_type=&created_after=&created_before=` (API and
    page alike)."""

    city = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=City.objects.all(),
        error_messages={
            "does_not_exist": "شهری با این شناسه نیست.",
            "required": "شهر را بگویید.",
            "invalid": "شهری با این شناسه نیست.",
        },
    )
    action = serializers.ChoiceField(
        choices=list(ACTIONS),
        required=False,
        allow_blank=True,
        error_messages={"invalid_choice": "چنین کاری در دفتر رویدادها نیست."},
    )
    actor = IdField(required=False, allow_null=True)
    object_type = serializers.CharField(max_length=60, required=False, allow_blank=True)
    created_after = JalaliOrIsoDateField(required=False, allow_null=True)
    created_before = JalaliOrIsoDateField(required=False, allow_null=True)

    def to_internal_value(self, data):
        # Empty form fields (a GET form sends every field) mean "no filter".
        if hasattr(data, "dict"):
            data = data.dict()
        data = {key: value for key, value in dict(data).items() if value not in ("", None)}
        return super().to_internal_value(data)


class ActivityOut(ModelOut):
    city = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    created_at_jalali = serializers.SerializerMethodField()
    action_label = serializers.SerializerMethodField()
    actor = serializers.IntegerField(source="actor_id", read_only=True)
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = Activity
        fields = [
            "id",
            "city",
            "created_at",
            "created_at_jalali",
            "action",
            "action_label",
            "actor",
            "actor_name",
            "object_type",
            "object_id",
            "object_repr",
            "before",
            "after",
        ]
        read_only_fields = fields

    def get_created_at_jalali(self, obj: Activity) -> str:
        return jalali_datetime_str(obj.created_at)

    def get_action_label(self, obj: Activity) -> str:
        return str(ACTIONS.get(obj.action, obj.action))

    def get_actor_name(self, obj: Activity) -> str | None:
        return obj.actor.public_name if obj.actor_id else None
