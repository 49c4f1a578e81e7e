from django.apps import AppConfig


class BenchmarkConfig(AppConfig):
    """Performance measurement with realistic data (DESIGN §7); no runtime code."""

    name = "benchmark"
    verbose_name = "سنجش کارایی"
