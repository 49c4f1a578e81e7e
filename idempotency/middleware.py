"""Creating POSTs run once per key.

- API (`/api/…`): a client sends `Idempotency-Key: <1–255 visible ASCII characters>` on any
  POST; a retry with the same key (same token, same signed-in user or same address) within
  24 h gets the first answer (status and body) with `Idempotent-Replayed: true`, without
  the work being done again. The same key with a different body is a Persian 422.
- Pages: forms carry a one-time `form_token` (`{% load idempotency %}{% form_token %}`); a
  double tap or a browser retry of the same form makes one row and lands on the same page.

Placed after authentication, so a signed-in page user is known; API token holders are told
apart by a hash of their Authorization header (the token itself is never stored).
"""

import hashlib
import re

from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse

from backend.clientip import client_address
from backend.errors import DomainError
from backend.input import refusal
from idempotency.services import KeyReused, fingerprint, run_once

API_HEADER = "Idempotency-Key"
FORM_FIELD = "form_token"
_API_KEY = re.compile(r"[\x21-\x7e]{1,255}")
_FORM_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,100}")
_NOT_FINGERPRINTED = {"csrfmiddlewaretoken", FORM_FIELD}
FORM_SENT = "این فرم پیش‌تر با متن دیگری فرستاده شده است؛ صفحه را تازه کنید و دوباره بفرستید."


def _api_user(request: HttpRequest):
    """The user an API request's credentials name, through the API's own authentication
    classes (so a client that signed in twice is still one owner); None when they name
    nobody or are refused (the view then answers the refusal itself)."""
    from rest_framework.exceptions import APIException
    from rest_framework.request import Request
    from rest_framework.settings import api_settings

    wrapped = Request(
        request, authenticators=[cls() for cls in api_settings.DEFAULT_AUTHENTICATION_CLASSES]
    )
    try:
        user = wrapped.user
    except APIException:
        return None
    return user if user is not None and user.is_authenticated else None


def owner_of(request: HttpRequest) -> str:
    """Whose key this is: the signed-in user (by token or session), else the client address.
    An unknown token is kept apart by its hash, so it never shares a key with anyone."""
    authorization = request.META.get("HTTP_AUTHORIZATION")
    user = _api_user(request) if authorization else getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    if authorization:
        return "token:" + hashlib.sha256(authorization.encode()).hexdigest()[:40]
    return "addr:" + (client_address(request) or "")[:60]


def _form_print(request: HttpRequest) -> str:
    fields = sorted(
        (name, value)
        for name, values in request.POST.lists()
        if name not in _NOT_FINGERPRINTED
        for value in values
    )
    # Every file of a repeated field (several photos), not only the last one.
    files = sorted((name, f.name, f.size) for name, found in request.FILES.lists() for f in found)
    return fingerprint(request.method, request.path, repr(fields), repr(files))


def _api_print(request: HttpRequest) -> str:
    content_type = request.content_type or ""
    if content_type.startswith("multipart/"):
        return _form_print(request)
    return fingerprint(
        request.method,
        request.path,
        request.META.get("QUERY_STRING", ""),
        content_type,
        request.body,
    )


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return self.get_response(request)
        try:
            found = self._key(request)
        except SuspiciousOperation:
            found = None  # an oversize body: the view answers it the usual way
        except DomainError as error:
            return refusal(request, error.message, error.code, error.status)
        if found is None:
            return self.get_response(request)
        key, print_ = found
        try:
            return run_once(
                owner=owner_of(request),
                key=key,
                print_=print_,
                respond=lambda: self.get_response(request),
            )
        except KeyReused as error:
            message = error.message if key.startswith("api:") else FORM_SENT
            return refusal(request, message, error.code, error.status)
        except DomainError as error:
            return refusal(request, error.message, error.code, error.status)

    def _key(self, request: HttpRequest) -> tuple[str, str] | None:
        if request.path.startswith("/api/"):
            key = request.headers.get(API_HEADER)
            if key is None:
                return None
            if not _API_KEY.fullmatch(key):
                raise DomainError(
                    "سرآیند Idempotency-Key باید ۱ تا ۲۵۵ نویسه‌ی لاتین دیدنی باشد.",
                    code="invalid_idempotency_key",
                )
            return "api:" + key, _api_print(request)
        token = request.POST.get(FORM_FIELD, "") if _is_form(request) else ""
        if not _FORM_TOKEN.fullmatch(token):
            return None
        return "form:" + token, _form_print(request)


def _is_form(request: HttpRequest) -> bool:
    return (request.content_type or "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    )
