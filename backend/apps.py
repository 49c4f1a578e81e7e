from django.apps import AppConfig


class BackendConfig(AppConfig):
    """Shared building blocks (Persian text, Jalali dates, API base, realtime plumbing)."""

    name = "backend"
    verbose_name = "Hamandishi core"
