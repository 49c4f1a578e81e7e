"""Photos of problems, served by a view that asks who may see them on every request.

Photos are moderated with their problem (`participation.view_photos`): the author and the
city's moderators see them in every state, everyone else only once the problem is published.
Anything else — a rejected or hidden problem's photo, a guessed id, an unknown size — is the
same 404. Published photos may be cached by browsers and shared caches for
PHOTO_CACHE_SECONDS; unpublished ones are never stored (`private, no-store`).
"""

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags
from django.views.decorators.http import require_safe

from frontend.web import allowed
from participation import selectors
from participation.photos import SIZES


def _headers(response: HttpResponse, *, etag: str, public: bool) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = (
        f"public, max-age={settings.PHOTO_CACHE_SECONDS}" if public else "private, no-store"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def problem_photo(request, pk: int, size: str):
    if size not in SIZES:
        raise Http404
    photo = selectors.photo_get(pk=pk)
    if photo is None or not allowed(request.user, "participation.view_photos", photo.problem):
        raise Http404
    etag = f'"{photo.content_hash[:32]}-{size}"'
    public = photo.problem.is_published
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        return _headers(HttpResponseNotModified(), etag=etag, public=public)
    name = photo.image if size == "full" else photo.thumbnail
    try:
        # Read whole (a stored photo is a few hundred kB at most): a plain response, which
        # the ASGI server sends without a synchronous iterator.
        with default_storage.open(name, "rb") as stored:
            data = stored.read()
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = HttpResponse(data, content_type=photo.content_type)
    response["Content-Disposition"] = "inline"
    return _headers(response, etag=etag, public=public)
