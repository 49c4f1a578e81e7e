"""Photo journey on a phone: a citizen reports a problem with a photo (the file input, with
its preview), a moderator sees the photo in the queue and approves, a guest sees it on the
problem page."""

import importlib
import io

import pytest
from django.apps import apps
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from participation.models import Problem
from tests.e2e.helpers import shot, sign_in_with_password
from tests.factories import CityFactory, PlanFactory, StaffRoleFactory, UserFactory

_defaults = importlib.import_module("moderation.migrations.0003_default_rules")

TITLE = "آسفالت ریخته‌ی کوچه‌ی بهار"
PHONE_VIEW = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def _street_photo() -> bytes:
    """A 1200×900 JPEG drawn here: a grey road with a dark pothole, carrying GPS EXIF."""
    image = Image.new("RGB", (1200, 900), (120, 170, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 450, 1200, 900), fill=(90, 90, 95))
    draw.ellipse((420, 600, 780, 760), fill=(35, 30, 30))
    draw.rectangle((560, 470, 640, 900), fill=(240, 240, 240))
    exif = Image.Exif()
    exif.get_ifd(0x8825).update({1: "N", 2: (34.0, 5.0, 1.0), 3: "E", 4: (49.0, 41.0, 2.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


@pytest.fixture
def people(live, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _defaults.create_rules(apps, None)
    arak = CityFactory(slug="arak", name="اراک")
    PlanFactory(city=arak, title="برنامه‌ی دوم اراک")
    UserFactory(username="citizen", display_name="مریم احمدی", show_name_publicly=True)
    StaffRoleFactory(
        city=arak, role="moderator", user__username="mod1", user__display_name="ناظر اول"
    )


def _loaded(img) -> bool:
    return img.evaluate("el => el.complete && el.naturalWidth > 0")


def test_report_with_a_photo_moderate_and_see_it(browser, live, people, request):
    contexts = []

    def open_page():
        context = browser.new_context(base_url=live, locale="fa-IR", **PHONE_VIEW)
        contexts.append(context)
        return context.new_page()

    try:
        # The citizen reports with a photo; the form previews it before sending.
        citizen = open_page()
        sign_in_with_password(citizen, "citizen", "مریم احمدی")
        citizen.goto("/problems/new/")
        citizen.get_by_test_id("problem-title").fill(TITLE)
        citizen.get_by_label("شرح مسئله").fill("کامیون قیر ریخته و کوچه پر از چاله شده است.")
        photo_input = citizen.get_by_test_id("problem-photos")
        photo_input.set_input_files(
            [{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": _street_photo()}]
        )
        preview = citizen.locator("[data-photo-previews] img")
        expect(preview).to_have_count(1)
        # The preview really shows (the page's CSP must allow how it is drawn).
        citizen.wait_for_function(
            "el => el.complete && el.naturalWidth > 0", arg=preview.element_handle()
        )
        expect(citizen.locator("[data-photo-count]")).to_have_text("۱ عکس انتخاب شد")
        photo_input.scroll_into_view_if_needed()
        shot(citizen, "photo-journey-1-form-phone")
        citizen.get_by_test_id("problem-form").get_by_role("button", name="ثبت مسئله").click()
        expect(citizen.get_by_test_id("notice")).to_contain_text("پس از بررسی ناظران")
        problem = Problem.objects.get(title=TITLE)
        photo = problem.photos.get()
        assert max(photo.width, photo.height) == 1200  # under the 1600 px long side

        # A guest cannot see the pending photo.
        guest = open_page()
        assert guest.request.get(f"{live}/photos/{photo.pk}/thumb").status == 404

        # The moderator sees it in the queue, opens nothing else, and approves.
        moderator = open_page()
        sign_in_with_password(moderator, "mod1", "ناظر اول")
        moderator.goto("/moderation/arak/")
        entry = moderator.get_by_test_id("queue-entry").filter(has_text=TITLE)
        thumb = entry.get_by_test_id("problem-photo")
        expect(thumb).to_be_visible()
        thumb.scroll_into_view_if_needed()
        moderator.wait_for_function(
            "el => el.complete && el.naturalWidth > 0", arg=thumb.element_handle()
        )
        shot(moderator, "photo-journey-2-queue-phone")
        entry.get_by_test_id("claim-button").click()
        form = entry.get_by_test_id("decide-form")
        expect(form).to_be_visible()
        form.get_by_label("تأیید و انتشار").check()
        form.get_by_test_id("decide-submit").click()
        expect(moderator.get_by_test_id("decided-entry")).to_be_visible()

        # The guest sees the gallery on the problem page; the thumbnail is the served one.
        guest.goto(f"/problems/{problem.pk}/")
        image = guest.get_by_test_id("problem-photo")
        expect(image).to_have_attribute("alt", f"عکس ۱ از ۱ — {TITLE}")
        image.scroll_into_view_if_needed()
        guest.wait_for_function(
            "el => el.complete && el.naturalWidth > 0", arg=image.element_handle()
        )
        assert _loaded(image)
        assert image.evaluate("el => el.naturalWidth") == 480
        widths = guest.evaluate(
            "({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
        )
        assert widths["scroll"] <= widths["inner"]
        shot(guest, "photo-journey-3-problem-phone")
        served = guest.request.get(f"{live}/photos/{photo.pk}/full")
        assert served.status == 200
        assert served.headers["cache-control"].startswith("public")
        assert b"Exif" not in served.body()
    finally:
        for context in contexts:
            context.close()
