from django import forms
from django.contrib import admin

from backend import geo
from backend.admin_jalali import JalaliAdmin, LabelledTabularInline, jalali_column
from cities.models import City, District
from planning.changes import item_opened, opened
from planning.models import Axis, Committee, Plan, PlanItem


def _clean_boundary(value):
    """A boundary typed in the admin is checked like an imported one (docs/map.md)."""
    if value in (None, ""):
        return None
    try:
        return geo.clean_geometry(value)
    except geo.GeometryError as error:
        raise forms.ValidationError(str(error)) from error


class BoundaryForm(forms.ModelForm):
    def clean_boundary(self):
        return _clean_boundary(self.cleaned_data.get("boundary"))


class DistrictInline(LabelledTabularInline):
    model = District
    extra = 0
    fields = ["name", "number"]  # boundaries are long: edited on the district's own page


class AxisInline(LabelledTabularInline):
    model = Axis
    extra = 0


@admin.register(City)
class CityAdmin(JalaliAdmin):
    form = BoundaryForm
    list_display = ["name", "slug", "province"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [AxisInline, DistrictInline]


@admin.register(Committee)
class CommitteeAdmin(JalaliAdmin):
    list_display = ["title", "city", "position"]
    list_filter = ["city"]
    filter_horizontal = ["axes", "members"]


@admin.register(Axis)
class AxisAdmin(JalaliAdmin):
    list_display = ["title", "city", "position"]
    list_filter = ["city"]


@admin.register(District)
class DistrictAdmin(JalaliAdmin):
    form = BoundaryForm
    list_display = ["name", "number", "city"]
    list_filter = ["city"]


class PlanItemInline(LabelledTabularInline):
    model = PlanItem
    extra = 0
    fields = ["code", "kind", "title", "status"]
    show_change_link = True
    ordering = ["sort_key"]


def _stored_status(item: PlanItem) -> str | None:
    if item.pk is None:
        return None
    return PlanItem.objects.filter(pk=item.pk).values_list("status", flat=True).first()


@admin.register(Plan)
class PlanAdmin(JalaliAdmin):
    list_display = ["title", "city", "start_year", "end_year", "phase", "moderation_mode"]
    list_filter = ["city", "phase"]
    inlines = [PlanItemInline]

    def save_formset(self, request, form, formset, change):
        """Items of the inline that become open for comment tell their followers."""
        if formset.model is not PlanItem:
            super().save_formset(request, form, formset, change)
            return
        pks = [f.instance.pk for f in formset.forms if f.instance.pk]
        before = dict(PlanItem.objects.filter(pk__in=pks).values_list("pk", "status"))
        super().save_formset(request, form, formset, change)
        for item_form in formset.forms:
            item = item_form.instance
            if (
                item.pk
                and item_form not in formset.deleted_forms
                and opened(before.get(item.pk), item)
            ):
                item_opened(item=item, actor=request.user)


@admin.register(PlanItem)
class PlanItemAdmin(JalaliAdmin):
    """Planners author the tree here; comment windows are entered as Jalali dates."""

    list_display = ["code", "title", "kind", "status", "plan", "opens", "closes"]
    list_filter = ["plan", "kind", "status", "committee"]
    search_fields = ["code", "title"]
    ordering = ["plan", "sort_key"]
    filter_horizontal = ["axes"]
    autocomplete_fields = ["parent"]
    opens = jalali_column("comment_opens_at", "آغاز نظرخواهی")
    closes = jalali_column("comment_closes_at", "پایان نظرخواهی")

    def save_model(self, request, obj, form, change):
        """Saving an item that becomes open for comment tells its followers (and its
        plan's) — planning.changes, inside the admin's transaction."""
        before = _stored_status(obj) if change else None
        super().save_model(request, obj, form, change)
        if opened(before, obj):
            item_opened(item=obj, actor=request.user)
