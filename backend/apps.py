from django.apps import AppConfig


class BackendConfig(AppConfig):
    """Shared building blocks (Persian text, Jalali dates, API base, realtime plumbing)."""

    name = "backend"
    verbose_name = "هم‌اندیشی"

    def ready(self):
        from backend.admin_jalali import use_jalali_everywhere

        use_jalali_everywhere()
