"""Read-only: clients are issued and revoked through open311.services (the page or
`manage.py open311_key`), so the activity log records every key."""

from django.contrib import admin

from backend.admin_jalali import JalaliAdmin
from open311.models import Open311Client, Open311Request


class ReadOnly(JalaliAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Open311Client)
class Open311ClientAdmin(ReadOnly):
    list_display = ["name", "city", "key_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["city"]
    search_fields = ["name", "key_prefix"]
    exclude = ["key_hash"]


@admin.register(Open311Request)
class Open311RequestAdmin(ReadOnly):
    list_display = ["token", "client", "problem", "created_at"]
    list_filter = ["client__city"]
    exclude = ["device_key", "fingerprint"]
