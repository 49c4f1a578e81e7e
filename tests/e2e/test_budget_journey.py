"""Acceptance journey «The budget slice».

A planner (phone) opens the import page from the plan's budget page and uploads the year's
execution file with one bad row (a negative amount spent): the row-by-row report names the
row in Persian and nothing is stored. The planner fixes the file, uploads it again and
stores it. An anonymous visitor (phone) then reads where the money goes and the goal's page:
money spent 95%, physical progress 50%, indicator realisation 30% side by side, with the gap
flags and the published rule. Every page fits a 390 px screen without sideways scrolling.
"""

from types import SimpleNamespace

import pytest
from playwright.sync_api import expect

from budget.models import BudgetLine
from budget.services import (
    funding_set,
    line_create,
    milestone_add,
    milestone_update,
    project_create,
)
from monitoring.services import (
    baseline_set,
    indicator_create,
    indicator_link_set,
    indicator_version_publish,
    measurement_enter,
    measurement_verify,
    target_set,
)
from tests.e2e.helpers import shot, sign_in_with_password
from tests.factories import CityFactory, PlanFactory, PlanItemFactory, StaffRoleFactory

YEAR = 1404
GOAL = "حمل‌ونقل همگانی پایدار"
SCHEME = "خط اتوبوس تندروی شمال به جنوب"


@pytest.fixture
def world(live):
    """Arak's plan: goal 1 → 1.1 → 1.1.1 → scheme 1.1.1.1 with one 1404 project (two
    milestones, one done: 50%) funded wholly by line B-100 (one billion rials approved, not
    yet spent); line B-200 funds nothing. The scheme's indicator goes from 10 (1403) to a
    1404 target of 20 and is verified at 13: 30% realised."""
    arak = CityFactory(slug="arak", name="اراک")
    plan = PlanFactory(city=arak, title="برنامه‌ی دوم توسعه‌ی اراک")
    goal = PlanItemFactory(plan=plan, code="1", kind="goal", title=GOAL)
    strategy = PlanItemFactory(plan=plan, parent=goal, code="1.1", kind="strategy")
    policy = PlanItemFactory(plan=plan, parent=strategy, code="1.1.1", kind="policy")
    scheme = PlanItemFactory(plan=plan, parent=policy, code="1.1.1.1", kind="project", title=SCHEME)
    planner = StaffRoleFactory(
        city=arak, role="planner", user__username="planner", user__display_name="برنامه‌ریز یکم"
    ).user
    checker = StaffRoleFactory(
        city=arak, role="planner", user__username="planner2", user__display_name="برنامه‌ریز دوم"
    ).user
    indicator = indicator_create(
        actor=planner, plan=plan, code="brt_share", title="سهم سفر با اتوبوس", unit="درصد"
    )
    indicator_version_publish(actor=planner, version=indicator.versions.get())
    indicator_link_set(actor=planner, indicator=indicator, plan_item=scheme, weight="1")
    baseline_set(actor=planner, indicator=indicator, value="10", year=1403)
    target_set(actor=planner, indicator=indicator, year=YEAR, value="20")
    measured = measurement_enter(
        actor=planner, indicator=indicator, year=YEAR, period=1, value="13", submit=True
    )
    measurement_verify(actor=checker, measurement=measured)
    project = project_create(
        actor=planner,
        plan=plan,
        scheme=scheme,
        year=YEAR,
        code="BRT-1",
        title="ساخت ایستگاه‌های خط یک",
        planned_cost=1_000_000_000,
        responsible_unit="سازمان حمل‌ونقل",
    )
    first = milestone_add(actor=planner, project=project, title="طراحی", due_on="1404/02/01")
    milestone_add(actor=planner, project=project, title="ساخت", due_on="1404/10/01")
    milestone_update(actor=planner, milestone=first, done_on="1404/02/10")
    line = line_create(
        actor=planner,
        city=arak,
        year=YEAR,
        code="B-100",
        title="احداث خطوط اتوبوس تندرو",
        approved=1_000_000_000,
    )
    line_create(
        actor=planner, city=arak, year=YEAR, code="B-200", title="نگهداری ناوگان", approved=0
    )
    funding_set(actor=planner, line=line, project=project, share="100")
    return SimpleNamespace(**locals())


def execution_csv(*rows: str) -> bytes:
    return ("\n".join(["کد ردیف,تعهدشده,هزینه‌شده", *rows]) + "\n").encode("utf-8")


def fits_the_screen(page) -> None:
    widths = page.evaluate(
        "({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], f"horizontal overflow on {page.url}: {widths}"


def upload(page, name: str, content: bytes) -> None:
    page.locator("#import-file").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="بررسی پرونده").click()


def test_import_execution_then_the_public_reads_the_three_figures(page, visitor_page, world):
    w = world

    # 1. The planner goes from the plan's budget page to the import page.
    sign_in_with_password(page, "planner", "برنامه‌ریز یکم")
    page.goto(f"/plans/{w.plan.pk}/budget/?year={YEAR}")
    page.get_by_test_id("import-link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("ورود ارقام بودجه")
    expect(page.locator("#import-year")).to_have_value(str(YEAR))
    fits_the_screen(page)

    # 2. The execution file has a bad row: a negative amount spent. Nothing is stored.
    upload(
        page,
        "ejra-1404.csv",
        execution_csv("B-100,900000000,950000000", "B-200,0,-۵۰۰۰۰۰"),
    )
    report = page.get_by_test_id("import-report")
    bad = report.locator('[data-status="error"]')
    expect(bad).to_have_count(1)
    expect(bad).to_contain_text("سطر ۳")
    expect(bad).to_contain_text("مبلغ هزینه‌شده نمی‌تواند منفی باشد")
    expect(report.locator('[data-status="changed"]')).to_have_count(1)
    expect(page.get_by_test_id("nothing-stored")).to_be_visible()
    expect(page.get_by_test_id("accept-valid")).to_be_visible()
    fits_the_screen(page)
    shot(page, "budget-import-bad-row")
    assert BudgetLine.objects.get(code="B-100").spent == 0  # the preview stored nothing

    # 3. Fixed and sent again: both rows are good; «ثبت» stores them.
    upload(
        page,
        "ejra-1404.csv",
        execution_csv("B-100,900000000,950000000", "B-200,0,500000"),
    )
    expect(report.locator('[data-status="error"]')).to_have_count(0)
    expect(report.locator('[data-status="changed"]')).to_have_count(2)
    expect(page.get_by_test_id("accept-valid")).to_have_count(0)
    shot(page, "budget-import-fixed")
    page.get_by_test_id("apply-button").click()
    expect(page.get_by_test_id("notice")).to_contain_text("۲ ردیف بودجه‌ی سال ۱۴۰۴ ثبت شد")
    line = BudgetLine.objects.get(code="B-100")
    assert (line.committed, line.spent) == (900_000_000, 950_000_000)
    assert BudgetLine.objects.get(code="B-200").spent == 500_000

    # 4. A visitor reads where the money goes: the goal's three figures side by side.
    visitor = visitor_page
    visitor.goto(f"/plans/{w.plan.pk}/")
    visitor.get_by_test_id("plan-budget-link").click()
    visitor.get_by_test_id("year-switcher").get_by_role("link", name="۱۴۰۴").click()
    goal = visitor.get_by_test_id("goal").filter(has_text=GOAL)
    figures = goal.get_by_test_id("goal-figures")
    expect(figures).to_contain_text("پول هزینه‌شده")
    expect(figures).to_contain_text("۹۵٪")
    expect(figures).to_contain_text("پیشرفت فیزیکی")
    expect(figures).to_contain_text("۵۰٪")
    expect(figures).to_contain_text("تحقق شاخص‌ها")
    expect(figures).to_contain_text("۳۰٪")
    expect(visitor.get_by_test_id("gap-rule")).to_contain_text("قاعده‌ی هشدار")
    expect(visitor.get_by_test_id("flagged")).to_contain_text("پول جلوتر از نتیجه")
    fits_the_screen(visitor)
    shot(visitor, "budget-overview")

    # 5. The goal's page: the same three figures, its subtree down to the scheme, the project.
    goal.get_by_test_id("goal-link").click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(GOAL)
    card = visitor.get_by_test_id("goal-card")
    for text in ("۹۵٪", "۵۰٪", "۳۰٪"):
        expect(card).to_contain_text(text)
    expect(visitor.get_by_test_id("subtree-row").filter(has_text=SCHEME)).to_have_count(1)
    expect(visitor.get_by_test_id("project-row")).to_contain_text("ساخت ایستگاه‌های خط یک")
    fits_the_screen(visitor)
    shot(visitor, "budget-goal")

    # 6. The project's page: milestones with Jalali dates, money from the line, the indicator.
    visitor.get_by_test_id("project-row").get_by_role("link").click()
    expect(visitor.get_by_test_id("milestone")).to_have_count(2)
    expect(visitor.get_by_test_id("milestones")).to_contain_text("۱۴۰۴/۰۲/۱۰")
    expect(visitor.get_by_test_id("project-lines")).to_contain_text("احداث خطوط اتوبوس تندرو")
    expect(visitor.get_by_test_id("scheme-realisation")).to_have_text("۳۰٪")
    expect(visitor.get_by_test_id("manage")).to_have_count(0)  # visitors read only
    fits_the_screen(visitor)
    shot(visitor, "budget-project")

    # 7. The council's slice of the year.
    visitor.goto(f"/plans/{w.plan.pk}/budget/slice/{YEAR}/")
    expect(visitor.get_by_test_id("scheme-row")).to_contain_text(SCHEME)
    expect(visitor.get_by_test_id("lines-outside")).to_contain_text("نگهداری ناوگان")
    fits_the_screen(visitor)
    shot(visitor, "budget-slice")
