"""Error answers: Persian pages in the site layout, JSON under /api/.

`backend/urls.py` names these as handler400/403/404/500 and settings as CSRF_FAILURE_VIEW.
Pages render `400.html` … `500.html` (frontend/templates/); under `/api/` the answer is
`{"detail", "code"}` like every other API refusal. The 500 page is a minimal template that
needs neither the database nor a context processor (whatever failed may be one of them).
"""

import logging

from django.db import OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("hamandishi.errors")


def is_api(request) -> bool:
    return request.path.startswith("/api/")


def api_error(status: int, code: str, detail: str, **headers) -> JsonResponse:
    response = JsonResponse({"detail": detail, "code": code}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


@requires_csrf_token
def bad_request(request, exception, template_name="400.html"):
    if is_api(request):
        return api_error(400, "bad_request", _("درخواست نامعتبر است."))
    return defaults.bad_request(request, exception, template_name=template_name)


@requires_csrf_token
def permission_denied(request, exception, template_name="403.html"):
    if is_api(request):
        return api_error(403, "permission_denied", _("اجازه‌ی این کار را ندارید."))
    return defaults.permission_denied(request, exception, template_name=template_name)


@requires_csrf_token
def page_not_found(request, exception, template_name="404.html"):
    if is_api(request):
        return api_error(404, "not_found", _("این نشانی در API وجود ندارد."))
    return defaults.page_not_found(request, exception, template_name=template_name)


@requires_csrf_token
def server_error(request, template_name="500.html"):
    if is_api(request):
        return api_error(500, "server_error", _("خطایی در سرور رخ داد؛ کمی بعد دوباره بکوشید."))
    return defaults.server_error(request, template_name=template_name)


def csrf_failure(request, reason=""):
    """A form sent without (or with a stale) CSRF token: the Persian 403, not Django's."""
    if is_api(request):
        detail = _("درخواست بدون نشانه‌ی امنیتی معتبر (CSRF) رسید؛ صفحه را دوباره باز کنید.")
        return api_error(403, "csrf_failed", detail)
    template = loader.get_template("403.html")
    context = {"csrf_failed": True, "reason": reason}
    return HttpResponse(template.render(context, request), status=403)


def _is_pool_timeout(exception: BaseException) -> bool:
    try:
        from psycopg_pool import PoolTimeout
    except ImportError:  # SQLite only: no pool
        return False
    return isinstance(exception, PoolTimeout) or (
        isinstance(exception, OperationalError) and isinstance(exception.__cause__, PoolTimeout)
    )


class PoolTimeoutMiddleware:
    """Every pooled connection stayed busy for DB_POOL_TIMEOUT: a Persian 503 with
    Retry-After, not a 500 — the server is busy, not broken."""

    retry_after = "5"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not _is_pool_timeout(exception):
            return None
        logger.warning("database pool exhausted: %s %s", request.method, request.path)
        detail = _("سرور اکنون پرکار است؛ چند ثانیه بعد دوباره بکوشید.")
        if is_api(request):
            return api_error(503, "busy", detail, Retry_After=self.retry_after)
        template = loader.get_template("503.html")
        response = HttpResponse(template.render({"detail": detail}), status=503)
        response["Retry-After"] = self.retry_after
        return response
