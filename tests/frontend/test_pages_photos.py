"""Photos on the pages: the report form's upload, the problem page's gallery, the
moderation queue."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation.models import QueueEntry
from participation.models import Problem, ProblemPhoto
from participation.services import problem_submit
from tests.participation.photo_samples import jpeg_upload, upload


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def html_of(response) -> str:
    return response.content.decode()


def _form(plan, photos) -> dict:
    return {"plan": plan.pk, "title": "درخت افتاده در پارک", "body": "از دیشب", "photos": photos}


def _with_photo(citizen, plan, n=1):
    return problem_submit(
        author=citizen,
        plan=plan,
        title="درخت افتاده",
        body="شرح",
        photos=[jpeg_upload(f"{i}.jpg", colour=(i * 40, 0, 0)) for i in range(n)],
    )


@pytest.mark.django_db
class TestReportForm:
    def test_the_form_takes_photos(self, client, citizen, plan):
        client.force_login(citizen)
        html = html_of(client.get("/problems/new/"))
        assert 'enctype="multipart/form-data"' in html
        assert 'name="photos" type="file" multiple accept="image/jpeg,image/png,image/webp"' in html
        assert "frontend/photos.js" in html
        assert "تا ۴ عکس" in html
        assert "۸ مگابایت" in html

    def test_upload_with_the_form(self, client, citizen, plan):
        client.force_login(citizen)
        response = client.post(
            "/problems/new/", _form(plan, [jpeg_upload(), jpeg_upload("b.jpg", (1, 1, 1))])
        )
        assert response.status_code == 302
        assert Problem.objects.get().photos.count() == 2

    def test_an_empty_file_input_is_no_photo(self, client, citizen, plan):
        # A browser sends a file input left empty as an empty part, which reaches the form
        # values as "" (the browser journeys without a photo caught this).
        client.force_login(citizen)
        response = client.post("/problems/new/", _form(plan, ""))
        assert response.status_code == 302
        assert Problem.objects.get().photos.count() == 0
        api = client.post("/api/v1/problems/", {**_form(plan, ""), "title": "دومی"})
        assert api.status_code == 201, api.content

    def test_a_refused_photo_keeps_the_text_and_names_the_file(self, client, citizen, plan):
        client.force_login(citizen)
        photos = [jpeg_upload(), upload(b"just text", "receipt.jpg")]
        response = client.post("/problems/new/", _form(plan, photos))
        assert response.status_code == 400
        html = html_of(response)
        assert "«receipt.jpg»" in html
        assert 'value="درخت افتاده در پارک"' in html
        assert "از دیشب" in html
        assert 'data-testid="photos-again"' in html
        assert not Problem.objects.exists()
        assert not ProblemPhoto.objects.exists()


@pytest.mark.django_db
class TestGallery:
    def test_the_published_problem_shows_thumbnails_to_guests(self, client, citizen, plan):
        problem = _with_photo(citizen, plan, n=2)
        Problem.objects.filter(pk=problem.pk).update(moderation_state="published")
        html = html_of(client.get(f"/problems/{problem.pk}/"))
        photo = problem.photos.order_by("position").first()
        assert f'href="/photos/{photo.pk}/full"' in html
        assert f'src="/photos/{photo.pk}/thumb" loading="lazy"' in html
        assert 'alt="عکس ۱ از ۲ — درخت افتاده"' in html
        assert "برداشتن" not in html  # a guest removes nothing

    def test_the_author_may_remove_while_pending(self, client, citizen, plan):
        problem = _with_photo(citizen, plan)
        client.force_login(citizen)
        html = html_of(client.get(f"/problems/{problem.pk}/"))
        photo = problem.photos.get()
        action = f"/problems/{problem.pk}/photos/{photo.pk}/remove/"
        assert f'action="{action}"' in html
        assert client.post(action).status_code == 302
        assert not ProblemPhoto.objects.exists()

    def test_others_cannot_remove(self, client, citizen, citizen2, plan):
        problem = _with_photo(citizen, plan)
        Problem.objects.filter(pk=problem.pk).update(moderation_state="published")
        client.force_login(citizen2)
        photo = problem.photos.get()
        assert client.post(f"/problems/{problem.pk}/photos/{photo.pk}/remove/").status_code == 403
        assert ProblemPhoto.objects.count() == 1


@pytest.mark.django_db
class TestModerationQueue:
    def test_the_moderator_sees_pending_photos_in_the_queue(self, client, citizen, moderator, plan):
        problem = _with_photo(citizen, plan, n=2)
        client.force_login(moderator)
        html = html_of(client.get("/moderation/arak/"))
        for photo in problem.photos.all():
            assert f'src="/photos/{photo.pk}/thumb"' in html
        assert client.get(f"/photos/{photo.pk}/full").status_code == 200

    def test_the_entry_partial_shows_them_too(self, client, citizen, moderator, plan):
        problem = _with_photo(citizen, plan)
        entry = QueueEntry.objects.get(problem=problem)
        client.force_login(moderator)
        html = html_of(client.get(f"/moderation/arak/entries/{entry.pk}/"))
        assert f'src="/photos/{problem.photos.get().pk}/thumb"' in html

    def test_queue_queries_do_not_grow_with_photos(self, client, citizen, moderator, plan):
        counts = []
        for rows in (1, 6):
            Problem.objects.all().delete()
            for _ in range(rows):
                _with_photo(citizen, plan, n=2)
            client.force_login(moderator)
            with CaptureQueriesContext(connection) as queries:
                assert client.get("/moderation/arak/").status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]
