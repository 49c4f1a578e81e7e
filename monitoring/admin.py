"""Read-mostly screens. Writes that matter (publishing, verifying, correcting, closing a
period) go through monitoring.services; published versions, verified measurements and
snapshots are shown read-only and cannot be deleted here."""

from django.contrib import admin

from backend.admin_jalali import JalaliAdmin, LabelledTabularInline
from monitoring.models import (
    Baseline,
    Indicator,
    IndicatorLink,
    IndicatorVersion,
    ItemMonitoring,
    Measurement,
    Rollup,
    Snapshot,
    Target,
)


class ReadOnlyAdmin(JalaliAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class VersionInline(LabelledTabularInline):
    model = IndicatorVersion
    extra = 0
    fields = ("number", "title", "kind", "periodicity", "aggregation", "direction", "published_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyInline(LabelledTabularInline):
    """Weights and targets move the stored figures: change them through the services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class LinkInline(ReadOnlyInline):
    model = IndicatorLink


class TargetInline(ReadOnlyInline):
    model = Target


@admin.register(Indicator)
class IndicatorAdmin(JalaliAdmin):
    list_display = ("code", "plan", "owner", "owner_unit", "created_at")
    list_filter = ("plan",)
    search_fields = ("code", "versions__title")
    raw_id_fields = ("owner",)
    readonly_fields = ("plan", "code", "created_at")
    inlines = [VersionInline, LinkInline, TargetInline]

    def has_add_permission(self, request):
        return False  # through monitoring.services.indicator_create

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(IndicatorVersion)
class IndicatorVersionAdmin(JalaliAdmin):
    list_display = ("indicator", "number", "title", "kind", "periodicity", "published_at")
    list_filter = ("kind", "periodicity")
    search_fields = ("title", "indicator__code")
    readonly_fields = ("indicator", "number", "published_at", "published_by", "created_at")

    def has_add_permission(self, request):
        return False

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return [field.name for field in obj._meta.fields]
        return list(self.readonly_fields)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and obj.published_at is None


@admin.register(Measurement)
class MeasurementAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "year", "period", "value", "state", "entered_by", "created_at")
    list_filter = ("state",)
    search_fields = ("indicator__code",)
    raw_id_fields = ("indicator", "version", "supersedes", "entered_by", "verified_by")


@admin.register(Baseline)
class BaselineAdmin(ReadOnlyAdmin):
    list_display = ("indicator", "value", "year", "month")


@admin.register(ItemMonitoring)
class ItemMonitoringAdmin(ReadOnlyAdmin):
    list_display = ("plan_item", "state", "reason", "updated_at")
    list_filter = ("state",)


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ("plan", "year", "period", "through_month", "created_at", "created_by")
    list_filter = ("plan",)


@admin.register(Rollup)
class RollupAdmin(ReadOnlyAdmin):
    list_display = ("plan", "year", "computed_at")
