"""Acceptance journey «Plan monitoring».

A planner (desktop) imports a month's measurement from a CSV file: the row-by-row report
first, then «store». A second planner (phone) verifies it on the indicator page. An
anonymous visitor (phone) reads the public dashboard with the realisation and its coverage;
a citizen who supported a problem the plan item answers finds the news in their inbox.
"""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from accounts.models import Notification
from inventory.services import plan_item_addresses_set, triage_accept
from monitoring.imports import COLUMNS
from monitoring.models import Measurement
from monitoring.services import (
    baseline_set,
    indicator_create,
    indicator_link_set,
    indicator_version_publish,
    target_set,
)
from participation.services import problem_support
from tests.e2e.helpers import sign_in_with_password
from tests.factories import (
    CityFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    StaffRoleFactory,
    UserFactory,
)

INDICATOR = "سهم خدمات الکترونیکی شهرداری"
ITEM = "شهرداری بی‌کاغذ و پاسخ‌گو"


@pytest.fixture
def world(live):
    """Arak's plan with one goal measured by one indicator (baseline 10, 1404 target 20),
    an inventory entry the goal answers, and a citizen who supports its problem."""
    arak = CityFactory(slug="arak", name="اراک")
    plan = PlanFactory(city=arak, title="برنامه‌ی دوم توسعه‌ی اراک")
    goal = PlanItemFactory(plan=plan, code="1", kind="goal", title=ITEM)
    planner = StaffRoleFactory(
        city=arak, role="planner", user__username="planner", user__display_name="برنامه‌ریز یکم"
    ).user
    planner2 = StaffRoleFactory(
        city=arak, role="planner", user__username="planner2", user__display_name="برنامه‌ریز دوم"
    ).user
    indicator = indicator_create(
        actor=planner, plan=plan, code="e_services", title=INDICATOR, unit="درصد"
    )
    indicator_version_publish(actor=planner, version=indicator.versions.get())
    indicator_link_set(actor=planner, indicator=indicator, plan_item=goal, weight="1")
    baseline_set(actor=planner, indicator=indicator, value="10", year=1403, month=12)
    target_set(actor=planner, indicator=indicator, year=1404, value="20")
    problem = ProblemFactory(plan=plan, title="پرداخت عوارض فقط حضوری است")
    triaged = triage_accept(
        actor=planner, problem_id=problem.pk, new_entry={"title": "خدمات حضوری شهرداری"}
    )
    plan_item_addresses_set(actor=planner, item=goal, entries=[triaged.inventory_entry])
    supporter = UserFactory(username="supporter", display_name="زهرا کریمی")
    assert problem_support(user=supporter, problem=problem)
    return SimpleNamespace(**locals())


def csv_bytes(*rows: str) -> bytes:
    return ("\n".join([",".join(key for key, _label in COLUMNS), *rows]) + "\n").encode("utf-8")


def test_import_verify_and_publish(desktop_page, page, visitor_page, world):
    w = world

    # 1. The first planner imports Farvardin 1404's value: the report, then «store».
    planner = desktop_page
    sign_in_with_password(planner, "planner", "برنامه‌ریز یکم")
    planner.goto(f"/plans/{w.plan.pk}/monitoring/")
    planner.get_by_test_id("import-link").click()
    planner.locator("#import-file").set_input_files(
        {
            "name": "farvardin.csv",
            "mimeType": "text/csv",
            "buffer": csv_bytes("e_services,۱۴۰۴,۱,۱۵,سامانه‌ی شهرداری,,"),
        }
    )
    planner.get_by_role("button", name="بررسی پرونده").click()
    report = planner.get_by_test_id("import-report")
    expect(report.locator('[data-status="ok"]')).to_have_count(1)
    assert Measurement.objects.count() == 0  # nothing stored by the preview
    planner.get_by_role("button", name="ثبت اندازه‌گیری‌ها").click()
    expect(planner.get_by_text("در انتظار تأیید است")).to_be_visible()
    (measurement,) = Measurement.objects.all()
    assert measurement.state == "submitted"

    # 2. The second planner verifies it on the indicator page (phone).
    sign_in_with_password(page, "planner2", "برنامه‌ریز دوم")
    page.goto(f"/indicators/{w.indicator.pk}/")
    page.get_by_test_id("verify-button").first.click()
    expect(page.get_by_test_id("verify-button")).to_have_count(0)
    measurement.refresh_from_db()
    assert measurement.state == "verified"

    # 3. Anyone reads the dashboard: half-way from 10 to 20, with the coverage beside it.
    visitor_page.goto(f"/plans/{w.plan.pk}/monitoring/?year=1404")
    expect(visitor_page.locator("main")).to_contain_text("۵۰٪")
    expect(visitor_page.locator("main")).to_contain_text("پوشش")
    widths = visitor_page.evaluate(
        "({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"horizontal overflow: {widths}"

    # 4. The supporter of the problem the goal answers is told, in their inbox.
    assert Notification.objects.filter(user=w.supporter, kind="monitoring.progress").exists()
    sign_in_with_password(visitor_page, "supporter", "زهرا کریمی")
    visitor_page.goto("/notifications/")
    note = visitor_page.get_by_test_id("progress-notification")
    expect(note).to_contain_text(INDICATOR)
    expect(note).to_contain_text(ITEM)
