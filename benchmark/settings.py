"""Settings for the benchmark's worker processes: the app's own, with the bare endpoint
mounted next to the real API."""

from backend.settings import *  # noqa: F403

ROOT_URLCONF = "benchmark.urls"
