"""Feedback on every action, at phone size (issue 13, findings 2, 3 and 9).

A slow network: «ثبت نظر», support and a plain form show «در حال ارسال…» on a disabled
button, and a second tap sends nothing; a failed request says so in Persian. A moderator's
decision reaches the citizen on «نوشته‌های من» as a toast, and the row changes state without
a reload. Opening the notifications marks them read. «کد تازه بفرست» too soon keeps the
code step. An arrow key on the footer's languages changes nothing. Focus follows claim and
decide in the moderation queue.
"""

import importlib
import json
import re
import threading
import time

import pytest
from django.apps import apps
from django.db import connection
from playwright.sync_api import expect

from accounts.models import Notification
from accounts.otp_senders import OutboxSender
from tests.e2e.helpers import shot, sign_in_with_password
from tests.factories import CityFactory, PlanFactory, ProblemFactory, StaffRoleFactory, UserFactory

_defaults = importlib.import_module("moderation.migrations.0003_default_rules")

PHONE = "09120000002"
PHONE_FA = "۰۹۱۲۰۰۰۰۰۰۲"
NAME = "سارا رضایی"


@pytest.fixture
def world(live):
    """Arak, a plan in consultation, a citizen, a moderator, and a published problem by
    someone else (to comment on and support); the default rules."""
    _defaults.create_rules(apps, None)
    arak = CityFactory(slug="arak", name="اراک")
    plan = PlanFactory(city=arak, title="برنامه‌ی دوم اراک")
    citizen = UserFactory(username="citizen", phone=PHONE, display_name=NAME)
    moderator = StaffRoleFactory(
        city=arak, role="moderator", user__username="mod1", user__display_name="ناظر اول"
    ).user
    other = ProblemFactory(plan=plan, title="پیاده‌روی شکسته‌ی خیابان امام")
    return {"plan": plan, "citizen": citizen, "moderator": moderator, "problem": other}


def in_own_thread(work):
    """Run `work` outside the test thread (whose Playwright loop would hold back the live
    events the services send on commit); return its result."""
    result, failure = {}, {}

    def run():
        try:
            result["value"] = work()
        except Exception as error:  # re-raised in the test thread
            failure["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure["error"]
    return result["value"]


def sign_in_with_code(page) -> None:
    page.goto("/signin/")
    page.get_by_label("شماره همراه").press_sequentially(PHONE_FA)
    page.get_by_role("button", name="دریافت کد ورود").click()
    code = OutboxSender.last_code_for(PHONE)
    assert code
    page.get_by_label("کد ورود").press_sequentially(code)
    page.get_by_test_id("code-form").get_by_role("button", name="ورود").click()
    expect(page.get_by_test_id("current-user")).to_have_text(NAME)


class HeldPosts:
    """Holds every POST to the routed address until `release()`: a very slow network,
    with a count of what the page actually sent."""

    def __init__(self, page, pattern: str):
        self.routes: list = []
        self.page = page
        self.pattern = pattern
        page.route(pattern, self._handle)

    def _handle(self, route):
        if route.request.method == "POST":
            self.routes.append(route)
        else:
            route.continue_()

    def release(self):
        for route in self.routes:
            route.continue_()
        self.page.unroute(self.pattern)


def tap(page, locator) -> None:
    """A finger on the element's centre, whatever state the element is in."""
    box = locator.bounding_box()
    assert box
    page.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)


def assert_fits(page) -> None:
    widths = page.evaluate(
        "({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"horizontal overflow: {widths}"


def test_slow_comment_and_support_show_progress_and_send_once(page, world):
    sign_in_with_code(page)
    problem = world["problem"]
    page.goto(f"/problems/{problem.pk}/")

    # «ثبت نظر» on a slow network: disabled at once, «در حال ارسال…», one request only.
    held = HeldPosts(page, "**/comments/")
    form = page.get_by_test_id("comment-form")
    form.get_by_label("نظر شما").fill("این پیاده‌رو را هر روز با کالسکه می‌روم؛ خطرناک است.")
    button = form.get_by_role("button", name="ثبت نظر")
    button.scroll_into_view_if_needed()
    tap(page, button)
    expect(button).to_be_disabled()
    expect(form.get_by_text("در حال ارسال…")).to_be_visible()
    expect(form).to_have_attribute("aria-busy", "true")
    tap(page, button)  # the second tap lands on a disabled button
    page.wait_for_timeout(400)
    assert len(held.routes) == 1
    assert_fits(page)
    shot(page, "finding2-slow-comment")
    held.release()
    expect(page.get_by_test_id("comment-notice")).to_be_visible()
    expect(page.get_by_test_id("comment-notice")).to_be_focused()  # focus kept after the swap
    assert problem.comments.count() == 1

    # Support: a server error and a lost connection are said in Persian, not swallowed.
    support = page.get_by_test_id("support-button")
    page.route("**/support/", lambda route: route.fulfill(status=500, body="boom"))
    support.click()
    error = page.get_by_test_id("request-error")
    expect(error).to_contain_text("خطایی در سرور رخ داد")
    expect(error).to_have_attribute("role", "alert")
    expect(support).to_be_enabled()
    shot(page, "finding2-support-server-error")
    page.unroute("**/support/")
    page.route("**/support/", lambda route: route.abort("internetdisconnected"))
    support.click()
    expect(error).to_contain_text("اتصال برقرار نشد")
    page.unroute("**/support/")

    # And slow: one request for two taps, then the count moves.
    held = HeldPosts(page, "**/support/")
    tap(page, support)
    expect(support).to_be_disabled()
    expect(page.locator("#support-box").get_by_text("در حال ارسال…")).to_be_visible()
    tap(page, support)
    page.wait_for_timeout(400)
    assert len(held.routes) == 1
    shot(page, "finding2-slow-support")
    held.release()
    expect(page.get_by_test_id("supports-count")).to_have_text("۱")
    expect(page.get_by_test_id("request-error")).to_have_count(0)
    assert problem.supports.count() == 1


def test_plain_form_is_disabled_while_it_sends_and_again_usable_after_back(page, world):
    page.goto("/signin/")
    posts = []
    page.on("request", lambda r: posts.append(r) if r.method == "POST" else None)

    def slow(route):
        if route.request.method == "POST":
            time.sleep(1.5)  # a slow network: the answer is late
        route.continue_()

    page.route("**/signin/", slow)
    # The form's state while it sends is read by the page itself, after app.js has seen the
    # submit, and kept in sessionStorage across the navigation; the second tap is a click on
    # the button and a submit by the Enter key, while the first is on its way.
    page.evaluate(
        """() => window.addEventListener('submit', () => {
            if (sessionStorage.getItem('seen')) { return; }
            const form = document.querySelector('[data-testid=phone-form]');
            const button = form.querySelector('button[type=submit]');
            const note = form.querySelector('[data-sending-indicator]');
            sessionStorage.setItem('seen', JSON.stringify({
                disabled: button.disabled, busy: form.getAttribute('aria-busy'),
                note: note && getComputedStyle(note).display !== 'none' ? note.textContent : ''}));
            button.click();
            form.requestSubmit();
        })"""
    )
    page.get_by_label("شماره همراه").press_sequentially(PHONE_FA)
    tap(page, page.get_by_role("button", name="دریافت کد ورود"))
    expect(page.get_by_test_id("code-form")).to_be_visible()
    shown = json.loads(page.evaluate("sessionStorage.getItem('seen')"))
    assert shown["disabled"] is True
    assert shown["busy"] == "true"
    assert "در حال ارسال…" in shown["note"]
    assert len(posts) == 1
    assert len(OutboxSender.outbox) == 1
    page.unroute("**/signin/")
    # Back to the number step: its button works again (the page may come from the cache).
    page.go_back()
    expect(page.get_by_role("button", name="دریافت کد ورود")).to_be_enabled()


def test_decision_arrives_as_a_toast_and_my_posts_change_in_place(page, world):
    from moderation import services
    from moderation.models import QueueEntry
    from participation.services import problem_submit

    title = "آب‌گرفتگی کوچه‌ی بهار پس از هر باران"
    sign_in_with_code(page)
    problem = in_own_thread(
        lambda: problem_submit(
            author=world["citizen"], plan=world["plan"], title=title, body="کوچه پر از آب می‌شود."
        )
    )
    page.get_by_role("navigation", name="بخش‌ها").get_by_role("link", name="نوشته‌های من").click()
    row = page.locator(f"#post-problem-{problem.pk}")
    expect(row.get_by_test_id("post-state")).to_have_text("در انتظار بررسی")
    expect(page.locator("body")).to_have_attribute("data-live-connected", "1")
    page.evaluate("window.__sameDocument = true")

    def decide():
        entry = QueueEntry.objects.get(problem=problem, closed_at__isnull=True)
        services.decision_apply(moderator=world["moderator"], entry_id=entry.pk, outcome="approve")

    in_own_thread(decide)

    toast = page.get_by_test_id("toast")
    expect(toast).to_be_visible()
    expect(toast).to_contain_text(title)
    expect(toast).to_contain_text("منتشر شد.")
    expect(page.locator("[data-toasts]")).to_have_attribute("role", "status")
    expect(row.get_by_test_id("post-state")).to_have_text("منتشرشده")
    assert page.evaluate("window.__sameDocument === true"), "«نوشته‌های من» was reloaded"
    expect(page.locator("[data-unread-badge]")).to_have_text("۱")
    assert_fits(page)
    shot(page, "finding3-toast")
    # The toast leads to the post, and closes with its button.
    expect(toast.get_by_test_id("toast-link")).to_have_attribute("href", f"/problems/{problem.pk}/")
    toast.get_by_test_id("toast-close").click()
    expect(toast).to_have_count(0)


def test_opening_the_notifications_marks_them_read(page, world):
    from accounts.services import notification_send

    sign_in_with_code(page)
    in_own_thread(
        lambda: [
            notification_send(
                user_ids=[world["citizen"].pk], kind="k", payload={"message": f"پیام {i}"}
            )
            for i in range(3)
        ]
    )
    page.goto("/plans/")
    badge = page.locator("[data-unread-badge]")
    expect(badge).to_have_text("۳")
    nav = page.get_by_test_id("nav-notifications")
    expect(nav).to_contain_text("خوانده‌نشده")
    nav.click()
    expect(page.get_by_test_id("new-label")).to_have_count(3)
    expect(badge).to_be_hidden()
    expect(page.get_by_test_id("mark-all-read")).to_have_count(0)
    assert_fits(page)
    shot(page, "finding3-notifications-read")
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    page.goto("/plans/")
    expect(badge).to_be_hidden()


def test_resend_code_too_soon_keeps_the_code_step(page, world):
    page.goto("/signin/")
    page.get_by_label("شماره همراه").press_sequentially(PHONE_FA)
    page.get_by_role("button", name="دریافت کد ورود").click()
    code = OutboxSender.last_code_for(PHONE)
    page.get_by_test_id("resend-code").click()
    wait = page.get_by_test_id("resend-wait")
    expect(wait).to_contain_text("ثانیه‌ی دیگر می‌توانید بخواهید")
    expect(page.get_by_test_id("code-form")).to_be_visible()
    expect(page.get_by_test_id("phone-form")).to_have_count(0)
    assert_fits(page)
    shot(page, "finding9-resend-wait")
    # The code already sent still signs in.
    page.get_by_label("کد ورود").press_sequentially(code)
    page.get_by_test_id("code-form").get_by_role("button", name="ورود").click()
    expect(page.get_by_test_id("current-user")).to_have_text(NAME)


def test_arrow_keys_on_the_language_list_do_not_switch(page, world):
    page.goto("/plans/")
    english = page.get_by_test_id("language-switch").get_by_role("button", name="English")
    english.focus()
    for key in ("ArrowDown", "ArrowUp", "ArrowLeft", "ArrowRight"):
        english.press(key)
    page.wait_for_timeout(300)
    expect(page.locator("html")).to_have_attribute("lang", "fa")
    shot(page, "finding9-language-list")
    english.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_test_id("language-switch").get_by_role("button", name="فارسی").click()
    expect(page.locator("html")).to_have_attribute("lang", "fa")


def test_sorting_is_visible_on_problems(page, world):
    page.goto("/problems/")
    ordering = page.get_by_label("ترتیب")
    expect(ordering).to_be_visible()
    ordering.select_option("most_supported")
    page.get_by_role("button", name="مرتب کن").click()
    expect(page).to_have_url(re.compile(r"ordering=most_supported"))
    assert_fits(page)
    shot(page, "finding9-sort-visible")


def test_focus_follows_claim_and_decide_in_the_queue(page, world):
    from participation.services import problem_submit

    def submit():
        return [
            problem_submit(
                author=world["citizen"], plan=world["plan"], title=title, body="شرح کوتاه."
            )
            for title in ("چراغ خاموش کوچه‌ی یاس", "سطل زباله‌ی شکسته‌ی پارک")
        ]

    first, second = in_own_thread(submit)
    sign_in_with_password(page, "mod1")
    page.get_by_test_id("nav-moderation").first.click()
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "live")
    entry = page.get_by_test_id("queue-entry").filter(has_text=first.title)
    claim = entry.get_by_test_id("claim-button")
    claim.focus()
    claim.press("Enter")
    expect(entry.get_by_test_id("claim-line")).to_contain_text("برداشته‌ی شما")
    # Focus lands on the decision's first choice, ready for the keyboard.
    expect(entry.locator("input[name=outcome]").first).to_be_focused()
    entry.get_by_test_id("decide-form").get_by_label("تأیید و انتشار").check()
    entry.get_by_test_id("decide-submit").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("decided-entry")).to_be_visible()
    # Focus moves to the next entry's «برداشتن», not to the page's start.
    next_claim = page.get_by_test_id("queue-entry").filter(has_text=second.title)
    expect(next_claim.get_by_test_id("claim-button")).to_be_focused()
    shot(page, "finding9-queue-focus")
