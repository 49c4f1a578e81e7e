from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for a real-looking city; loaded by `make run`, refused with DEBUG off."""

    name = "demo"
    verbose_name = "داده‌ی نمایشی"
