"""The app's own URLs plus two baselines: a bare DRF endpoint, which the public paths are
compared with, and a bare Django view, which the DRF endpoint is compared with. Mounted
only by the benchmark (override_settings or benchmark.settings)."""

from django.http import HttpResponse
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView


class BareView(APIView):
    """The least a DRF endpoint does: the same middleware, authentication, permission and
    rendering path as the real API, and no database."""

    def get(self, _request):
        return Response({"ok": True})


def bare_django(_request):
    """The least a Django view does: the site's middleware, then a constant answer."""
    return HttpResponse(b'{"ok":true}', content_type="application/json")


urlpatterns = [
    path("bench/bare/", BareView.as_view(), name="bench-bare"),
    path("bench/django/", bare_django, name="bench-django"),
    path("", include("backend.urls")),
]

# The site's error answers (Persian pages, JSON under /api/) apply here too.
handler400 = "backend.errorpages.bad_request"
handler403 = "backend.errorpages.permission_denied"
handler404 = "backend.errorpages.page_not_found"
handler500 = "backend.errorpages.server_error"
