"""Moderation acceptance journey, with real websockets through the in-process server.

A citizen posts a problem; the moderator's open queue shows it without a reload; the
moderator claims and rejects it citing a rule; the citizen's badge updates live and the
notification names the rule; the citizen appeals; a second moderator approves the appeal;
the problem is public.
"""

import importlib
import threading

import pytest
from django.apps import apps
from django.db import connection
from playwright.sync_api import expect

from accounts.otp_senders import OutboxSender
from participation.models import Problem
from tests.e2e.helpers import shot, sign_in_with_password
from tests.factories import CityFactory, PlanFactory, StaffRoleFactory, UserFactory

_defaults = importlib.import_module("moderation.migrations.0003_default_rules")

PHONE = "09120000001"
PHONE_FA = "۰۹۱۲۰۰۰۰۰۰۱"
TITLE = "چاله‌های عمیق خیابان شهید بهشتی"
BODY = "از میدان تا چهارراه چند چاله‌ی عمیق هست و شب‌ها خطرناک است."
PUBLIC_NOTE = "نام مسئول شهرداری را بدون مدرک آورده‌اید؛ آن را بردارید."
APPEAL = "نام را برداشتم؛ فقط خود مسئله را نوشته‌ام."
PHONE_VIEW = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP_VIEW = {"viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def people(live):
    """Arak with a plan asking for problems, a citizen and two moderators; the default
    rules (a transactional test's flush removes migration data)."""
    _defaults.create_rules(apps, None)
    arak = CityFactory(slug="arak", name="اراک")
    PlanFactory(city=arak, title="برنامه‌ی دوم اراک")
    citizen = UserFactory(
        username="citizen", phone=PHONE, display_name="مریم احمدی", show_name_publicly=True
    )
    first = StaffRoleFactory(
        city=arak, role="moderator", user__username="mod1", user__display_name="ناظر اول"
    ).user
    second = StaffRoleFactory(
        city=arak, role="moderator", user__username="mod2", user__display_name="ناظر دوم"
    ).user
    return {"citizen": citizen, "first": first, "second": second}


@pytest.fixture
def open_page(browser, live, request):
    """open_page(name, **context options) → a page in its own browser context (its own
    cookies), screenshotted and closed at the end."""
    contexts = []

    def _open(name: str, **options):
        context = browser.new_context(base_url=live, locale="fa-IR", **options)
        contexts.append((name, context))
        return context.new_page()

    yield _open
    for name, context in contexts:
        for page in context.pages:
            if page.url != "about:blank":
                shot(page, f"{request.node.name}-{name}-final")
        context.close()


def sign_in_with_code(page) -> None:
    page.goto("/signin/")
    page.get_by_label("شماره همراه").press_sequentially(PHONE_FA)
    page.get_by_role("button", name="دریافت کد ورود").click()
    code = OutboxSender.last_code_for(PHONE)
    assert code
    page.get_by_label("کد ورود").press_sequentially(code)
    page.get_by_test_id("code-form").get_by_role("button", name="ورود").click()
    expect(page.get_by_test_id("current-user")).to_have_text("مریم احمدی")


def open_queue(page) -> None:
    page.get_by_test_id("nav-moderation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("صف نظارت اراک")
    # Subscribed before anything happens: nothing can slip between page and socket.
    expect(page.get_by_test_id("live-status")).to_have_attribute("data-state", "live")
    # A marker that a reload would wipe.
    page.evaluate("window.__sameDocument = true")


def assert_not_reloaded(page) -> None:
    assert page.evaluate("window.__sameDocument === true"), "the queue page was reloaded"


def assert_fits(page) -> None:
    widths = page.evaluate(
        "({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"horizontal overflow: {widths}"


def test_post_reject_appeal_approve(open_page, people):
    # The first moderator's queue is open (desktop) before anything is posted.
    moderator = open_page("moderator", **DESKTOP_VIEW)
    sign_in_with_password(moderator, "mod1")
    open_queue(moderator)
    expect(moderator.get_by_test_id("queue-empty")).to_be_visible()
    assert_fits(moderator)

    # The citizen signs in with a code on a phone and posts a problem.
    citizen = open_page("citizen", **PHONE_VIEW)
    sign_in_with_code(citizen)
    citizen.get_by_role("navigation", name="بخش‌ها").get_by_role("link", name="ثبت مسئله").click()
    citizen.get_by_test_id("problem-title").fill(TITLE)
    citizen.get_by_label("شرح مسئله").fill(BODY)
    citizen.get_by_test_id("problem-form").get_by_role("button", name="ثبت مسئله").click()
    expect(citizen.get_by_test_id("notice")).to_contain_text("پس از بررسی ناظران منتشر می‌شود")
    expect(citizen.get_by_test_id("post-state").first).to_have_text("در انتظار بررسی")
    problem = Problem.objects.get(title=TITLE)

    # It arrives in the moderator's queue without a reload.
    entry = moderator.get_by_test_id("queue-entry").filter(has_text=TITLE)
    expect(entry).to_be_visible()
    expect(entry.get_by_test_id("entry-reason")).to_have_text("نوشته‌ی تازه")
    expect(entry.get_by_test_id("entry-author")).to_have_text("مریم احمدی")
    expect(entry.get_by_test_id("waiting")).to_have_text("کمتر از یک دقیقه")
    expect(moderator.get_by_test_id("queue-empty")).to_be_hidden()
    expect(moderator.locator("[data-queue-count]")).to_have_text("۱")
    assert_not_reloaded(moderator)
    shot(moderator, "moderation-queue-desktop-new-entry")

    # The moderator claims it, then rejects it citing a rule, with a public note.
    expect(citizen.locator("body")).to_have_attribute("data-live-connected", "1")
    entry.get_by_test_id("claim-button").click()
    expect(entry.get_by_test_id("claim-line")).to_contain_text("برداشته‌ی شما")
    form = entry.get_by_test_id("decide-form")
    expect(form).to_be_visible()  # a claim opens the decision form
    form.get_by_label("رد", exact=True).check()
    form.get_by_test_id("rule-option").filter(has_text="slander").click()
    form.get_by_label("یادداشت برای نویسنده").fill(PUBLIC_NOTE)
    form.get_by_label("یادداشت داخلی").fill("لحن اتهام‌آمیز؛ بار نخست.")
    shot(moderator, "moderation-queue-desktop-deciding")
    form.get_by_test_id("decide-submit").click()
    expect(moderator.get_by_test_id("decided-entry")).to_contain_text("«رد»")
    expect(moderator.get_by_test_id("queue-entry").filter(has_text=TITLE)).to_have_count(0)
    assert_not_reloaded(moderator)

    # The citizen's badge updates live; the notification names the rule and the note.
    expect(citizen.locator("[data-unread-badge]")).to_have_text("۱")
    expect(citizen.locator("[data-unread-badge]")).to_be_visible()
    citizen.get_by_role("link", name="اعلان‌ها").click()
    notification = citizen.get_by_test_id("decision-notification")
    expect(notification).to_contain_text(TITLE)
    expect(notification).to_contain_text("منتشر نشد")
    expect(notification.get_by_test_id("cited-rules")).to_contain_text("بدون تهمت و افترا")
    expect(notification).to_contain_text(PUBLIC_NOTE)
    assert_fits(citizen)
    shot(citizen, "moderation-notification-phone")

    # The citizen appeals from «نوشته‌های من».
    citizen.get_by_role("link", name="نوشته‌های من").click()
    rejection = citizen.get_by_test_id("rejection")
    expect(rejection).to_contain_text("بدون تهمت و افترا")
    expect(citizen.get_by_test_id("post-state").first).to_have_text("ردشده")
    rejection.get_by_test_id("appeal-toggle").click()
    rejection.get_by_label("چرا فکر می‌کنید نوشته‌تان باید منتشر شود؟").fill(APPEAL)
    assert_fits(citizen)
    shot(citizen, "moderation-my-posts-appeal-phone")
    rejection.get_by_role("button", name="ارسال درخواست بازبینی").click()
    expect(citizen.get_by_test_id("notice")).to_contain_text("درخواست بازبینی شما ثبت شد")
    expect(citizen.get_by_test_id("post-state").first).to_have_text("در انتظار بررسی")

    # The appeal reaches the first moderator's open queue live as well.
    appeal_entry = moderator.get_by_test_id("queue-entry").filter(has_text=TITLE)
    expect(appeal_entry.get_by_test_id("entry-reason")).to_have_text("درخواست بازبینی")
    expect(appeal_entry.get_by_test_id("appeal-message")).to_contain_text(APPEAL)
    assert_not_reloaded(moderator)

    # A second moderator, on a phone, takes the appeal and approves it.
    second = open_page("second-moderator", **PHONE_VIEW)
    sign_in_with_password(second, "mod2")
    open_queue(second)
    entry2 = second.get_by_test_id("queue-entry").filter(has_text=TITLE)
    expect(entry2.get_by_test_id("entry-reason")).to_have_text("درخواست بازبینی")
    expect(entry2.get_by_test_id("appeal-message")).to_contain_text(APPEAL)
    expect(entry2.get_by_test_id("entry-hints")).to_contain_text("پیش‌تر ۱ بار رد شده است")
    assert_fits(second)
    shot(second, "moderation-queue-phone-appeal")
    entry2.get_by_test_id("claim-button").click()
    expect(entry2.get_by_test_id("claim-line")).to_contain_text("برداشته‌ی شما")
    # The first moderator sees who took it, live.
    expect(appeal_entry.get_by_test_id("claim-line")).to_contain_text("برداشته‌ی ناظر دوم")
    form2 = entry2.get_by_test_id("decide-form")
    form2.get_by_label("تأیید و انتشار").check()
    shot(second, "moderation-queue-phone-deciding")
    form2.get_by_test_id("decide-submit").click()
    expect(second.get_by_test_id("decided-entry")).to_contain_text("«تأیید و انتشار»")
    # Gone from the first moderator's queue too, without a reload.
    expect(moderator.get_by_test_id("queue-entry")).to_have_count(0)
    expect(moderator.get_by_test_id("queue-empty")).to_be_visible()
    assert_not_reloaded(moderator)

    # The problem is public: an anonymous visitor reads it.
    visitor = open_page("visitor", **PHONE_VIEW)
    response = visitor.goto(f"/problems/{problem.pk}/")
    assert response.status == 200
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.get_by_test_id("moderation-state")).to_have_count(0)

    # The audit page keeps both decisions with their notes.
    moderator.goto("/moderation/arak/decisions/")
    expect(moderator.get_by_test_id("decision-row")).to_have_count(2)
    expect(moderator.get_by_test_id("internal-note")).to_contain_text("لحن اتهام‌آمیز")
    shot(moderator, "moderation-history-desktop")


def in_own_thread(setup):
    """Run `setup` outside the test thread, whose running Playwright event loop would keep
    the services' live events from being sent; return what it returns."""
    result, failure = {}, {}

    def run():
        try:
            result["value"] = setup()
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


def test_rules_transparency_and_a_report_on_a_phone(open_page, people):
    from moderation import services
    from moderation.models import QueueEntry, Report
    from participation.services import comment_post, problem_submit
    from planning.models import Plan

    def decide(problem, outcome, rules=()):
        entry = QueueEntry.objects.get(problem=problem, closed_at__isnull=True)
        services.decision_apply(
            moderator=people["first"], entry_id=entry.pk, outcome=outcome, rule_codes=list(rules)
        )
        problem.refresh_from_db()

    def setup():
        # A month of decisions for the public figures, and a published problem with a
        # comment by someone else to report.
        plan = Plan.objects.get()
        author = UserFactory(display_name="نویسنده‌ی دیگر")
        for n, outcome in enumerate(["approve", "approve", "reject"]):
            problem = problem_submit(
                author=author, plan=plan, title=f"مسئله‌ی نمونه‌ی {n}", body="شرح کوتاه مسئله."
            )
            decide(problem, outcome, ["off-topic"] if outcome == "reject" else [])
        published = problem_submit(
            author=author, plan=plan, title="درختان خشک بلوار", body="درختان بلوار آب نمی‌خورند."
        )
        decide(published, "approve")
        comment = comment_post(author=author, body="من هم دیده‌ام.", problem=published)
        decide_comment = QueueEntry.objects.get(comment=comment)
        services.decision_apply(
            moderator=people["first"], entry_id=decide_comment.pk, outcome="approve"
        )
        return published, comment

    published, comment = in_own_thread(setup)

    page = open_page("phone", **PHONE_VIEW)
    page.goto("/")
    page.get_by_role("contentinfo").get_by_role("link", name="قواعد انتشار").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("قواعد انتشار نوشته‌ها")
    expect(page.get_by_test_id("rule")).to_have_count(7)
    # Citizens read rules by their titles; codes stay out of sight (docs/accessibility.md).
    expect(page.get_by_test_id("rule").first.get_by_role("heading", level=2)).to_have_text(
        "نوشته‌ها پس از بررسی منتشر می‌شوند"
    )
    expect(page.get_by_test_id("rule-code")).to_have_count(0)
    assert_fits(page)
    shot(page, "moderation-rules-phone")

    page.get_by_role("contentinfo").get_by_role("link", name="شفافیت نظارت").click()
    expect(page.get_by_test_id("stat-decisions")).to_have_text("۵")
    month = page.get_by_test_id("stat-month")
    expect(month).to_have_count(1)
    expect(month).to_contain_text("مرتبط با شهر و برنامه")  # the rule's title, not its code
    expect(month).not_to_contain_text("off-topic")
    # The select sends its form from app.js (deferred): choosing before the script has run
    # changes the select and nothing else, as it would for a person on a slow phone.
    page.wait_for_load_state("load")
    page.get_by_label("شهر").select_option("arak")
    expect(page).to_have_url(f"{page.url.split('?')[0]}?city=arak")
    expect(page.get_by_test_id("stat-decisions")).to_have_text("۵")
    assert_fits(page)
    shot(page, "moderation-transparency-phone")

    # A signed-in citizen reports the comment; the form loads when «گزارش» is opened.
    sign_in_with_code(page)
    page.goto(f"/problems/{published.pk}/")
    report = page.locator(f"#comment-{comment.pk}").get_by_test_id("report")
    report.get_by_text("گزارش", exact=True).click()
    form = report.get_by_test_id("report-form")
    form.get_by_label("کدام قاعده زیر پا گذاشته شده؟").select_option("advertising")
    form.get_by_label("توضیح (اختیاری)").fill("پیوند تبلیغاتی دارد.")
    assert_fits(page)
    shot(page, "moderation-report-phone")
    form.get_by_role("button", name="ثبت گزارش").click()
    expect(report.get_by_test_id("report-notice")).to_contain_text("گزارش شما ثبت شد")
    assert Report.objects.get().rule.code == "advertising"
