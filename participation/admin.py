from django.contrib import admin

from backend.admin_jalali import JalaliAdmin, jalali_column
from participation.models import Comment, Endorsement, Problem, Proposal, Support

# Content is written through the API and the web pages (services sanitise and normalise it);
# here staff read it. Moderation states change through moderation decisions, not this form.
READ_ONLY_CONTENT = ["author", "moderation_state", "moderation_changed_at", "created_at"]


@admin.register(Problem)
class ProblemAdmin(JalaliAdmin):
    list_display = [
        "title",
        "plan",
        "axis",
        "district",
        "moderation_state",
        "triage_state",
        "supports_count",
        "created",
    ]
    list_filter = ["plan", "moderation_state", "triage_state", "axis"]
    search_fields = ["title", "search_text"]
    readonly_fields = [*READ_ONLY_CONTENT, "title", "body", "title_key", "supports_count"]
    raw_id_fields = ["plan"]
    created = jalali_column("created_at", "زمان ثبت")


@admin.register(Proposal)
class ProposalAdmin(JalaliAdmin):
    list_display = [
        "title",
        "plan",
        "organisation",
        "moderation_state",
        "endorsements_count",
        "created",
    ]
    list_filter = ["plan", "moderation_state"]
    readonly_fields = [*READ_ONLY_CONTENT, "endorsements_count"]
    raw_id_fields = ["problem", "plan_item", "organisation", "plan"]
    created = jalali_column("created_at", "زمان ثبت")


@admin.register(Comment)
class CommentAdmin(JalaliAdmin):
    list_display = ["__str__", "stance", "is_expert", "moderation_state", "created"]
    list_filter = ["moderation_state", "stance", "is_expert"]
    readonly_fields = [*READ_ONLY_CONTENT, "is_expert"]
    raw_id_fields = ["plan", "plan_item", "problem", "proposal", "parent"]
    created = jalali_column("created_at", "زمان ثبت")


class CountedRowsAdmin(JalaliAdmin):
    """Supports and endorsements are counted on their problem or proposal
    (`supports_count`, `endorsements_count`, moved by the services in the same
    transaction): here they are read, never added, changed or deleted, so the counters stay
    exact."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Endorsement)
class EndorsementAdmin(CountedRowsAdmin):
    list_display = ["proposal", "organisation", "endorsed_by", "created"]
    raw_id_fields = ["proposal", "organisation", "endorsed_by"]
    created = jalali_column("created_at", "زمان")


@admin.register(Support)
class SupportAdmin(CountedRowsAdmin):
    list_display = ["problem", "user", "created_at"]
    raw_id_fields = ["problem", "user"]
