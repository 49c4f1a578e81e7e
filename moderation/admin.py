from django.contrib import admin

from backend.admin_jalali import JalaliAdmin, jalali_column
from moderation.models import Appeal, Decision, QueueEntry, Report, Rule


@admin.register(Rule)
class RuleAdmin(JalaliAdmin):
    """New wording = a new version: existing versions stay as decisions cited them."""

    list_display = ["code", "version", "title", "citeable", "active", "position"]
    list_filter = ["active", "citeable"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.decisions.exists():
            return ["code", "version", "title", "description", "citeable"]
        return []


class ReadOnlyAdmin(JalaliAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    """The audit trail: read-only for everyone."""

    list_display = ["id", "outcome", "content_type", "object_id", "moderator", "city", "at"]
    list_filter = ["outcome", "city"]
    at = jalali_column("created_at", "زمان")


@admin.register(QueueEntry)
class QueueEntryAdmin(ReadOnlyAdmin):
    list_display = ["id", "reason", "content_type", "object_id", "city", "at", "closed_at"]
    list_filter = ["reason", "city"]
    at = jalali_column("created_at", "زمان")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["id", "rule", "content_type", "object_id", "reporter", "created_at"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["id", "decision", "author", "created_at"]
