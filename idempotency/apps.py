from django.apps import AppConfig


class IdempotencyConfig(AppConfig):
    name = "idempotency"
    verbose_name = "تکرار امن درخواست‌ها"
    default_auto_field = "django.db.models.BigAutoField"
