"""Acceptance journey «Planner triage and the plan's problem inventory».

A planner (desktop) accepts a problem into a new inventory entry, merges its near-duplicate
written with Arabic letters into that entry (the picker suggests it), marks an advert out of
scope with a reason, and bulk-accepts two more problems into another new entry. An anonymous
visitor (phone) reads the public inventory with the evidence counted right; the advert's
author (phone) sees the reason on the problem, in the notifications and in «نوشته‌های من».
"""

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from accounts.models import Notification
from inventory.models import InventoryEntry, TriageRecord
from participation.models import Problem
from participation.services import problem_support
from tests.e2e.helpers import shot, sign_in_with_password
from tests.factories import (
    AxisFactory,
    CityFactory,
    CommitteeFactory,
    DistrictFactory,
    PlanFactory,
    ProblemFactory,
    StaffRoleFactory,
    UserFactory,
)

TITLE_A = "ترافیک سنگین بلوار امام خمینی"
TITLE_B = "ترافيك سنگين بلوار امام خميني"  # Arabic ي and ك: the same words as A
TITLE_C = "فروش ویژه‌ی کولر با نصب رایگان"
TITLE_D = "کمبود پارک در محله‌ی شهرک قدس"
TITLE_E = "نبود فضای سبز کافی در کوی مدرس"
BULK_TITLE = "کمبود فضای سبز و پارک در محله‌ها"
REASON = "این نوشته آگهی فروش است و مسئله‌ای از شهر را بیان نمی‌کند."
AXIS = "حمل‌ونقل و ترافیک"
GREEN_AXIS = "محیط زیست و فضای سبز"
COMMITTEE = "کمیته‌ی امور فنی و مهندسی شهری"
CITIZEN_NAME = "مریم احمدی"
PLANNER_NAME = "برنامه‌ریز اراک"


@pytest.fixture
def world(live):
    """Arak's plan with its axes, a committee, three districts, a planner, and five
    published problems; A and B share one supporter among five supports."""
    arak = CityFactory(slug="arak", name="اراک")
    plan = PlanFactory(city=arak, title="برنامه‌ی دوم توسعه‌ی اراک")
    axis = AxisFactory(city=arak, title=AXIS)
    green = AxisFactory(city=arak, title=GREEN_AXIS)
    committee = CommitteeFactory(city=arak, title=COMMITTEE)
    committee.axes.add(axis)
    d1, d2, d3 = (
        DistrictFactory(city=arak, name=f"منطقه‌ی {name}", number=n)
        for n, name in ((1, "۱"), (2, "۲"), (3, "۳"))
    )
    planner = StaffRoleFactory(
        city=arak, role="planner", user__username="planner", user__display_name=PLANNER_NAME
    ).user
    citizen = UserFactory(username="citizen", display_name=CITIZEN_NAME)
    neighbour = UserFactory(username="neighbour", display_name="علی رضایی")
    # Created oldest first, so the board (oldest first) lists them in this order.
    a = ProblemFactory(plan=plan, author=neighbour, title=TITLE_A, district=d1)
    b = ProblemFactory(plan=plan, author=neighbour, title=TITLE_B, district=d2)
    c = ProblemFactory(
        plan=plan, author=citizen, title=TITLE_C, body="<p>تماس بگیرید؛ قیمت استثنایی.</p>"
    )
    d = ProblemFactory(plan=plan, author=neighbour, title=TITLE_D, district=d3)
    e = ProblemFactory(plan=plan, author=neighbour, title=TITLE_E, district=d3)
    # Five supports by four people: `shared` supports both A and B.
    shared, s1, s2, s3 = (UserFactory() for _ in range(4))
    for problem, users in ((a, (shared, s1, s2)), (b, (shared, s3))):
        for user in users:
            assert problem_support(user=user, problem=problem)
    return SimpleNamespace(**locals())


def board_row(page, problem):
    return page.locator(f'[data-testid="triage-problem"][data-problem-id="{problem.pk}"]')


def open_action(row, summary: str):
    """Open one of a board row's three <details> actions."""
    row.locator("summary").filter(has_text=summary).click()


def assert_fits(page) -> None:
    widths = page.evaluate(
        "({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"horizontal overflow: {widths}"


def evidence(scope, name: str):
    return scope.get_by_test_id(name).locator("dd")


def refreshed(problem) -> Problem:
    problem.refresh_from_db()
    return problem


def test_triage_into_the_inventory(desktop_page, page, visitor_page, world):
    w = world
    planner = desktop_page

    # 2. The planner signs in with a password and opens the board from the header.
    sign_in_with_password(planner, "planner", PLANNER_NAME)
    planner.get_by_test_id("nav-triage").click()
    expect(planner.get_by_role("heading", level=1)).to_have_text("صف بررسی مسائل")
    expect(planner.get_by_test_id("result-count")).to_have_text("۵ مسئله در صف")
    expect(planner.get_by_test_id("triage-problem")).to_have_count(5)
    expect(board_row(planner, w.a).get_by_test_id("supports")).to_have_text("۳ پشتیبان")
    # No entry yet: nothing to suggest.
    expect(planner.get_by_test_id("suggestions")).to_have_count(0)
    shot(planner, "triage-board-desktop")

    # Accept A into a new entry, tagged with an axis and a committee.
    row_a = board_row(planner, w.a)
    open_action(row_a, "پذیرش در فهرست")
    accept = row_a.get_by_test_id("accept-form")
    accept.get_by_label("محور").select_option(label=AXIS)
    accept.get_by_label("کمیته").select_option(label=COMMITTEE)
    expect(accept.get_by_label("مسئله‌ی فهرست")).to_have_value("new")
    expect(accept.get_by_label("عنوان مسئله‌ی تازه")).to_have_value(TITLE_A)
    accept.get_by_role("button", name="پذیرش").click()
    expect(planner.get_by_test_id("notice")).to_contain_text(
        f"«{TITLE_A}» در فهرست پذیرفته شد: ۰۰۱ «{TITLE_A}»"
    )
    expect(board_row(planner, w.a)).to_have_count(0)
    expect(planner.get_by_test_id("result-count")).to_have_text("۴ مسئله در صف")

    entry = InventoryEntry.objects.get()
    assert (entry.code, entry.title, entry.plan) == ("001", TITLE_A, w.plan)
    assert (entry.axis, entry.committee) == (w.axis, w.committee)
    a = refreshed(w.a)
    assert (a.triage_state, a.inventory_entry, a.axis) == ("accepted", entry, w.axis)
    record = TriageRecord.objects.get()
    assert (record.problem, record.actor, record.action) == (w.a, w.planner, "accept")
    assert (record.entry, record.previous_state) == (entry, "new")

    # B, written with Arabic letters, is suggested the new entry; merge it there.
    row_b = board_row(planner, w.b)
    suggestions = row_b.get_by_test_id("suggestions")
    expect(suggestions).to_be_visible()
    expect(suggestions.get_by_role("listitem")).to_have_count(1)
    expect(suggestions).to_contain_text(TITLE_A)
    expect(suggestions).to_contain_text("۱۰۰٪ شبیه")
    open_action(row_b, "ادغام با مسئله‌ی مشابه")
    merge = row_b.get_by_test_id("merge-form")
    suggested = merge.locator('optgroup[label="مشابه این مسئله"] option')
    expect(suggested).to_have_count(1)
    expect(suggested).to_have_attribute("value", str(entry.pk))
    expect(suggested).to_contain_text(f"۰۰۱ — {TITLE_A}")
    # The unrelated advert is suggested nothing.
    expect(board_row(planner, w.c).get_by_test_id("suggestions")).to_have_count(0)
    shot(planner, "triage-board-desktop-merge-suggested")
    merge.get_by_label("تکرار این مسئله‌ی فهرست است").select_option(str(entry.pk))
    merge.get_by_role("button", name="ادغام").click()
    expect(planner.get_by_test_id("notice")).to_contain_text(f"«{TITLE_B}» با ۰۰۱")
    expect(board_row(planner, w.b)).to_have_count(0)

    b = refreshed(w.b)
    assert (b.triage_state, b.inventory_entry) == ("merged", entry)
    assert TriageRecord.objects.count() == 2
    assert TriageRecord.objects.filter(problem=w.b, action="merge", entry=entry).exists()

    # C is an advert: out of scope, with a reason for its author.
    row_c = board_row(planner, w.c)
    open_action(row_c, "خارج از موضوع")
    out = row_c.get_by_test_id("out-of-scope-form")
    out.get_by_label("دلیل (به نویسنده نشان داده می‌شود)").fill(REASON)
    out.get_by_role("button", name="خارج از موضوع").click()
    expect(planner.get_by_test_id("notice")).to_contain_text("خارج از موضوع برنامه علامت خورد")
    expect(board_row(planner, w.c)).to_have_count(0)
    expect(planner.get_by_test_id("result-count")).to_have_text("۲ مسئله در صف")

    c = refreshed(w.c)
    assert (c.triage_state, c.inventory_entry, c.triage_reason) == ("out_of_scope", None, REASON)
    assert TriageRecord.objects.count() == 3
    assert TriageRecord.objects.filter(problem=w.c, action="out_of_scope", reason=REASON).exists()
    assert InventoryEntry.objects.count() == 1
    # Each author is told the outcome; the advert's author gets the reason.
    told = Notification.objects.filter(user=w.citizen, kind="triage.outcome").get()
    assert (told.payload["action"], told.payload["reason"]) == ("out_of_scope", REASON)
    assert Notification.objects.filter(user=w.neighbour, kind="triage.outcome").count() == 2

    # 3. An anonymous visitor on a phone reads the public inventory.
    visitor = visitor_page
    visitor.goto(f"/plans/{w.plan.pk}/inventory/")
    expect(visitor.get_by_role("heading", level=1)).to_contain_text("فهرست مسائل")
    expect(visitor.get_by_test_id("planner-links")).to_have_count(0)
    expect(visitor.get_by_test_id("entries-total")).to_have_text("۱")
    expect(visitor.get_by_test_id("problems-total")).to_have_text("۲")
    listed = visitor.get_by_test_id("ranked-list").get_by_test_id("inventory-entry")
    expect(listed).to_have_count(1)
    expect(listed).to_have_attribute("data-entry-id", str(entry.pk))
    expect(listed.get_by_role("heading", level=3)).to_have_text(TITLE_A)
    expect(listed).to_contain_text(AXIS)
    expect(listed).to_contain_text(COMMITTEE)
    # Four people support A or B; the one who supports both counts once (5 supports).
    expect(evidence(listed, "problems-count")).to_have_text("۲")
    expect(evidence(listed, "supporters-count")).to_have_text("۴")
    expect(evidence(listed, "districts-count")).to_have_text("۲")
    expect(listed.get_by_test_id("score-breakdown")).to_have_count(1)
    charts = visitor.get_by_test_id("chart")
    expect(charts).to_have_count(5)
    for index in range(5):
        expect(charts.nth(index).locator("svg")).to_have_count(1)
    district_chart = visitor.locator('[data-testid="chart"][data-chart="problems-per-district"]')
    expect(district_chart.locator("svg rect")).to_have_count(2)
    assert_fits(visitor)
    shot(visitor, "inventory-public-phone")

    # The entry page: the same evidence and both linked problems.
    listed.get_by_role("link", name=TITLE_A).click()
    expect(visitor).to_have_url(re.compile(rf"/inventory/{entry.pk}/$"))
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE_A)
    expect(visitor.get_by_test_id("entry-code")).to_have_text("۰۰۱")
    expect(evidence(visitor, "problems-count")).to_have_text("۲")
    expect(evidence(visitor, "supporters-count")).to_have_text("۴")
    expect(evidence(visitor, "districts-count")).to_have_text("۲")
    linked = visitor.get_by_test_id("linked-problem")
    expect(linked).to_have_count(2)
    # Most supported first: A (3) then B (2).
    expect(linked.nth(0)).to_contain_text(TITLE_A)
    expect(linked.nth(0)).to_contain_text("پذیرفته در فهرست مسائل")
    expect(linked.nth(1)).to_contain_text(TITLE_B)
    expect(linked.nth(1)).to_contain_text("ادغام‌شده با مسئله‌ی مشابه")
    assert_fits(visitor)
    shot(visitor, "inventory-entry-phone")

    # A merged problem's page leads back to its entry.
    linked.nth(1).get_by_role("link", name=TITLE_B).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE_B)
    expect(visitor.get_by_test_id("problem-entry")).to_contain_text(f"۰۰۱ — {TITLE_A}")
    expect(visitor.get_by_test_id("triage-reason")).to_have_count(0)

    # 4. The advert's author signs in on a phone and reads the reason everywhere.
    citizen = page
    sign_in_with_password(citizen, "citizen", CITIZEN_NAME)
    expect(citizen.locator("[data-unread-badge]")).to_have_text("۱")
    citizen.goto(f"/problems/{w.c.pk}/")
    expect(citizen.get_by_role("heading", level=1)).to_have_text(TITLE_C)
    expect(citizen.get_by_test_id("triage-reason")).to_contain_text(REASON)
    expect(citizen.get_by_test_id("problem-entry")).to_have_count(0)
    assert_fits(citizen)
    shot(citizen, "triage-reason-problem-phone")

    citizen.get_by_role("link", name="اعلان‌ها").click()
    notification = citizen.get_by_test_id("triage-notification")
    expect(notification).to_have_count(1)
    expect(notification).to_contain_text(f"«{TITLE_C}» را خارج از موضوع این برنامه دانستند")
    expect(notification).to_contain_text(REASON)
    assert_fits(citizen)
    shot(citizen, "triage-notification-phone")

    citizen.get_by_role("navigation", name="بخش‌ها").get_by_role("link", name="نوشته‌های من").click()
    mine = citizen.get_by_test_id("my-problems").get_by_role("listitem").filter(has_text=TITLE_C)
    expect(mine.get_by_test_id("triage-state")).to_have_text("خارج از موضوع برنامه")
    expect(mine.get_by_test_id("triage-reason")).to_contain_text(REASON)
    assert_fits(citizen)
    shot(citizen, "triage-my-posts-phone")

    # 5. The planner bulk-accepts D and E into one new entry.
    for problem in (w.d, w.e):
        board_row(planner, problem).get_by_test_id("bulk-select").check()
    bulk = planner.get_by_test_id("bulk-form")
    bulk.locator("summary").click()
    bulk.get_by_label("پذیرش در فهرست").check()
    bulk.get_by_label("مسئله‌ی فهرست (پذیرش و ادغام)").select_option("new")
    bulk.get_by_label("عنوان مسئله‌ی تازه").fill(BULK_TITLE)
    bulk.get_by_label("محور (پذیرش)").select_option(label=GREEN_AXIS)
    shot(planner, "triage-board-desktop-bulk")
    bulk.get_by_test_id("bulk-submit").click()
    expect(planner.get_by_test_id("notice")).to_contain_text(
        f"۲ مسئله در فهرست پذیرفته شد: ۰۰۲ «{BULK_TITLE}»"
    )
    expect(planner.get_by_test_id("triage-problem")).to_have_count(0)
    expect(planner.get_by_test_id("triage-empty")).to_be_visible()
    expect(planner.get_by_test_id("result-count")).to_have_text("۰ مسئله در صف")
    shot(planner, "triage-board-desktop-empty")

    second = InventoryEntry.objects.exclude(pk=entry.pk).get()
    assert (second.code, second.title, second.axis) == ("002", BULK_TITLE, w.green)
    for problem in (w.d, w.e):
        problem = refreshed(problem)
        assert (problem.triage_state, problem.inventory_entry) == ("accepted", second)
    assert TriageRecord.objects.count() == 5
    assert TriageRecord.objects.filter(entry=second, action="accept").count() == 2
    assert not Problem.objects.filter(triage_state="new").exists()
    assert Notification.objects.filter(user=w.neighbour, kind="triage.outcome").count() == 4

    # The public inventory now ranks two entries; the planner sees their links there.
    planner.goto(f"/plans/{w.plan.pk}/inventory/")
    expect(planner.get_by_test_id("planner-links")).to_be_visible()
    expect(planner.get_by_test_id("entries-total")).to_have_text("۲")
    expect(planner.get_by_test_id("problems-total")).to_have_text("۴")
    expect(planner.get_by_test_id("inventory-entry")).to_have_count(2)
    bulk_entry = planner.locator(f'[data-testid="inventory-entry"][data-entry-id="{second.pk}"]')
    expect(evidence(bulk_entry, "problems-count")).to_have_text("۲")
    expect(evidence(bulk_entry, "supporters-count")).to_have_text("۰")
    expect(evidence(bulk_entry, "districts-count")).to_have_text("۱")
    shot(planner, "inventory-public-desktop")
