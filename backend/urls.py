from importlib import import_module

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from backend.health import healthz

# Persian pages, JSON under /api/ (backend/errorpages.py).
handler400 = "backend.errorpages.bad_request"
handler403 = "backend.errorpages.permission_denied"
handler404 = "backend.errorpages.page_not_found"
handler500 = "backend.errorpages.server_error"

# The apps' API routes in one list, not one include each: a request is matched against
# them in turn either way, but every include it passes through without a match raises,
# and Django then copies that include's routes into the list of those tried (~1 ms for a
# path in the sixth app). None of these modules names a namespace, so the routes and
# their names are the same.
API_V1_MODULES = [
    "accounts.api.urls",
    "planning.api.urls",
    "inventory.api.urls",
    "monitoring.api.urls",
    "budget.api.urls",
    "participation.api.urls",
    "moderation.api.urls",
]
api_v1 = [route for module in API_V1_MODULES for route in import_module(module).urlpatterns]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("healthz", healthz, name="healthz"),
    path("open311/v2/", include("open311.api.urls")),
    path("", include("open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    # The busiest pages (problems, plan items, lists) first: see api_v1. No route of one
    # of these matches a route of another.
    path("", include("frontend.urls")),
    path("", include("frontend.urls_inventory")),
    path("", include("frontend.urls_monitoring")),
    path("", include("frontend.urls_budget")),
]
