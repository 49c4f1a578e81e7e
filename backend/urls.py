from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from backend.health import healthz

# Persian pages, JSON under /api/ (backend/errorpages.py).
handler400 = "backend.errorpages.bad_request"
handler403 = "backend.errorpages.permission_denied"
handler404 = "backend.errorpages.page_not_found"
handler500 = "backend.errorpages.server_error"

api_v1 = [
    path("", include("accounts.api.urls")),
    path("", include("planning.api.urls")),
    path("", include("inventory.api.urls")),
    path("", include("monitoring.api.urls")),
    path("", include("budget.api.urls")),
    path("", include("participation.api.urls")),
    path("", include("moderation.api.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
    path("healthz", healthz, name="healthz"),
    path("open311/v2/", include("open311.api.urls")),
    path("", include("open311.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls_inventory")),
    path("", include("frontend.urls_monitoring")),
    path("", include("frontend.urls_budget")),
    path("", include("frontend.urls")),
]
