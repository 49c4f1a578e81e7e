from rest_framework import serializers

from accounts.models import Membership, Notification, Organisation, User
from backend.api import IdField
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


class MeOut(serializers.ModelSerializer):
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


class TokenOut(serializers.Serializer):
    token = serializers.CharField()
    user = MeOut()


class PublicUserOut(serializers.Serializer):
    """How any other person sees a user: never a phone number or username."""

    public_name = serializers.CharField()
    is_expert = serializers.BooleanField()


class NotificationOut(serializers.ModelSerializer):
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "payload", "created_at", "read"]

    def get_read(self, obj) -> bool:
        return obj.read_at is not None


class NotificationsReadIn(serializers.Serializer):
    ids = serializers.ListField(child=IdField(), required=False, max_length=500)


class OrganisationOut(serializers.ModelSerializer):
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


class OrganisationIn(serializers.Serializer):
    name = serializers.CharField(max_length=160)
    registration_number = serializers.CharField(max_length=40)
    city = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=City.objects.all(),
        error_messages={"does_not_exist": "شهری با این شناسه نیست."},
    )
    description = serializers.CharField(max_length=3000, required=False, allow_blank=True)


class MemberOut(serializers.Serializer):
    user = serializers.IntegerField(source="user_id")
    public_name = serializers.CharField(source="user.public_name")
    role = serializers.CharField()


class MemberIn(serializers.Serializer):
    phone = serializers.CharField(max_length=40)
    role = serializers.ChoiceField(choices=Membership.Role.choices, default="member")


class OrganisationStatusIn(serializers.Serializer):
    status = serializers.ChoiceField(choices=Organisation.Status.choices)
