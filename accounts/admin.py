from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts import services
from accounts.models import Membership, Notification, Organisation, StaffRole, User
from backend.admin_jalali import JalaliAdmin, jalali_column
from backend.errors import DomainError


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0
    fields = ["city", "role"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role"]
    autocomplete_fields = ["user"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin, JalaliAdmin):
    list_display = ["username", "phone", "display_name", "is_expert_flag", "is_staff", "joined"]
    search_fields = ["username", "phone", "display_name"]
    inlines = [StaffRoleInline]
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            "هم‌اندیشی",
            {
                "fields": (
                    "phone",
                    "display_name",
                    "show_name_publicly",
                    "expertise",
                    "expertise_verified_at",
                    "expertise_verified_by",
                )
            },
        ),
    )
    readonly_fields = ["expertise_verified_by"]
    joined = jalali_column("date_joined", "عضویت از")

    @admin.display(boolean=True, description="کارشناس")
    def is_expert_flag(self, obj):
        return obj.is_expert


@admin.register(Organisation)
class OrganisationAdmin(JalaliAdmin):
    list_display = ["name", "registration_number", "city", "status", "changed"]
    list_filter = ["status", "city"]
    search_fields = ["name", "registration_number"]
    readonly_fields = ["status", "status_changed_by", "status_changed_at", "created_by"]
    inlines = [MembershipInline]
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
