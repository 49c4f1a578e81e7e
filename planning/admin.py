from django.contrib import admin

from backend.admin_jalali import JalaliAdmin
from planning.models import Axis, City, Committee, District


class DistrictInline(admin.TabularInline):
    model = District
    extra = 0


class AxisInline(admin.TabularInline):
    model = Axis
    extra = 0


@admin.register(City)
class CityAdmin(JalaliAdmin):
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
    list_display = ["name", "number", "city"]
    list_filter = ["city"]
