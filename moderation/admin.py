from django.contrib import admin

from backend.admin_jalali import JalaliAdmin, jalali_column
from moderation.models import Appeal, Decision, QueueEntry, Report, Rule

CONTENT_KINDS = {"problem": "مسئله", "proposal": "پیشنهاد", "comment": "نظر"}


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
    @admin.display(description="شماره", ordering="id")
    def number(self, obj):
        return obj.pk

    @admin.display(description="نوع نوشته")
    def kind(self, obj):
        return CONTENT_KINDS.get(obj.content_type, obj.content_type)

    @admin.display(description="شماره‌ی نوشته")
    def content_number(self, obj):
        return obj.object_id

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    """The audit trail: read-only for everyone."""

    list_display = ["number", "outcome", "kind", "content_number", "moderator", "city", "at"]
    list_filter = ["outcome", "city"]
    at = jalali_column("created_at", "زمان")


@admin.register(QueueEntry)
class QueueEntryAdmin(ReadOnlyAdmin):
    list_display = ["number", "reason", "kind", "content_number", "city", "at", "closed_at"]
    list_filter = ["reason", "city"]
    at = jalali_column("created_at", "زمان")


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["number", "rule", "kind", "content_number", "reporter", "created_at"]


@admin.register(Appeal)
class AppealAdmin(ReadOnlyAdmin):
    list_display = ["number", "decision", "author", "created_at"]
