"""Request input no field may hold: a NUL character.

PostgreSQL refuses NUL (U+0000) in text, so a `?city=ar%00ak` or a sign-in name with a NUL
used to reach the database and answer 500. `RejectNulMiddleware` answers every such request
with a Persian 400 before any view runs: query parameters, form fields (names and values),
the path, and JSON bodies (`\\u0000` escapes) of the API.
"""

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

NUL_MESSAGE = "ورودی نویسه‌ی نامعتبر (NUL) دارد."
NUL_CODE = "nul_character"

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
_JSON_NUL = (b"\\u0000", b"\\U0000")


def _has_nul_in(query) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in query.lists())


def request_has_nul(request: HttpRequest) -> bool:
    """Whether the path, query string, form fields or JSON body hold a NUL."""
    if "\x00" in request.path or _has_nul_in(request.GET):
        return True
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return False
    content_type = request.content_type or ""
    if content_type.startswith(_FORM_TYPES):
        return _has_nul_in(request.POST)
    if content_type.endswith("json"):
        body = request.body
        return b"\x00" in body or any(escape in body for escape in _JSON_NUL)
    return False


class RejectNulMiddleware:
    """A Persian 400 for input holding a NUL: JSON under /api/, the refusal page elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refuse = request_has_nul(request)
        except SuspiciousOperation:
            # Too many fields, an oversize body: the view meets the same error and answers
            # it the usual way (the API's Persian 400).
            refuse = False
        if refuse:
            return nul_refusal(request)
        return self.get_response(request)


def nul_refusal(request: HttpRequest) -> HttpResponse:
    return refusal(request, NUL_MESSAGE, NUL_CODE, 400)


def refusal(request: HttpRequest, message: str, code: str, status: int) -> HttpResponse:
    """A refusal answered before any view runs (by a middleware): `{"detail", "code"}` under
    /api/, the pages' refusal page (or fragment for htmx) elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message, "code": code}, status=status)
    context = {"error": message, "status": status, "code": code}
    htmx = bool(getattr(request, "htmx", False))
    # The pages' refusal templates (frontend/templates), named, not imported.
    template = "frontend/partials/refusal.html" if htmx else "frontend/refused.html"
    return render(request, template, context, status=status)
