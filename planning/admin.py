from django import forms
from django.contrib import admin

from backend import geo
from backend.admin_jalali import JalaliAdmin, LabelledTabularInline, jalali_column
from cities.models import City, District
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


@admin.register(Plan)
class PlanAdmin(JalaliAdmin):
    list_display = ["title", "city", "start_year", "end_year", "phase", "moderation_mode"]
    list_filter = ["city", "phase"]
    inlines = [PlanItemInline]


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
