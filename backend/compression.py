"""Compressed pages: gzip for every text answer the browser accepts it for, except the
few that must not be (`compression_exempt`).

Why gzip and not brotli for pages: Django's GZipMiddleware pads each compressed answer with
random bytes ("Heal The Breach"), which blurs the length differences a BREACH attacker
measures, and Django masks the CSRF token afresh in every answer; a brotli middleware would
have neither and wins only a few per cent on our pages (docs/feedback.md has the figures).
Static files get both: whitenoise stores .gz and .br copies at collectstatic time (the
`brotli` package is installed for that), which is safe as they hold no secrets.

A page that shows a secret next to text the visitor typed (the sign-in page in demo mode
shows the one-time code beside the number) is sent uncompressed.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.middleware.gzip import GZipMiddleware

EXEMPT_ATTRIBUTE = "compression_exempt"


def compression_exempt(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark the view's answers to be sent uncompressed (see the module's docstring)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        setattr(response, EXEMPT_ATTRIBUTE, True)
        return response

    return wrapped


class PageCompressionMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (short answers, already-encoded ones and clients without
    gzip are left alone; `Vary: Accept-Encoding` is added), skipping exempt views."""

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
        if getattr(response, EXEMPT_ATTRIBUTE, False):
            return response
        return super().process_response(request, response)
