"""The home page that leads, a problem's timeline, and the author's edit while pending, at
phone size: a visitor's home; a citizen's home with their next actions; a published problem's
timeline up to the plan items answering it; the author edits a pending problem and a
moderator reads the new text in the live queue; the author withdraws another."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from inventory.services import inventory_entry_create, inventory_entry_update, triage_accept
from moderation.models import QueueEntry
from moderation.services import decision_apply
from participation import services
from participation.models import Problem
from tests.e2e.helpers import shot, sign_in_with_password
from tests.factories import CityFactory, PlanFactory, PlanItemFactory, StaffRoleFactory, UserFactory

_defaults = importlib.import_module("moderation.migrations.0003_default_rules")

PHONE_VIEW = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}


@pytest.fixture
def arak(live):
    """Arak's plan with open comment windows, a published problem triaged into the
    inventory and answered by a plan item, a citizen and a moderator."""
    _defaults.create_rules(apps, None)
    city = CityFactory(slug="arak", name="اراک", province="مرکزی")
    plan = PlanFactory(city=city, title="برنامه‌ی دوم اراک")
    now = timezone.now()
    item = PlanItemFactory(
        plan=plan,
        title="حمل‌ونقل عمومی پاک و در دسترس",
        comment_opens_at=now - timedelta(days=3),
        comment_closes_at=now + timedelta(days=3, hours=5),
    )
    PlanItemFactory(
        plan=plan, title="فضای سبز برای هر محله", comment_closes_at=now + timedelta(days=20)
    )
    moderator = StaffRoleFactory(
        city=city, role="moderator", user__username="mod1", user__display_name="ناظر اول"
    ).user
    planner = StaffRoleFactory(city=city, role="planner", user__username="planner1").user
    neighbour = UserFactory(username="neighbour")
    citizen = UserFactory(username="citizen", display_name="مریم احمدی")
    problem = services.problem_submit(
        author=neighbour,
        plan=plan,
        title="اتوبوس‌های خط ۳ دیر می‌آیند",
        body="در ساعت‌های شلوغ تا چهل دقیقه باید منتظر ماند.",
    )
    entry = QueueEntry.objects.get(problem=problem)
    decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
    problem = Problem.objects.get(pk=problem.pk)  # published now
    services.problem_support(user=citizen, problem=problem)
    inventory = inventory_entry_create(actor=planner, plan=plan, title="کمبود اتوبوس شهری")
    triage_accept(actor=planner, problem_id=problem.pk, entry=inventory)
    inventory_entry_update(actor=planner, entry=inventory, addressed_by=[item])
    return {"plan": plan, "problem": problem, "citizen": citizen, "item": item}


def test_home_timeline_and_edit(page, browser, live, arak):
    # A visitor: sign in, or browse; the city card leads to its plan.
    page.goto("/")
    expect(page.get_by_test_id("home-signin")).to_be_visible()
    windows = page.get_by_test_id("open-windows")
    expect(windows).to_contain_text("حمل‌ونقل عمومی پاک و در دسترس")
    expect(windows.get_by_test_id("countdown").first).to_have_text("۳ روز مانده")
    expect(page.get_by_test_id("recent-problems")).to_contain_text("اتوبوس‌های خط ۳ دیر می‌آیند")
    expect(page.get_by_test_id("top-problems")).to_contain_text("۱ پشتیبان")
    expect(page.get_by_test_id("plan-changes")).to_contain_text("کمبود اتوبوس شهری")
    # Nothing wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "home-visitor")
    page.get_by_test_id("city-link").click()
    expect(page).to_have_url(f"{live}/plans/{arak['plan'].pk}/")

    # The problem's timeline, public steps only.
    page.goto(f"/problems/{arak['problem'].pk}/")
    timeline = page.get_by_test_id("problem-timeline")
    expect(timeline).to_contain_text("ناظران تأیید کردند و منتشر شد")
    expect(timeline).to_contain_text("برنامه‌ریزان آن را در فهرست مسائل پذیرفتند")
    expect(timeline).to_contain_text("بندهای برنامه به آن پاسخ می‌دهند")
    expect(timeline.get_by_role("link", name="حمل‌ونقل عمومی پاک و در دسترس")).to_be_visible()
    expect(timeline).not_to_contain_text("فقط شما می‌بینید")
    shot(page, "problem-timeline")

    # A citizen with no posts is asked to report; once they have one pending, told so.
    sign_in_with_password(page, "citizen", "مریم احمدی")
    page.goto("/")
    expect(page.get_by_test_id("first-report")).to_be_visible()
    expect(page.get_by_test_id("action-report")).to_be_visible()
    mine = services.problem_submit(
        author=arak["citizen"],
        plan=arak["plan"],
        title="پیاده‌روی خیابان امام تنگ است",
        body="عابران ناچارند از خیابان بروند.",
    )
    other = services.problem_submit(
        author=arak["citizen"], plan=arak["plan"], title="نیمکت پارک شکسته", body="سه نیمکت."
    )
    page.reload()
    expect(page.get_by_test_id("action-pending")).to_contain_text("۲ نوشته‌ی شما")
    expect(page.get_by_test_id("first-report")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "home-citizen")

    # The moderator's queue is open in another browser.
    moderation = browser.new_context(base_url=live, locale="fa-IR", **PHONE_VIEW).new_page()
    sign_in_with_password(moderation, "mod1", "ناظر اول")
    moderation.goto("/moderation/arak/")
    queue = moderation.get_by_test_id("queue-entry")
    expect(queue).to_have_count(2)
    expect(moderation.get_by_test_id("live-status")).to_have_attribute("data-state", "live")

    # The author edits the pending problem: its page shows the timeline and the buttons.
    page.goto(f"/problems/{mine.pk}/")
    own = page.get_by_test_id("problem-timeline")
    expect(own).to_contain_text("در انتظار بررسی ناظران")
    expect(own).to_contain_text("فقط شما می‌بینید")
    page.get_by_test_id("edit-problem").click()
    form = page.get_by_test_id("problem-edit-form")
    expect(form.get_by_test_id("problem-body")).to_have_value("عابران ناچارند از خیابان بروند.")
    form.get_by_test_id("problem-title").fill("پیاده‌روی خیابان امام برای ویلچر تنگ است")
    shot(page, "problem-edit")
    form.get_by_test_id("problem-edit-save").click()
    expect(page.locator("h1")).to_have_text("پیاده‌روی خیابان امام برای ویلچر تنگ است")
    expect(page.get_by_test_id("problem-timeline")).to_contain_text("ویرایش کردید")

    # The moderator sees the new text, marked as edited, without a reload.
    edited = moderation.get_by_test_id("queue-entry").filter(
        has_text="پیاده‌روی خیابان امام برای ویلچر تنگ است"
    )
    expect(edited).to_be_visible()
    expect(edited.get_by_test_id("hint-edited")).to_be_visible()
    expect(moderation.get_by_test_id("queue-entry")).to_have_count(2)
    shot(moderation, "moderation-sees-edit")

    # The author withdraws the other one from «نوشته‌های من»: it leaves the queue.
    page.goto("/me/posts/")
    row = page.get_by_test_id("my-problems").locator("li").filter(has_text="نیمکت پارک شکسته")
    row.get_by_test_id("withdraw-problem").click()
    row.get_by_test_id("withdraw-confirm").click()
    expect(page.get_by_text("را پس گرفتید")).to_be_visible()
    expect(page.get_by_test_id("my-problems")).not_to_contain_text("نیمکت پارک شکسته")
    assert Problem.objects.get(pk=other.pk).moderation_state == "withdrawn"
    expect(moderation.get_by_test_id("queue-entry")).to_have_count(1)
    shot(page, "my-posts-withdrawn")
    moderation.context.close()
