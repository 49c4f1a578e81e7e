"""Liveness for load balancers and compose: the database and the cache answer."""

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse


def healthz(_request):
    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception:  # report, never raise: this endpoint exists to say what is down
        checks["database"] = "down"
    try:
        cache.set("healthz", "1", 5)
        checks["cache"] = "ok" if cache.get("healthz") == "1" else "down"
    except Exception:
        checks["cache"] = "down"
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(checks, status=200 if healthy else 503)
