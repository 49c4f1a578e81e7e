from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm

from accounts import services
from accounts.activity import ACTIONS
from accounts.models import (
    Activity,
    Invitation,
    Membership,
    Notification,
    Organisation,
    StaffRole,
    User,
)
from backend.admin_jalali import JalaliAdmin, LabelledTabularInline, jalali_column
from backend.errors import DomainError


class StaffRoleInline(LabelledTabularInline):
    """Shown on the user for reading; roles are given and taken in «نقش‌های کارکنان»
    (through the services, so every change is in the activity log)."""

    model = StaffRole
    extra = 0
    max_num = 0
    can_delete = False
    fields = ["city", "role", "granted_at"]
    readonly_fields = ["city", "role", "granted_at"]

    def has_add_permission(self, request, obj=None):
        return False


class MembershipInline(LabelledTabularInline):
    """Read-only: members join and leave through the membership services, which keep the
    activity log and the one-admin rule."""

    model = Membership
    extra = 0
    fields = ["user", "role"]
    readonly_fields = ["user", "role"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class InvitationInline(LabelledTabularInline):
    """Invitations are read here; only their invitee answers them (on the site)."""

    model = Invitation
    extra = 0
    can_delete = False
    fields = ["role", "status", "invited_by", "created_at", "answered_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class ExpertiseForm(UserChangeForm):
    """The expert badge is given and taken only through the services (who and when)."""

    expertise_grant = forms.CharField(
        label="تأیید نشان کارشناس با حوزه‌ی تخصص",
        required=False,
        max_length=120,
        help_text="حوزه‌ی تخصص را بنویسید تا نشان کارشناس با نام شما داده شود.",
    )
    expertise_take = forms.BooleanField(label="برداشتن نشان کارشناس", required=False)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, JalaliAdmin):
    form = ExpertiseForm
    list_display = ["username", "phone", "display_name", "is_expert_flag", "is_staff", "joined"]
    search_fields = ["username", "phone", "display_name"]
    inlines = [StaffRoleInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("هم‌اندیشی", {"fields": ("phone", "display_name", "show_name_publicly")}),
        (
            "نشان کارشناس",
            {
                "fields": (
                    "expertise",
                    "expertise_verified_at",
                    "expertise_verified_by",
                    "expertise_grant",
                    "expertise_take",
                )
            },
        ),
    )
    readonly_fields = ["expertise", "expertise_verified_at", "expertise_verified_by"]
    actions = ["revoke_expertise"]
    joined = jalali_column("date_joined", "عضویت از")

    @admin.display(boolean=True, description="کارشناس")
    def is_expert_flag(self, obj):
        return obj.is_expert

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        grant = (form.cleaned_data.get("expertise_grant") or "").strip()
        try:
            if grant:
                services.expertise_verify(actor=request.user, user=obj, expertise=grant)
            elif form.cleaned_data.get("expertise_take"):
                services.expertise_revoke(actor=request.user, user=obj)
        except DomainError as error:
            self.message_user(request, f"{obj}: {error.message}", messages.ERROR)

    @admin.action(description="برداشتن نشان کارشناس از کاربران انتخاب‌شده")
    def revoke_expertise(self, request, queryset):
        for user in queryset.filter(expertise_verified_at__isnull=False):
            try:
                services.expertise_revoke(actor=request.user, user=user)
            except DomainError as error:
                self.message_user(request, f"{user}: {error.message}", messages.ERROR)


@admin.register(StaffRole)
class StaffRoleAdmin(JalaliAdmin):
    """Roles are given and taken through the services; a role is never edited in place."""

    list_display = ["user", "role", "city", "granted"]
    list_filter = ["role", "city"]
    search_fields = ["user__username", "user__display_name", "user__phone"]
    autocomplete_fields = ["user"]
    fields = ["user", "city", "role"]
    granted = jalali_column("granted_at", "از")

    def get_readonly_fields(self, request, obj=None):
        return ["user", "city", "role"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            return  # read-only once given
        try:
            granted = services.staff_role_grant(
                actor=request.user, user=obj.user, city=obj.city, role=obj.role
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk = granted.pk

    def response_add(self, request, obj, post_url_continue=None):
        if obj.pk is None:  # refused: back to the list with the message
            from django.http import HttpResponseRedirect
            from django.urls import reverse

            return HttpResponseRedirect(reverse("admin:accounts_staffrole_changelist"))
        return super().response_add(request, obj, post_url_continue)

    def log_addition(self, request, obj, message):
        if obj.pk is not None:
            return super().log_addition(request, obj, message)
        return None

    def delete_model(self, request, obj):
        services.staff_role_revoke(actor=request.user, staff_role=obj)

    def delete_queryset(self, request, queryset):
        for staff_role in queryset.select_related("city", "user"):
            services.staff_role_revoke(actor=request.user, staff_role=staff_role)


@admin.register(Organisation)
class OrganisationAdmin(JalaliAdmin):
    list_display = ["name", "registration_number", "city", "status", "changed"]
    list_filter = ["status", "city"]
    search_fields = ["name", "registration_number"]
    readonly_fields = ["status", "status_changed_by", "status_changed_at", "created_by"]
    inlines = [MembershipInline, InvitationInline]
    actions = ["verify", "suspend"]
    changed = jalali_column("status_changed_at", "تغییر وضعیت")

    def _set_status(self, request, queryset, status):
        for organisation in queryset:
            try:
                services.organisation_set_status(
                    actor=request.user, organisation=organisation, status=status
                )
            except DomainError as error:
                self.message_user(request, f"{organisation}: {error.message}", messages.ERROR)

    @admin.action(description="تأیید سازمان‌های انتخاب‌شده")
    def verify(self, request, queryset):
        self._set_status(request, queryset, Organisation.Status.VERIFIED)

    @admin.action(description="تعلیق سازمان‌های انتخاب‌شده")
    def suspend(self, request, queryset):
        self._set_status(request, queryset, Organisation.Status.SUSPENDED)


@admin.register(Notification)
class NotificationAdmin(JalaliAdmin):
    list_display = ["user", "kind", "created", "read_at"]
    list_filter = ["kind"]
    raw_id_fields = ["user"]
    created = jalali_column("created_at", "زمان")


@admin.register(Activity)
class ActivityAdmin(JalaliAdmin):
    """The activity log, read-only: nobody adds, edits or deletes an entry."""

    list_display = ["created", "city", "action_label", "actor", "object_type", "object_repr"]
    list_filter = ["action", "city", "object_type"]
    search_fields = ["object_repr", "actor__username", "actor__display_name"]
    list_select_related = ["city", "actor"]
    readonly_fields = [
        "created_at",
        "city",
        "actor",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "before",
        "after",
    ]
    fields = readonly_fields
    created = jalali_column("created_at", "زمان")

    @admin.display(description="کار", ordering="action")
    def action_label(self, obj):
        return ACTIONS.get(obj.action, obj.action)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# API tokens (django-rest-knox), one per sign-in: read and revoked here, never made here
# (signing in makes them). Knox's own admin has English labels; this one replaces it.
import knox.admin  # noqa: E402, F401 — registered first, so that it can be replaced
from knox.models import AuthToken  # noqa: E402

admin.site.unregister(AuthToken)


@admin.register(AuthToken)
class AuthTokenAdmin(JalaliAdmin):
    list_display = ["owner", "key", "made", "expires"]
    fields = readonly_fields = ["owner", "key", "made", "expires"]
    search_fields = ["token_key", "user__username"]
    made = jalali_column("created", "زمان ساخت")
    expires = jalali_column("expiry", "زمان انقضا")

    @admin.display(description="کاربر", ordering="user")
    def owner(self, obj):
        return obj.user

    @admin.display(description="آغاز کلید")
    def key(self, obj):
        return obj.token_key

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
