"""The pages' one way to parse input, ask permissions and answer refusals.

A page view parses its input with the same serializer the API uses (`parse`), asks the
permission rules (`authorise`, the same names the services enforce), calls one service or
selector and renders. A DomainError it does not handle is answered by
`DomainErrorMiddleware` (a Persian refusal page, or a refusal fragment for htmx) with the
error's status; a form that wants to show itself again with the message and the typed values
says so with `@renders_errors_with`.
"""

from collections.abc import Callable
from contextlib import contextmanager
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from backend.authz import allowed
from backend.authz import authorise as _authorise
from backend.errors import DomainError, TooMany, Unavailable
from backend.ratelimit import STORE_ERRORS, UNAVAILABLE_MESSAGE

__all__ = ["DomainErrorMiddleware", "InvalidInput", "allowed", "authorise", "parse"]


class InvalidInput(DomainError):
    """Input that fails its serializer: the first message, with every field's messages."""

    def __init__(self, errors: dict):
        self.fields = {name: [str(m) for m in _flat(messages)] for name, messages in errors.items()}
        first = next((m[0] for m in self.fields.values() if m), "ورودی نامعتبر است.")
        super().__init__(first, code="invalid", extra={"fields": self.fields})


def _flat(messages: Any) -> list:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    if isinstance(messages, list | tuple):
        return [m for value in messages for m in _flat(value)]
    return [messages]


def parse(serializer_class: type, data: Any, **context: Any) -> dict:
    """Validated data of `serializer_class` for `data` (a QueryDict or dict), else 400."""
    serializer = serializer_class(data=data, context=context)
    if not serializer.is_valid():
        raise InvalidInput(serializer.errors)
    return serializer.validated_data


def authorise(request: HttpRequest, name: str, obj: Any = None) -> None:
    """403 with the permission's Persian refusal unless the signed-in user may."""
    _authorise(request.user, name, obj)


def _retry_after(response: HttpResponse, error: DomainError) -> HttpResponse:
    """A limit reached (429) says when to try again, as the API does."""
    if isinstance(error, TooMany):
        response["Retry-After"] = str(error.retry_after)
    return response


def renders_errors_with(render_again: Callable[..., HttpResponse]):
    """A DomainError raised by the view is answered by
    `render_again(request, error, *args, **kwargs)` — typically the form again with the
    message and the values typed — with the error's status."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except DomainError as error:
                response = render_again(request, error, *args, **kwargs)
                response.status_code = error.status
                _retry_after(response, error)
                return response

        return wrapped

    return decorator


class DomainErrorMiddleware:
    """Pages answer a refusal the services raised with its status and Persian message."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        context = {"error": exception.message, "status": exception.status, "code": exception.code}
        template = "frontend/partials/refusal.html" if request.htmx else "frontend/refused.html"
        return _retry_after(render(request, template, context, status=exception.status), exception)


@contextmanager
def cache_or_503():
    """For a page that keeps something in the cache between two requests (an import's
    previewed file): with the cache down, a Persian 503, not a 500."""
    try:
        yield
    except STORE_ERRORS as error:
        raise Unavailable(UNAVAILABLE_MESSAGE, code="cache_down") from error
