"""Acceptance journey «Following a problem», at phone size.

A citizen follows a neighbour's problem (the button turns and the count moves without a
reload); a planner finds it out of the plan's scope; the citizen reads it in the inbox and
finds the problem in «دنبال‌شده‌های من», where they stop following it.
"""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from accounts.models import Notification
from participation.models import Follow
from tests.e2e.helpers import shot, sign_in_with_password
from tests.factories import (
    CityFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    StaffRoleFactory,
    UserFactory,
)

TITLE = "چراغ‌های خاموش پارک ملت"
CITIZEN_NAME = "مریم احمدی"
PLANNER_NAME = "برنامه‌ریز اراک"
REASON = "روشنایی پارک‌ها با سازمان پارک‌هاست، نه این برنامه."


@pytest.fixture
def world(live):
    arak = CityFactory(slug="arak", name="اراک")
    plan = PlanFactory(city=arak, title="برنامه‌ی دوم توسعه‌ی اراک")
    planner = StaffRoleFactory(
        city=arak, role="planner", user__username="planner", user__display_name=PLANNER_NAME
    ).user
    citizen = UserFactory(username="citizen", display_name=CITIZEN_NAME)
    neighbour = UserFactory(username="neighbour", display_name="علی رضایی")
    problem = ProblemFactory(plan=plan, author=neighbour, title=TITLE)
    goal = PlanItemFactory(plan=plan, code="1", kind="goal", title="شهری روشن و امن در شب")
    return SimpleNamespace(**locals())


def assert_fits(page) -> None:
    widths = page.evaluate(
        "({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"horizontal overflow: {widths}"


def test_a_citizen_follows_a_problem_and_hears_its_triage(page, desktop_page, world):
    w = world
    # 1. The citizen signs in and follows the problem from its page.
    sign_in_with_password(page, "citizen", CITIZEN_NAME)
    page.goto(f"/problems/{w.problem.pk}/")
    box = page.get_by_test_id("follow-box")
    button = box.get_by_test_id("follow-button")
    expect(button).to_have_text("دنبال کردن")
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(box.get_by_test_id("followers-count")).to_have_text("۰ دنبال‌کننده")
    shot(page, "follow-problem-before")
    url = page.url
    button.click()
    expect(button).to_have_text("دنبال می‌کنید")
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(box.get_by_test_id("followers-count")).to_have_text("۱ دنبال‌کننده")
    assert page.url == url  # htmx: no reload
    assert Follow.objects.filter(user=w.citizen, problem=w.problem).exists()
    assert_fits(page)
    shot(page, "follow-problem-following")

    # 2. The planner finds it outside the plan's scope on the triage board.
    planner = desktop_page
    sign_in_with_password(planner, "planner", PLANNER_NAME)
    planner.get_by_test_id("nav-triage").click()
    row = planner.locator(f'[data-testid="triage-problem"][data-problem-id="{w.problem.pk}"]')
    row.locator("summary").filter(has_text="خارج از موضوع").click()
    out = row.get_by_test_id("out-of-scope-form")
    out.get_by_label("دلیل (به نویسنده نشان داده می‌شود)").fill(REASON)
    out.get_by_role("button", name="خارج از موضوع").click()
    expect(planner.get_by_test_id("notice")).to_contain_text("خارج از موضوع برنامه علامت خورد")
    told = Notification.objects.get(user=w.citizen)
    assert (told.kind, told.payload["action"]) == ("follow.triage", "out_of_scope")
    assert not Notification.objects.filter(user=w.planner).exists()

    # 3. The citizen reads it in the inbox, in Persian, with a link to the problem.
    page.goto("/notifications/")
    note = page.get_by_test_id("follow-notification")
    expect(note).to_have_count(1)
    expect(note).to_contain_text(f"برنامه‌ریزان مسئله‌ای را که دنبال می‌کنید، «{TITLE}»")
    expect(note).to_contain_text("خارج از موضوع این برنامه دانستند")
    assert_fits(page)
    shot(page, "follow-notification")
    note.get_by_role("link", name="دیدن مسئله").click()
    expect(page).to_have_url(f"{w.live}/problems/{w.problem.pk}/")

    # 4. «دنبال‌شده‌های من» lists it; the citizen stops following.
    page.goto("/profile/")
    page.get_by_test_id("following-link").click()
    rows = page.get_by_test_id("follow-row")
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text(TITLE)
    assert_fits(page)
    shot(page, "follow-following-list")
    rows.get_by_test_id("unfollow-button").click()
    expect(page.get_by_test_id("follow-empty")).to_be_visible()
    assert not Follow.objects.filter(user=w.citizen).exists()


def test_the_button_waits_visibly_and_plans_and_items_follow_too(page, world):
    w = world
    sign_in_with_password(page, "citizen", CITIZEN_NAME)
    page.goto(f"/plan-items/{w.goal.pk}/")
    button = page.get_by_test_id("follow-button")
    # Hold the request: while it is in flight the button is disabled (no second tap).
    held = []
    page.route("**/follow/", lambda route: held.append(route))
    button.click()
    expect(button).to_be_disabled()
    shot(page, "follow-item-in-flight")
    held[0].continue_()
    page.unroute("**/follow/")
    expect(button).to_have_text("دنبال می‌کنید")
    expect(button).to_be_enabled()
    expect(page.get_by_test_id("followers-count")).to_have_text("۱ دنبال‌کننده")
    assert_fits(page)
    shot(page, "follow-item-following")

    page.goto(f"/plans/{w.plan.pk}/")
    page.get_by_test_id("follow-button").click()
    expect(page.get_by_test_id("follow-button")).to_have_attribute("aria-pressed", "true")
    assert_fits(page)
    shot(page, "follow-plan-following")
    assert Follow.objects.filter(user=w.citizen).count() == 2
    page.goto("/me/following/")
    expect(page.get_by_test_id("follow-row")).to_have_count(2)
