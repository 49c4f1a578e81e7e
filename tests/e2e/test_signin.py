"""Foundation acceptance journey: a Persian, RTL home page and signing in by phone code."""

import re

import pytest
from playwright.sync_api import expect

from accounts.otp_senders import OutboxSender
from tests.e2e.helpers import shot
from tests.factories import StaffRoleFactory, UserFactory

PHONE = "09120000001"
PHONE_FA = "۰۹۱۲۰۰۰۰۰۰۱"
NAME = "مریم احمدی"


@pytest.fixture
def citizen(live):
    return UserFactory(username="citizen", phone=PHONE, display_name=NAME, show_name_publicly=True)


def request_code(page, phone: str) -> None:
    page.get_by_label("شماره همراه").press_sequentially(phone)
    page.get_by_role("button", name="دریافت کد ورود").click()


def test_static_files_are_served(page):
    response = page.request.get("/static/frontend/app.css")
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/css")


def test_pages_load_every_asset(page):
    failed = []

    def on_response(response):
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", on_response)
    page.on("requestfailed", lambda r: failed.append(f"{r.failure} {r.url}"))
    page.goto("/", wait_until="networkidle")
    # Browsers ask for /favicon.ico on their own; the site does not claim to have one.
    assert [f for f in failed if not f.endswith("/favicon.ico")] == []


def _check_persian_home(page) -> None:
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("مسائل شهرمان را با هم پیدا کنیم")
    expect(heading).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    widths = page.evaluate(
        "({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"horizontal overflow: {widths}"


def _rendering_fonts(page, selector: str) -> list[str]:
    """Families Chromium actually used to draw `selector`, most glyphs first."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [f["familyName"] for f in sorted(fonts, key=lambda f: -f["glyphCount"])]


def test_home_is_persian_rtl_and_fits_a_phone(page, desktop_page):
    _check_persian_home(page)
    # A Persian font from the stylesheet's stack must draw the heading; a fallback font
    # without Arabic-script glyphs would show boxes (missing fonts on the machine).
    stack = page.evaluate("getComputedStyle(document.querySelector('h1')).fontFamily")
    declared = {name.strip().strip("\"'").lower() for name in stack.split(",")}
    used = _rendering_fonts(page, "h1")
    assert used, f"h1 drawn with no font, stack {stack}"
    assert used[0].lower() in declared, f"h1 drawn with {used}, stack {stack}"
    shot(page, "home-phone")

    _check_persian_home(desktop_page)
    shot(desktop_page, "home-desktop")


def test_citizen_signs_in_with_a_code(page, citizen):
    page.goto("/")
    page.get_by_role("link", name="ورود با شماره همراه").click()
    expect(page).to_have_url(re.compile(r"/signin/"))
    request_code(page, PHONE_FA)

    code_form = page.get_by_test_id("code-form")
    expect(code_form).to_be_visible()
    shot(page, "signin-code-step")
    # Read the code the way the phone receives it: from the sender, never from the page.
    code = OutboxSender.last_code_for(PHONE)
    assert code
    page.get_by_label("کد ورود").press_sequentially(code)
    code_form.get_by_role("button", name="ورود").click()

    expect(page.get_by_test_id("current-user")).to_have_text(NAME)
    expect(page).to_have_url(re.compile(r"/$"))
    # app.js marks the body once the live-notification websocket is open.
    expect(page.locator("body")).to_have_attribute("data-live-connected", "1")


def test_malformed_phone_is_refused_in_persian(page):
    page.goto("/")
    page.get_by_role("banner").get_by_role("link", name="ورود", exact=True).click()
    request_code(page, "۱۲۳")

    expect(page.get_by_test_id("signin-error")).to_contain_text("شماره همراه نامعتبر است")
    expect(page).to_have_url(re.compile(r"/signin/"))
    expect(page.get_by_test_id("phone-form")).to_be_visible()
    assert OutboxSender.outbox == []


def test_wrong_code_does_not_sign_in(page, citizen):
    page.goto("/signin/")
    request_code(page, PHONE_FA)
    code = OutboxSender.last_code_for(PHONE)
    assert code
    wrong = "11111" if code != "11111" else "22222"
    page.get_by_label("کد ورود").press_sequentially(wrong)
    page.get_by_test_id("code-form").get_by_role("button", name="ورود").click()

    expect(page.get_by_test_id("signin-error")).to_contain_text("کد نادرست است")
    expect(page.get_by_test_id("code-form")).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_count(0)
    page.goto("/")
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_staff_signs_in_with_a_password(page, live):
    staff = StaffRoleFactory(
        role="planner", user__username="planner", user__display_name="رضا کریمی"
    ).user
    page.goto("/signin/")
    page.get_by_text("ورود کارکنان با رمز عبور").click()
    form = page.get_by_test_id("password-form")

    form.get_by_label("نام کاربری").fill(staff.username)
    form.get_by_label("رمز عبور").fill("not-the-password")
    form.get_by_role("button", name="ورود").click()
    expect(page.get_by_test_id("signin-error")).to_contain_text("رمز عبور نادرست")
    # The section stays open after a refusal, so the person can try again.
    expect(form).to_be_visible()

    form.get_by_label("نام کاربری").fill(staff.username)
    form.get_by_label("رمز عبور").fill("demo")
    form.get_by_role("button", name="ورود").click()
    expect(page.get_by_test_id("current-user")).to_have_text("رضا کریمی")
    expect(page.locator("body")).to_have_attribute("data-live-connected", "1")
