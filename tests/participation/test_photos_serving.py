"""GET /photos/<id>/<size>: who sees a photo in each state of its problem, and the headers."""

import io

import pytest
from django.contrib.auth.models import AnonymousUser
from PIL import Image

from backend.authz import allowed
from participation.models import Problem
from participation.services import problem_submit
from tests.factories import UserFactory
from tests.participation.photo_samples import jpeg_upload, jpeg_with_gps, upload


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def photo(citizen, plan):
    problem = problem_submit(
        author=citizen, plan=plan, title="پیاده‌روی شکسته", body="شرح", photos=[jpeg_upload()]
    )
    return problem.photos.get()


def _set_state(photo, state: str) -> None:
    Problem.objects.filter(pk=photo.problem_id).update(moderation_state=state)


def _url(photo, size="full") -> str:
    return f"/photos/{photo.pk}/{size}"


ROLES = ["guest", "citizen", "author", "moderator", "other_city_moderator"]


def _client_for(role, client, citizen, moderator, qom_moderator):
    user = {
        "citizen": UserFactory,
        "author": lambda: citizen,
        "moderator": lambda: moderator,
        "other_city_moderator": lambda: qom_moderator,
    }.get(role)
    if user is not None:
        client.force_login(user())
    return client


@pytest.mark.django_db
class TestWhoSees:
    @pytest.mark.parametrize("role", ROLES)
    @pytest.mark.parametrize("state", ["pending", "published", "rejected", "hidden"])
    @pytest.mark.parametrize("size", ["full", "thumb"])
    def test_matrix(self, client, citizen, moderator, qom_moderator, photo, role, state, size):
        _set_state(photo, state)
        client = _client_for(role, client, citizen, moderator, qom_moderator)
        seen = state == "published" or role in ("author", "moderator")
        response = client.get(_url(photo, size))
        assert response.status_code == (200 if seen else 404)

    def test_guessed_ids_and_sizes_are_404(self, client, photo):
        assert client.get(f"/photos/{photo.pk + 1000}/full").status_code == 404
        assert client.get(f"/photos/{photo.pk}/original").status_code == 404

    def test_a_missing_file_is_404_not_500(self, client, photo):
        from django.core.files.storage import default_storage

        _set_state(photo, "published")
        default_storage.delete(photo.image)
        assert client.get(_url(photo)).status_code == 404


@pytest.mark.django_db
class TestResponse:
    def test_published_is_cacheable_with_the_right_headers(self, client, photo, settings):
        _set_state(photo, "published")
        response = client.get(_url(photo))
        body = response.content
        assert response["Content-Type"] == "image/jpeg"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"] == "inline"
        assert response["Cache-Control"] == f"public, max-age={settings.PHOTO_CACHE_SECONDS}"
        assert Image.open(io.BytesIO(body)).size == (640, 480)
        again = client.get(_url(photo), HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304
        assert again["ETag"] == response["ETag"]

    def test_thumb_and_full_have_their_own_etag(self, client, photo):
        _set_state(photo, "published")
        assert client.get(_url(photo))["ETag"] != client.get(_url(photo, "thumb"))["ETag"]

    def test_pending_is_never_stored(self, client, citizen, photo):
        client.force_login(citizen)
        response = client.get(_url(photo, "thumb"))
        assert response.status_code == 200
        assert response["Cache-Control"] == "private, no-store"

    def test_served_bytes_have_no_gps(self, client, citizen, plan):
        problem = problem_submit(
            author=citizen, plan=plan, title="عنوان", body="شرح", photos=[upload(jpeg_with_gps())]
        )
        photo = problem.photos.get()
        client.force_login(citizen)
        for size in ("full", "thumb"):
            body = client.get(_url(photo, size)).content
            assert not Image.open(io.BytesIO(body)).getexif()
            assert b"Secret Person" not in body

    def test_head_is_answered(self, client, photo):
        _set_state(photo, "published")
        assert client.head(_url(photo)).status_code == 200

    def test_post_is_refused(self, client, photo):
        assert client.post(_url(photo)).status_code == 405


@pytest.mark.django_db
class TestRules:
    def test_view_photos_for_a_guest(self, photo):
        assert not allowed(AnonymousUser(), "participation.view_photos", photo.problem)
        _set_state(photo, "published")
        photo.problem.refresh_from_db()
        assert allowed(AnonymousUser(), "participation.view_photos", photo.problem)
