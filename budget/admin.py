"""Read-only screens for the budget slice. Every change goes through budget.services (the API,
the import and the planners' pages) so that it is validated and lands in the activity log."""

from django.contrib import admin

from backend.admin_jalali import JalaliAdmin, LabelledTabularInline
from budget.models import BudgetLine, Funding, ImportMapping, Milestone, Project


class ReadOnlyAdmin(JalaliAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(LabelledTabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class MilestoneInline(ReadOnlyInline):
    model = Milestone
    fields = ("title", "due_on", "done_on", "weight")
    readonly_fields = fields


class ProjectFundingInline(ReadOnlyInline):
    model = Funding
    fields = ("line", "share")
    readonly_fields = fields


class LineFundingInline(ReadOnlyInline):
    model = Funding
    fields = ("project", "share")
    readonly_fields = fields


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "year", "scheme", "status", "physical_progress", "plan")
    list_filter = ("year", "status", "plan__city")
    search_fields = ("code", "title", "responsible_unit")
    list_select_related = ("scheme", "plan")
    inlines = [MilestoneInline, ProjectFundingInline]


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "year", "source", "approved", "revised", "spent", "city")
    list_filter = ("year", "source", "city")
    search_fields = ("code", "title")
    list_select_related = ("city",)
    inlines = [LineFundingInline]


@admin.register(ImportMapping)
class ImportMappingAdmin(ReadOnlyAdmin):
    list_display = ("city", "updated_at")
