"""Settings for the benchmark's worker processes: the app's own, with the bare endpoints
mounted next to the real API and each answer timed inside Django (benchmark.middleware)."""

from backend.settings import *  # noqa: F403
from backend.settings import MIDDLEWARE

ROOT_URLCONF = "benchmark.urls"
MIDDLEWARE = ["benchmark.middleware.ServerTimingMiddleware", *MIDDLEWARE]
