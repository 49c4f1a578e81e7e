from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.safestring import mark_safe

from accounts.models import StaffRole
from accounts.rules import city_roles
from backend.admin_jalali import JalaliAdmin, jalali_column
from backend.authz import allowed, refusal
from backend.errors import DomainError
from backend.sanitise import clean_html, plain_text
from cities.models import City
from participation import services
from participation.models import Comment, Endorsement, Problem, Proposal, Support, SynonymGroup

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
    readonly_fields = [*READ_ONLY_CONTENT, "title", "body_html", "title_key", "supports_count"]
    exclude = ["body"]
    raw_id_fields = ["plan"]
    created = jalali_column("created_at", "زمان ثبت")

    @admin.display(description="شرح")
    def body_html(self, obj):
        # Stored sanitised; cleaned again on the way out so the admin never trusts the column.
        return mark_safe(clean_html(obj.body))  # noqa: S308 — bleach-sanitised just above


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
    list_display = ["excerpt", "stance", "is_expert", "moderation_state", "created"]
    list_filter = ["moderation_state", "stance", "is_expert"]
    readonly_fields = [*READ_ONLY_CONTENT, "is_expert"]
    raw_id_fields = ["plan", "plan_item", "problem", "proposal", "parent"]
    created = jalali_column("created_at", "زمان ثبت")

    @admin.display(description="نظر")
    def excerpt(self, obj):
        text = plain_text(obj.body)
        return text if len(text) <= 60 else text[:60] + "…"


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


class SynonymGroupForm(forms.ModelForm):
    class Meta:
        model = SynonymGroup
        fields = ["city", "terms", "active"]

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["terms"] = services.synonym_terms_clean(cleaned.get("terms", ""))
        except DomainError as error:
            raise forms.ValidationError(error.message) from error
        user = self.request_user
        if not allowed(user, "participation.edit_lexicon", cleaned.get("city") or self.instance):
            raise forms.ValidationError(refusal("participation.edit_lexicon").message)
        return cleaned


@admin.register(SynonymGroup)
class SynonymGroupAdmin(JalaliAdmin):
    """The synonym lexicon: planners edit their city's groups; groups for every city are
    the superusers' (planners see them). Saved through the service, so every worker's
    suggestions pick a change up at once and the activity log records it."""

    form = SynonymGroupForm
    list_display = ["__str__", "city", "active", "changed"]
    list_filter = ["active", "city"]
    search_fields = ["terms"]
    changed = jalali_column("updated_at", "آخرین تغییر")

    def _planner_cities(self, request):
        return [c for c, role in city_roles(request.user) if role == StaffRole.Role.PLANNER]

    def get_queryset(self, request):
        groups = super().get_queryset(request).select_related("city")
        if request.user.is_superuser:
            return groups
        return groups.filter(Q(city__isnull=True) | Q(city_id__in=self._planner_cities(request)))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.request_user = request.user
        if not request.user.is_superuser and "city" in form.base_fields:
            field = form.base_fields["city"]
            field.queryset = City.objects.filter(pk__in=self._planner_cities(request))
            field.required = True
        return form

    def has_module_permission(self, request):
        return allowed(request.user, "participation.edit_lexicon", None)

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return allowed(request.user, "participation.edit_lexicon", obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and allowed(request.user, "participation.edit_lexicon", obj)

    def save_model(self, request, obj, form, change):
        saved = services.synonym_group_save(
            actor=request.user,
            city=form.cleaned_data.get("city"),
            terms=form.cleaned_data["terms"],
            active=form.cleaned_data.get("active", True),
            group=SynonymGroup.objects.get(pk=obj.pk) if change else None,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.synonym_group_delete(actor=request.user, group=obj)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            services.synonym_group_delete(actor=request.user, group=group)
