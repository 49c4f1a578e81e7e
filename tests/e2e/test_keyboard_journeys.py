"""Reporting a problem and commenting with the keyboard alone (Tab, typing, arrows, Enter),
at phone size: each step is reached by Tab, and after sending, focus lands on the result —
the «ثبت شد» notice — rather than on nothing or the top of the page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from participation.models import Comment, Problem
from planning.models import Plan, PlanItem
from tests.e2e.helpers import shot, sign_in_with_password
from tests.factories import CityFactory, PlanFactory, PlanItemFactory, UserFactory

TITLE = "پیاده‌روی شکسته‌ی خیابان شهدا"
BODY = "سنگ‌فرش پیاده‌رو از چهارراه تا مدرسه شکسته و شب‌ها خطرناک است."
COMMENT = "ایستگاه‌های اتوبوس باید سرپوشیده باشد."


@pytest.fixture
def world(live):
    arak = CityFactory(slug="arak", name="اراک")
    plan = PlanFactory(city=arak, title="برنامه‌ی دوم توسعه‌ی اراک", phase=Plan.Phase.CONSULTATION)
    now = timezone.now()
    item = PlanItemFactory(
        plan=plan,
        code="1",
        title="حمل‌ونقل عمومی روان و در دسترس",
        status=PlanItem.Status.OPEN,
        comment_opens_at=now - timedelta(days=1),
        comment_closes_at=now + timedelta(days=14),
    )
    citizen = UserFactory(username="citizen", display_name="مریم احمدی")
    return item, citizen


def tab_to(page, locator, limit: int = 80) -> None:
    """Press Tab until `locator` has focus (fails after `limit` presses)."""
    for _ in range(limit):
        if locator.evaluate("el => el === document.activeElement"):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"Tab never reached {locator}")


def test_reporting_a_problem_by_keyboard_lands_on_the_result(page, world):
    sign_in_with_password(page, "citizen", "مریم احمدی")
    page.goto("/problems/new/")
    form = page.get_by_test_id("problem-form")
    tab_to(page, form.get_by_label("عنوان مسئله"))
    page.keyboard.type(TITLE)
    tab_to(page, form.get_by_label("شرح مسئله"))
    page.keyboard.type(BODY)
    tab_to(page, form.get_by_role("button", name="ثبت مسئله"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/me/posts/$"))
    notice = page.get_by_test_id("notice")
    expect(notice).to_be_focused()
    shot(page, "keyboard-problem-reported")
    assert Problem.objects.get(title=TITLE).author == world[1]
    # The next Tab moves on from the notice, into the page, not back to the header's top.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement !== document.body")


def test_commenting_by_keyboard_lands_on_the_result(page, world):
    item, citizen = world
    sign_in_with_password(page, "citizen", "مریم احمدی")
    page.goto(f"/plan-items/{item.pk}/")
    form = page.get_by_test_id("comment-form")
    tab_to(page, form.get_by_label("نظر شما"))
    page.keyboard.type(COMMENT)
    # The stances are one radio group: Tab enters it at the checked one, arrows choose.
    tab_to(page, form.locator("input[name=stance]:checked"))
    for _ in range(4):
        if form.get_by_label("موافق", exact=True).is_checked():
            break
        page.keyboard.press("ArrowLeft")
    expect(form.get_by_label("موافق", exact=True)).to_be_checked()
    tab_to(page, form.get_by_role("button", name="ثبت نظر"))
    page.keyboard.press("Enter")

    notice = page.get_by_test_id("comment-notice")
    expect(notice).to_contain_text("پس از بررسی منتشر می‌شود")
    expect(notice).to_be_focused()
    shot(page, "keyboard-comment-posted")
    comment = Comment.objects.get(author=citizen)
    assert (comment.plan_item, comment.stance) == (item, "for")
