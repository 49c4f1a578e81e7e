"""POST /api/v1/problems/ with photos (multipart) and the photos in ProblemOut."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from participation.models import Problem, ProblemPhoto
from participation.services import problem_submit
from tests.factories import ProblemFactory, UserFactory
from tests.participation.photo_samples import image_bytes, jpeg_upload, upload

URL = "/api/v1/problems/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _payload(plan, photos):
    return {"plan": plan.pk, "title": "آب‌گرفتگی زیرگذر", "body": "هر باران", "photos": photos}


@pytest.mark.django_db
class TestCreate:
    def test_multipart_with_two_photos(self, as_user, citizen, plan):
        photos = [jpeg_upload("a.jpg"), jpeg_upload("b.jpg", colour=(9, 9, 9))]
        response = as_user(citizen).post(URL, _payload(plan, photos), format="multipart")
        assert response.status_code == 201, response.json()
        shown = response.json()["photos"]
        assert len(shown) == 2
        first = ProblemPhoto.objects.order_by("position").first()
        assert shown[0] == {
            "id": first.pk,
            "url": f"/photos/{first.pk}/full",
            "thumbnail_url": f"/photos/{first.pk}/thumb",
            "width": 640,
            "height": 480,
        }

    def test_the_urls_answer_for_the_author(self, as_user, client, citizen, plan):
        response = as_user(citizen).post(URL, _payload(plan, [jpeg_upload()]), format="multipart")
        client.force_login(citizen)
        served = client.get(response.json()["photos"][0]["thumbnail_url"])
        assert served.status_code == 200
        image = Image.open(io.BytesIO(served.content))
        assert max(image.size) <= 480

    def test_json_without_photos_still_works(self, as_user, citizen, plan):
        payload = {"plan": plan.pk, "title": "عنوان", "body": "شرح"}
        response = as_user(citizen).post(URL, payload, format="json")
        assert response.status_code == 201
        assert response.json()["photos"] == []

    def test_a_text_file_is_a_persian_400_naming_it(self, as_user, citizen, plan):
        photos = [upload("سلام".encode(), "fake.jpg")]
        response = as_user(citizen).post(URL, _payload(plan, photos), format="multipart")
        assert response.status_code == 400
        assert response.json()["code"] == "photo_not_image"
        assert "fake.jpg" in response.json()["detail"]
        assert not Problem.objects.exists()

    def test_a_file_over_the_limit_is_a_413(self, as_user, citizen, plan, settings):
        settings.PHOTO_MAX_BYTES = 1000
        photos = [upload(image_bytes("JPEG", size=(400, 400)), "huge.jpg")]
        response = as_user(citizen).post(URL, _payload(plan, photos), format="multipart")
        assert response.status_code == 413
        assert "huge.jpg" in response.json()["detail"]

    def test_five_photos(self, as_user, citizen, plan):
        photos = [jpeg_upload(f"{i}.jpg", colour=(i, 0, 0)) for i in range(5)]
        response = as_user(citizen).post(URL, _payload(plan, photos), format="multipart")
        assert response.status_code == 400
        assert response.json()["code"] == "too_many_photos"

    def test_too_many_files_for_the_request_is_a_400(self, as_user, citizen, plan):
        photos = [jpeg_upload(f"{i}.jpg", colour=(i, 0, 0)) for i in range(12)]
        response = as_user(citizen).post(URL, _payload(plan, photos), format="multipart")
        assert response.status_code == 400

    def test_a_string_in_place_of_a_file(self, as_user, citizen, plan):
        payload = {"plan": plan.pk, "title": "عنوان", "body": "شرح", "photos": ["abc"]}
        response = as_user(citizen).post(URL, payload, format="json")
        assert response.status_code == 400
        assert "photos" in response.json()


@pytest.mark.django_db
class TestOutput:
    def test_a_rejected_problem_shows_no_photos_to_others(self, api_client, citizen, plan):
        problem = problem_submit(
            author=citizen, plan=plan, title="عنوان", body="شرح", photos=[jpeg_upload()]
        )
        Problem.objects.filter(pk=problem.pk).update(moderation_state="rejected")
        assert api_client.get(f"{URL}{problem.pk}/").status_code == 404
        assert api_client.get(URL).json()["results"] == []

    def test_list_query_count_is_constant_with_photos(self, api_client, plan):
        counts = []
        for rows in (1, 20):
            Problem.objects.all().delete()
            for i in range(rows):
                problem = ProblemFactory(plan=plan)
                ProblemPhoto.objects.create(
                    problem=problem,
                    image=f"x/{i}.jpg",
                    thumbnail=f"x/{i}-t.jpg",
                    width=10,
                    height=10,
                    bytes=1,
                    content_hash=f"{i}",
                )
            with CaptureQueriesContext(connection) as queries:
                results = api_client.get(URL).json()["results"]
            assert len(results) == rows
            assert all(len(r["photos"]) == 1 for r in results)
            counts.append(len(queries))
        assert counts[0] == counts[1]

    def test_my_posts_lists_own_photos(self, as_user, citizen, plan):
        problem_submit(author=citizen, plan=plan, title="عنوان", body="شرح", photos=[jpeg_upload()])
        mine = as_user(citizen).get("/api/v1/me/posts/")
        assert mine.status_code == 200
        assert len(mine.json()["problems"][0]["photos"]) == 1
        other = as_user(UserFactory()).get(URL).json()["results"]
        assert other == []
