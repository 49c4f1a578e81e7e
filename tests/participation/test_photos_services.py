"""problem_submit(photos=…) and problem_photo_remove: all or nothing, limits, storage."""

import pytest
from django.core.files.storage import default_storage

from accounts.models import Activity
from backend.errors import Conflict, DomainError, Refused
from participation.models import Problem, ProblemPhoto
from participation.services import problem_photo_remove, problem_submit
from tests.factories import ProblemFactory
from tests.participation.photo_samples import image_bytes, jpeg_upload, jpeg_with_gps, upload


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored_files(root) -> list:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def _submit(author, plan, photos):
    return problem_submit(
        author=author, plan=plan, title="چاله‌ی بزرگ خیابان", body="شرح", photos=photos
    )


@pytest.mark.django_db
class TestSubmitWithPhotos:
    def test_photos_are_stored_in_order_under_random_names(self, citizen, plan, media):
        problem = _submit(
            citizen,
            plan,
            [jpeg_upload("my-house-at-12-main-st.jpg"), jpeg_upload("b.jpg", colour=(1, 2, 3))],
        )
        photos = list(problem.photos.order_by("position"))
        assert [p.position for p in photos] == [0, 1]
        for photo in photos:
            assert photo.image.startswith("problem-photos/")
            assert "main-st" not in photo.image
            assert default_storage.exists(photo.image)
            assert default_storage.exists(photo.thumbnail)
            assert (photo.width, photo.height) == (640, 480)
            assert photo.bytes > 0
        assert len(_stored_files(media)) == 4

    def test_stored_files_have_no_gps(self, citizen, plan):
        problem = _submit(citizen, plan, [upload(jpeg_with_gps())])
        photo = problem.photos.get()
        for name in (photo.image, photo.thumbnail):
            with default_storage.open(name) as stored:
                data = stored.read()
            assert b"Exif" not in data
            assert b"Secret Person" not in data

    def test_without_photos_nothing_is_written(self, citizen, plan, media):
        _submit(citizen, plan, [])
        assert _stored_files(media) == []
        assert ProblemPhoto.objects.count() == 0

    def test_one_bad_photo_stores_no_problem_and_no_file(self, citizen, plan, media):
        photos = [jpeg_upload("good.jpg"), upload(b"%PDF-1.4 not a photo", "bill.pdf")]
        with pytest.raises(DomainError) as caught:
            _submit(citizen, plan, photos)
        assert "bill.pdf" in caught.value.message
        assert Problem.objects.count() == 0
        assert ProblemPhoto.objects.count() == 0
        assert _stored_files(media) == []

    def test_a_fifth_photo_is_refused(self, citizen, plan, media):
        photos = [jpeg_upload(f"{i}.jpg", colour=(i, i, i)) for i in range(5)]
        with pytest.raises(DomainError) as caught:
            _submit(citizen, plan, photos)
        assert caught.value.code == "too_many_photos"
        assert "۴" in caught.value.message
        assert Problem.objects.count() == 0
        assert _stored_files(media) == []

    def test_four_photos_are_fine(self, citizen, plan):
        photos = [jpeg_upload(f"{i}.jpg", colour=(i, i, i)) for i in range(4)]
        assert _submit(citizen, plan, photos).photos.count() == 4

    def test_the_same_photo_twice_is_refused(self, citizen, plan, media):
        data = image_bytes("JPEG")
        with pytest.raises(DomainError) as caught:
            _submit(citizen, plan, [upload(data, "a.jpg"), upload(data, "copy-of-a.jpg")])
        assert caught.value.code == "photo_duplicate"
        assert "copy-of-a.jpg" in caught.value.message
        assert Problem.objects.count() == 0

    def test_the_same_photo_on_two_problems_is_fine(self, citizen, plan):
        data = image_bytes("JPEG")
        _submit(citizen, plan, [upload(data)])
        _submit(citizen, plan, [upload(data)])
        assert ProblemPhoto.objects.count() == 2

    def test_a_failing_row_write_deletes_the_files_written(self, citizen, plan, media):
        """The storage is written before the rows: if the rows fail (here: a photo row
        that breaks the one-hash-per-problem constraint), the files go too."""
        from participation import services
        from participation.photos import photo_process

        prepared = [photo_process(jpeg_upload())] * 2  # the same hash twice, past the check
        problem = ProblemFactory(plan=plan, author=citizen)
        with pytest.raises(Exception):  # noqa: B017,PT011 — the database's IntegrityError
            services._photos_store(problem, prepared)
        assert _stored_files(media) == []


@pytest.mark.django_db
class TestRemovePhoto:
    def _problem(self, author, plan, state="pending"):
        problem = _submit(author, plan, [jpeg_upload()])
        Problem.objects.filter(pk=problem.pk).update(moderation_state=state)
        return Problem.objects.get(pk=problem.pk)

    def test_the_author_removes_while_pending(self, citizen, plan, media):
        problem = self._problem(citizen, plan)
        photo = problem.photos.get()
        problem_photo_remove(actor=citizen, photo=photo)
        assert not ProblemPhoto.objects.exists()
        entry = Activity.objects.get(action="problem.photo_remove")
        assert entry.actor == citizen
        assert entry.city_id == plan.city_id

    def test_files_go_after_commit(self, citizen, plan, media, django_capture_on_commit_callbacks):
        problem = self._problem(citizen, plan)
        with django_capture_on_commit_callbacks(execute=True):
            problem_photo_remove(actor=citizen, photo=problem.photos.get())
        assert _stored_files(media) == []

    def test_the_author_cannot_once_published(self, citizen, plan):
        problem = self._problem(citizen, plan, state="published")
        with pytest.raises(Conflict) as caught:
            problem_photo_remove(actor=citizen, photo=problem.photos.get())
        assert caught.value.code == "photo_locked"

    def test_a_moderator_of_the_city_removes_any_time(self, citizen, moderator, plan):
        problem = self._problem(citizen, plan, state="published")
        problem_photo_remove(actor=moderator, photo=problem.photos.get())
        assert not ProblemPhoto.objects.exists()

    def test_others_are_refused(self, citizen, citizen2, qom_moderator, plan):
        problem = self._problem(citizen, plan)
        for other in (citizen2, qom_moderator):
            with pytest.raises(Refused):
                problem_photo_remove(actor=other, photo=problem.photos.get())
        assert ProblemPhoto.objects.count() == 1
