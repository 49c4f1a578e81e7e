"""The map journey on a phone (390×844): a citizen reports a problem by tapping the map (no
geolocation) and attaching a photo, is told of a similar problem nearby, a moderator
approves it, and it appears on the plan's map page with its photo. Tiles come from
a local stub server (a generated PNG for any /{z}/{x}/{y}.png): no network."""

import copy
import importlib
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from playwright.sync_api import expect

from accounts.services import boundaries_import
from demo.boundaries import arak_boundaries
from participation.models import Problem
from tests.e2e.helpers import ARTIFACTS, shot, sign_in_with_password
from tests.e2e.test_photo_journey import _street_photo
from tests.factories import (
    CityFactory,
    DistrictFactory,
    PlanFactory,
    ProblemFactory,
    StaffRoleFactory,
    UserFactory,
)

_defaults = importlib.import_module("moderation.migrations.0003_default_rules")

TITLE = "چراغ‌های خاموش پارک محله"
BODY = "چند هفته است که چراغ‌های پارک شب‌ها روشن نمی‌شوند و پارک تاریک است."
PHONE_VIEW = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


def _tile_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (256, 256), (232, 238, 228))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, 255, 255), outline=(200, 208, 196))
    draw.line((0, 128, 255, 128), fill=(210, 214, 205), width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def tile_server():
    """A stub tile server on a free local port; yields (url template, requests served)."""
    png = _tile_png()
    served: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            parts = self.path.strip("/").split("/")
            if len(parts) == 3 and parts[2].endswith(".png"):
                served.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(png)))
                self.end_headers()
                self.wfile.write(png)
            else:
                self.send_error(404)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, name="tile-stub", daemon=True)
    thread.start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    yield origin, served
    server.shutdown()
    server.server_close()


def _tiles_at(settings, origin: str) -> None:
    """MAP_TILE_URL pointed at `origin`, with its origin allowed in CSP img-src as the
    settings module does for a configured tile server."""
    settings.MAP_TILE_URL = origin + "/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "کاشی‌های آزمایشی"
    policy = copy.deepcopy(django_settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["img-src"].append(origin)
    settings.CONTENT_SECURITY_POLICY = policy


@pytest.fixture
def arak_mapped(live):
    _defaults.create_rules(apps, None)
    arak = CityFactory(slug="arak", name="اراک")
    for number in (1, 2, 3, 4):
        DistrictFactory(city=arak, number=number, name=f"منطقه‌ی {number}")
    boundaries_import(actor=UserFactory(is_superuser=True), city=arak, geojson=arak_boundaries())
    plan = PlanFactory(city=arak, title="برنامه‌ی دوم اراک")
    UserFactory(username="citizen", display_name="مریم احمدی")
    StaffRoleFactory(city=arak, role="moderator", user__username="mod1")
    return plan


@pytest.fixture
def open_page(browser, live, request):
    contexts = []

    def _open(name: str):
        context = browser.new_context(base_url=live, locale="fa-IR", **PHONE_VIEW)
        contexts.append(context)
        return context.new_page()

    yield _open
    for context in contexts:
        context.close()


def test_report_by_tapping_the_map_then_see_it_on_the_plans_map(
    open_page, arak_mapped, tile_server, settings, tmp_path
):
    from decimal import Decimal

    settings.MEDIA_ROOT = tmp_path / "media"
    origin, served = tile_server
    _tiles_at(settings, origin)
    plan = arak_mapped

    # The citizen reports, putting the point by tapping the map.
    citizen = open_page("citizen")
    sign_in_with_password(citizen, "citizen")
    citizen.goto(f"/problems/new/?plan={plan.pk}")
    citizen.get_by_label("عنوان مسئله").fill(TITLE)
    citizen.get_by_label("شرح مسئله").fill(BODY)
    picker = citizen.get_by_test_id("picker-map")
    expect(picker).to_be_visible()
    expect(citizen.locator(".leaflet-tile-loaded").first).to_be_attached()
    # Nothing was asked of the browser: the consent panel is closed until the button.
    expect(citizen.get_by_test_id("picker-consent")).to_be_hidden()
    box = picker.bounding_box()
    picker.tap(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(citizen.get_by_test_id("picker-status")).to_contain_text("نقطه‌ی انتخاب‌شده")
    latitude = citizen.get_by_test_id("point-latitude").input_value()
    longitude = citizen.get_by_test_id("point-longitude").input_value()
    assert latitude
    assert longitude
    expect(citizen.get_by_test_id("picker-clear")).to_be_visible()
    # Someone reported nearly the same thing about 110 m north: tapping again (the pin moves
    # a little) asks for suggestions with the point, and the form says how far it is.
    nearby = ProblemFactory(
        plan=plan,
        title="خاموشی چراغ‌های پارک محله",
        latitude=Decimal(latitude) + Decimal("0.001"),
        longitude=Decimal(longitude),
    )
    picker.tap(position={"x": box["width"] / 2, "y": box["height"] / 2})
    near = citizen.get_by_test_id("similar-distance")
    expect(near).to_contain_text("متر آن‌طرف‌تر، با عنوان مشابه")
    shot(citizen, "map-journey-nearby-suggestion")
    # (It is taken down again, so the plan's map below shows the new problem on its own.)
    Problem.objects.filter(pk=nearby.pk).update(moderation_state="hidden")
    latitude = citizen.get_by_test_id("point-latitude").input_value()
    longitude = citizen.get_by_test_id("point-longitude").input_value()
    citizen.locator("input[name=photos]").set_input_files(
        [{"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": _street_photo()}]
    )
    # «use my location» explains and asks first; saying no asks the browser nothing.
    citizen.get_by_test_id("picker-locate").click()
    expect(citizen.get_by_test_id("picker-consent")).to_be_visible()
    citizen.get_by_role("button", name="نه، خودم روی نقشه می‌زنم").click()
    expect(citizen.get_by_test_id("picker-consent")).to_be_hidden()
    picker.scroll_into_view_if_needed()
    shot(citizen, "map-journey-report-form")
    citizen.get_by_role("button", name="ثبت مسئله").last.click()
    expect(citizen.get_by_text("پس از بررسی ناظران منتشر می‌شود")).to_be_visible()
    problem = Problem.objects.get(title=TITLE)
    assert str(problem.latitude) == latitude
    assert problem.district is not None  # found from the point

    # The moderator approves it from the queue.
    moderator = open_page("moderator")
    sign_in_with_password(moderator, "mod1")
    moderator.get_by_test_id("nav-moderation").click()
    entry = moderator.get_by_test_id("queue-entry").filter(has_text=TITLE)
    entry.get_by_test_id("claim-button").click()
    form = entry.get_by_test_id("decide-form")
    form.get_by_label("تأیید و انتشار").check()
    form.get_by_test_id("decide-submit").click()
    expect(moderator.get_by_test_id("decided-entry")).to_contain_text("«تأیید و انتشار»")

    # A visitor finds it on the plan's map: a pin whose popup links to the problem.
    visitor = open_page("visitor")
    visitor.goto(f"/plans/{plan.pk}/")
    visitor.get_by_test_id("plan-map-link").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text("نقشه‌ی مسائل")
    expect(visitor.get_by_test_id("map-summary")).to_have_text("۱ مسئله در این نما.")
    expect(visitor.get_by_test_id("map-notice")).to_be_hidden()  # tiles loaded
    marker = visitor.locator(".leaflet-marker-icon").first
    expect(marker).to_be_visible()
    shot(visitor, "map-journey-plan-map")
    marker.tap()
    link = visitor.get_by_test_id("map-popup-link")
    expect(link).to_have_text(TITLE)
    chart = visitor.get_by_test_id("choropleth")
    expect(chart).to_contain_text("منطقه‌ی")
    chart.scroll_into_view_if_needed()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(ARTIFACTS / "map-journey-choropleth.png"))
    link.click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_test_id("problem-map")).to_be_visible()
    # The photo is public now that the problem is: no EXIF, so no GPS position in it.
    thumbnail = visitor.get_by_test_id("problem-photos").locator("img").first
    expect(thumbnail).to_be_visible()
    assert thumbnail.evaluate("img => img.naturalWidth") > 0
    shot(visitor, "map-journey-problem-page")
    assert served, "the map asked the stub for tiles"
    assert all(path.endswith(".png") for path in served)


def test_when_tiles_fail_the_map_says_so_and_still_works(open_page, arak_mapped, settings):
    # A tile server that is not there: every tile errors.
    _tiles_at(settings, "http://127.0.0.1:9")
    citizen = open_page("citizen")
    sign_in_with_password(citizen, "citizen")
    citizen.goto(f"/problems/new/?plan={arak_mapped.pk}")
    notice = citizen.locator("[data-point-picker] [data-map-notice]")
    expect(notice).to_contain_text("نقشه‌ی پایه بار نشد")
    picker = citizen.get_by_test_id("picker-map")
    box = picker.bounding_box()
    picker.tap(position={"x": box["width"] / 2, "y": box["height"] / 2})
    expect(citizen.get_by_test_id("picker-status")).to_contain_text("نقطه‌ی انتخاب‌شده")
    shot(citizen, "map-journey-tiles-failed")


def test_without_tiles_the_base_map_is_off(open_page, arak_mapped):
    visitor = open_page("visitor")
    visitor.goto(f"/plans/{arak_mapped.pk}/map/")
    expect(visitor.get_by_test_id("map-notice")).to_contain_text("نقشه‌ی پایه خاموش است")
    expect(visitor.locator(".leaflet-tile")).to_have_count(0)
    expect(
        visitor.locator("path.leaflet-interactive, .leaflet-overlay-pane path").first
    ).to_be_attached()
    shot(visitor, "map-journey-no-tiles")
