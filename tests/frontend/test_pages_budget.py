"""The public budget pages: where the money goes, a goal's page, the council's slice, a
project's page, the CSV/XLSX export, and the links to them from the plan, plan item and
monitoring pages. The data is tests/frontend/conftest.py's `budget_world`."""

import re

import pytest

from backend.ids import MAX_ID
from frontend import views_budget
from inventory import services as inventory_services
from tests.factories import PlanFactory, PlanItemFactory, ProblemFactory

pytestmark = pytest.mark.django_db

HUGE = "9789143892387112721133338624"
YEAR = 1404


def html_of(response) -> str:
    assert response.status_code == 200, response.content[:600]
    return response.content.decode()


def count(html: str, name: str) -> int:
    return html.count(f'data-testid="{name}"')


def section(html: str, name: str) -> str:
    """The first element marked data-testid=name, from its start tag to its matching end tag."""
    marker = html.index(f'data-testid="{name}"')
    start = html.rindex("<", 0, marker)
    tag = re.match(r"<(\w+)", html[start:]).group(1)
    depth, position = 0, start
    for found in re.finditer(rf"<(/?){tag}\b[^>]*>", html[start:]):
        depth += -1 if found.group(1) else 1
        if depth == 0:
            position = start + found.end()
            break
    return html[start:position]


def overview(client, w, year=YEAR):
    return client.get(f"/plans/{w.plan.pk}/budget/", {"year": year})


class TestWhereTheMoneyGoes:
    def test_each_goal_has_its_three_figures_side_by_side(self, client, budget_world):
        html = html_of(overview(client, budget_world))
        assert count(html, "goal") == 2
        goal = section(html, "goal")
        assert "حمل‌ونقل پایدار" in goal
        # Money: (9.6 bn + 50 m) of (10 bn + 1 bn) = 88%; physical: P1 50% weighing 9 bn and
        # P2 40% weighing 1 bn = 49% (P3 cancelled, out); realisation from monitoring: 30%.
        for label, figure in (("پول هزینه‌شده", "۸۸٪"), ("پیشرفت فیزیکی", "۴۹٪")):
            assert label in goal
            assert f">{figure}</text>" in goal
        assert "تحقق شاخص‌ها" in goal
        assert ">۳۰٪</text>" in goal
        assert "۳ پروژه (۲ در میانگین پیشرفت؛ لغوشده‌ها بیرون)" in goal
        second = html.split('data-testid="goal"')[2]
        second = second[: second.index('data-testid="rollups"')]
        assert second.count(">نامعلوم</text>") == 3  # no project, no indicator: unknown

    def test_the_plans_totals_and_money(self, client, budget_world):
        html = html_of(overview(client, budget_world))
        total = section(html, "plan-total")
        assert 'title="۹٬۶۵۰٬۰۰۰٬۰۰۰ ریال"' in total
        assert "۹٫۷ میلیارد ریال" in total
        assert "۱۱ میلیارد ریال" in total  # the current allocation drawn by the projects

    def test_the_gap_flags_in_words_with_the_published_rule(self, client, budget_world):
        html = html_of(overview(client, budget_world))
        assert "قاعده‌ی هشدار: وقتی دست‌کم ۹۰٪ اعتبار جاری یک بند هزینه شده باشد" in html
        assert "کمتر از ۶۰٪ باشد" in html
        flagged = section(html, "flagged")
        assert "خط اتوبوس تندرو" in flagged
        assert (
            "پول جلوتر از نتیجه: ۹۶٪ اعتبار هزینه شده ولی تحقق شاخص‌ها ۳۰٪ است (کمتر از ۶۰٪)."
            in flagged
        )
        assert "پول جلوتر از کار: ۹۶٪ اعتبار هزینه شده ولی پیشرفت فیزیکی ۵۰٪ است" in flagged
        assert f"/plans/{budget_world.plan.pk}/budget/goals/{budget_world.scheme.pk}/" in flagged

    def test_the_rule_follows_the_settings(self, client, budget_world, settings):
        settings.BUDGET_GAP_SPENT = 99
        html = html_of(overview(client, budget_world))
        assert "دست‌کم ۹۹٪" in html
        assert 'data-testid="flagged"' not in html  # 96% spent is below the new threshold

    def test_rollups_by_axis_committee_and_district(self, client, budget_world):
        html = html_of(overview(client, budget_world))
        assert "حمل‌ونقل و ترافیک" in section(html, "by-axis")
        assert "کمیته‌ی امور فنی و مهندسی شهری" in section(html, "by-committee")
        districts = section(html, "by-district")
        assert "منطقه‌ی 1" in districts
        assert "همه‌ی شهر یا بی‌منطقه" in districts  # P2 and P3 carry no district

    def test_links_to_goals_slice_projects_and_import(self, client, budget_world, planner):
        w = budget_world
        html = html_of(overview(client, w))
        assert f"/plans/{w.plan.pk}/budget/goals/{w.goal.pk}/?year=1404" in html
        assert f"/plans/{w.plan.pk}/budget/goals/{w.goal.pk}/?year=1404#projects" in html
        assert f"/plans/{w.plan.pk}/budget/slice/1404/" in html
        assert 'data-testid="import-link"' not in html  # visitors do not import
        client.force_login(planner)
        html = html_of(overview(client, w))
        assert f"/cities/{w.plan.city_id}/budget/import/?year=1404" in html

    def test_the_year_switcher(self, client, budget_world):
        html = html_of(overview(client, budget_world, 1405))
        switcher = section(html, "year-switcher")
        assert switcher.count("<li>") == 5
        assert '<a href="?year=1405" aria-current="page">۱۴۰۵</a>' in switcher
        assert "۰ پروژه" not in html
        assert "۱ پروژه" not in html
        assert ">نامعلوم</text>" in html

    @pytest.mark.parametrize("year", ["abc", "1399", "1409", HUGE, ""])
    def test_a_year_outside_the_plan_falls_back_to_one_of_its_years(
        self, client, budget_world, year
    ):
        html = html_of(overview(client, budget_world, year))
        assert 'aria-current="page"' in section(html, "year-switcher")

    def test_persian_digits_name_a_year_too(self, client, budget_world):
        html = html_of(overview(client, budget_world, "۱۴۰۴"))
        assert ">۸۸٪</text>" in html

    def test_tomans_by_setting(self, client, budget_world, settings):
        settings.BUDGET_CURRENCY = "toman"
        html = html_of(overview(client, budget_world))
        assert "۹۶۵ میلیون تومان" in html
        assert 'title="۹۶۵٬۰۰۰٬۰۰۰ تومان"' in html
        assert "ریال" not in section(html, "plan-total")


class TestGoalPage:
    def url(self, w, item, year=YEAR):
        return f"/plans/{w.plan.pk}/budget/goals/{item.pk}/?year={year}"

    def test_goal_figures_subtree_and_projects(self, client, budget_world):
        w = budget_world
        html = html_of(client.get(self.url(w, w.goal)))
        card = section(html, "goal-card")
        for figure in ("۸۸٪", "۴۹٪", "۳۰٪"):
            assert f">{figure}</text>" in card
        assert count(html, "subtree-row") == 4  # strategy, policy, two schemes
        rows = html.split('data-testid="subtree-row"')[1:]
        assert "راهبرد 1.1" in rows[0]
        assert "خط اتوبوس تندرو" in rows[2]
        assert 'data-flag="money_ahead_of_results"' in rows[2]
        assert count(html, "project-row") == 3
        projects = section(html, "projects")
        assert "ساخت ایستگاه‌های خط یک" in projects
        assert "در حال اجرا" in projects
        assert "لغوشده" in projects
        assert "پیشرفت فیزیکی ۵۰٪" in projects
        assert "منطقه‌ی 1" in projects
        assert "معاونت حمل‌ونقل" in projects
        assert f"/budget/projects/{w.p1.pk}/" in projects

    def test_a_scheme_page_is_its_own_subtree(self, client, budget_world):
        w = budget_world
        html = html_of(client.get(self.url(w, w.scheme)))
        assert count(html, "subtree-row") == 0
        assert count(html, "project-row") == 1
        assert ">۹۶٪</text>" in section(html, "goal-card")
        assert "پول جلوتر از کار" in section(html, "goal-card")

    def test_a_goal_without_projects(self, client, budget_world):
        html = html_of(client.get(self.url(budget_world, budget_world.goal2)))
        assert "در این سال پروژه‌ای زیر این بند نیست." in html

    def test_unknown_items_and_items_of_another_plan_are_404(self, client, budget_world):
        w = budget_world
        other = PlanItemFactory(plan=PlanFactory(city=w.plan.city), code="1", kind="goal")
        for item_id in (other.pk, 999_999, MAX_ID + 1, HUGE):
            assert client.get(f"/plans/{w.plan.pk}/budget/goals/{item_id}/").status_code == 404
        assert client.get(f"/plans/999999/budget/goals/{w.goal.pk}/").status_code == 404
        assert client.get(f"/plans/{HUGE}/budget/goals/{w.goal.pk}/").status_code == 404


class TestSlice:
    def url(self, w, year=YEAR):
        return f"/plans/{w.plan.pk}/budget/slice/{year}/"

    def test_schemes_against_the_lines_that_fund_them(self, client, budget_world):
        html = html_of(client.get(self.url(budget_world)))
        assert count(html, "scheme-row") == 2
        first, second = html.split('data-testid="scheme-row"')[1:3]
        assert "خط اتوبوس تندرو" in first
        assert "سهم ۱۰۰٪ از ردیف" in first
        assert "پیاده‌راه مرکز" in second
        assert "سهم ۵۰٪ از ردیف" in second
        assert "۱۱۱٪" in first  # 10 bn of lines against 9 bn foreseen
        assert 'value="1000000000"' in section(first, "scheme-gap")

    def test_schemes_without_budget_and_lines_outside_the_plan(self, client, budget_world):
        html = html_of(client.get(self.url(budget_world)))
        assert "بوستان محله‌ای" in section(html, "unfunded")
        outside = section(html, "lines-outside")
        assert "ردیف 300" in outside
        assert "ردیف 100" not in outside
        assert "درآمد اختصاصی شهرداری" in outside

    def test_totals_and_the_year_before(self, client, budget_world):
        html = html_of(client.get(self.url(budget_world)))
        totals = section(html, "slice-totals")
        assert 'value="12700000000"' in totals  # every line of the year
        assert 'value="12000000000"' in totals  # the lines that reach the plan
        assert "اعتبار همه‌ی ردیف‌ها در ۱۴۰۳" in totals
        assert 'value="8000000000"' in totals
        lines = html.split('data-testid="line-row"')[1:]
        assert len(lines) == 3
        assert "(\u2066+۲۵٪\u2069)" in lines[0]  # line 100: 8 bn → 10 bn
        assert "این کد در سال پیش نبود" in lines[1]

    def test_year_switcher_links_to_each_years_slice(self, client, budget_world):
        html = html_of(client.get(self.url(budget_world, 1406)))
        plan = budget_world.plan.pk
        assert f'href="/plans/{plan}/budget/slice/1406/" aria-current="page"' in html
        assert "در این سال هیچ ردیف بودجه‌ای طرحی از برنامه را تأمین نمی‌کند." in html

    def test_exports_are_linked(self, client, budget_world):
        html = html_of(client.get(self.url(budget_world)))
        city = budget_world.plan.city_id
        assert f"/cities/{city}/budget/1404/export.csv" in html
        assert f"/cities/{city}/budget/1404/export.xlsx" in html

    def test_a_big_plan_shows_its_schemes_one_goal_at_a_time(
        self, client, budget_world, monkeypatch
    ):
        monkeypatch.setattr(views_budget, "SLICE_SCHEMES", 1)
        w = budget_world
        html = html_of(client.get(self.url(w)))
        assert count(html, "slice-goal") >= 1
        assert count(html, "scheme-row") == 0
        assert 'data-testid="choose-goal"' in html
        assert count(html, "line-row") == 3  # the lines stay on the year's view
        chosen = html_of(client.get(self.url(w) + f"?goal={w.goal.pk}"))
        assert count(chosen, "scheme-row") == 2
        assert 'aria-current="true"' in section(chosen, "slice-goals")
        assert count(chosen, "line-row") == 0
        assert 'data-testid="all-lines"' in chosen
        # a goal of nothing, or no number, is the year's view
        for goal in ("999999", "abc", HUGE):
            assert count(html_of(client.get(self.url(w) + f"?goal={goal}")), "scheme-row") == 0

    def test_lines_are_paged_and_the_largest_outside_come_first(
        self, client, budget_world, monkeypatch
    ):
        monkeypatch.setattr(views_budget, "SLICE_LINES_PER_PAGE", 2)
        monkeypatch.setattr(views_budget, "SLICE_OUTSIDE", 0)
        html = html_of(client.get(self.url(budget_world)))
        assert count(html, "line-row") == 2
        assert 'rel="next" href="?page=2#lines-heading"' in html
        assert count(html_of(client.get(self.url(budget_world) + "?page=2")), "line-row") == 1
        assert count(html_of(client.get(self.url(budget_world) + "?page=99")), "line-row") == 1
        assert 'data-testid="outside-more"' in html

    @pytest.mark.parametrize("year", ["1403", "1409", HUGE])
    def test_a_year_outside_the_plan_is_404(self, client, budget_world, year):
        assert client.get(f"/plans/{budget_world.plan.pk}/budget/slice/{year}/").status_code == 404


class TestProjectPage:
    def test_what_a_visitor_reads(self, client, budget_world):
        w = budget_world
        html = html_of(client.get(f"/budget/projects/{w.p1.pk}/"))
        assert "ساخت ایستگاه‌های خط یک" in html
        assert "برنامه‌ریزی‌شده" in section(html, "project-status")
        facts = section(html, "project-facts")
        assert "معاونت حمل‌ونقل" in facts
        assert "منطقه‌ی 1" in facts
        assert "۱۴۰۴/۰۱/۱۵" in facts
        assert "۱۴۰۴/۱۲/۲۰" in facts
        assert "خط اتوبوس تندرو" in facts
        milestones = html.split('data-testid="milestone"')[1:]
        assert len(milestones) == 2
        assert "انجام شد:" in milestones[0]
        assert "۱۴۰۴/۰۲/۲۸" in milestones[0]
        assert "موعد:" in milestones[1]
        assert "۱۴۰۴/۰۹/۰۱" in milestones[1]
        assert "هنوز انجام نشده" in milestones[1]
        assert ">۵۰٪</text>" in section(html, "project-progress")
        assert "از روی گام‌ها" in section(html, "progress-how")
        money = section(html, "project-money")
        assert "پول هزینه‌شده ۹۶٪" in money
        assert "ردیف 100" in money
        assert "سهم ۱۰۰٪" in money
        assert "۳۰٪" in section(html, "scheme-realisation")
        assert "سهم سفر با همگانی" in section(html, "project-indicators")
        assert f"/indicators/{w.indicator.pk}/" in html
        assert 'data-testid="manage"' not in html  # visitors read only
        assert f"/plans/{w.plan.pk}/budget/goals/{w.goal.pk}/?year=1404" in html  # breadcrumbs

    def test_manual_progress_shows_its_evidence(self, client, budget_world):
        html = html_of(client.get(f"/budget/projects/{budget_world.p2.pk}/"))
        how = section(html, "progress-how")
        assert "ثبت دستی با مستند" in how
        assert 'href="https://example.org/report.pdf"' in how
        assert ">۴۰٪</text>" in html
        assert "سهم ۵۰٪" in section(html, "project-money")

    def test_a_cancelled_project_says_it_is_out_of_the_means(self, client, budget_world):
        html = html_of(client.get(f"/budget/projects/{budget_world.p3.pk}/"))
        assert "در میانگین پیشرفت بند بالای آن شمرده نمی‌شود" in html
        assert "هنوز هیچ ردیف بودجه‌ای این پروژه را تأمین نمی‌کند." in html

    def test_the_problems_the_scheme_or_an_item_above_it_answers(
        self, client, budget_world, planner
    ):
        w = budget_world
        problem = ProblemFactory(plan=w.plan, title="ایستگاه اتوبوس دور است")
        triaged = inventory_services.triage_accept(
            actor=planner, problem_id=problem.pk, new_entry={"title": "دسترسی به اتوبوس"}
        )
        inventory_services.plan_item_addresses_set(
            actor=planner, item=w.goal, entries=[triaged.inventory_entry]
        )
        html = html_of(client.get(f"/budget/projects/{w.p1.pk}/"))
        entries = section(html, "project-entries")
        assert "دسترسی به اتوبوس" in entries
        assert "۱ مسئله‌ی شهروندان" in entries
        assert f'href="/inventory/{triaged.inventory_entry_id}/"' in entries

    @pytest.mark.parametrize("pk", ["999999", str(MAX_ID + 1), HUGE])
    def test_unknown_and_huge_ids_are_404(self, client, budget_world, pk):
        response = client.get(f"/budget/projects/{pk}/")
        assert response.status_code == 404


class TestExport:
    def test_csv_in_the_import_format(self, client, budget_world):
        response = client.get(f"/cities/{budget_world.plan.city_id}/budget/1404/export.csv")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        assert 'filename="budget-arak-1404.csv"' in response["Content-Disposition"]
        text = response.content.decode("utf-8-sig")
        assert text.splitlines()[0].startswith("سال,کد ردیف,عنوان")
        assert "1404,100,ردیف 100" in text
        assert "9600000000" in text

    def test_xlsx(self, client, budget_world):
        response = client.get(f"/cities/{budget_world.plan.city_id}/budget/1404/export.xlsx")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert response.content[:2] == b"PK"

    @pytest.mark.parametrize(
        "path", ["999999/budget/1404/export.csv", f"{HUGE}/budget/1404/export.csv"]
    )
    def test_unknown_city_is_404(self, client, db, path):
        assert client.get(f"/cities/{path}").status_code == 404

    def test_unknown_year_or_format(self, client, budget_world):
        city = budget_world.plan.city_id
        assert client.get(f"/cities/{city}/budget/99/export.csv").status_code == 404
        assert client.get(f"/cities/{city}/budget/1404/export.pdf").status_code == 404


class TestLinks:
    def test_plan_page_links_to_the_budget(self, client, budget_world):
        html = html_of(client.get(f"/plans/{budget_world.plan.pk}/"))
        assert f'href="/plans/{budget_world.plan.pk}/budget/"' in html

    def test_a_schemes_page_lists_its_projects_year_by_year(self, client, budget_world):
        w = budget_world
        html = html_of(client.get(f"/plan-items/{w.scheme2.pk}/"))
        projects = section(html, "scheme-projects")
        assert "سال ۱۴۰۴" in projects
        assert "سنگ‌فرش خیابان امام" in projects
        assert "پیشرفت ۴۰٪" in projects
        assert f"/budget/projects/{w.p2.pk}/" in projects
        assert f"/plans/{w.plan.pk}/budget/goals/{w.scheme2.pk}/" in projects

    def test_item_codes_keep_their_dots_in_the_breadcrumbs(self, client, budget_world):
        html = html_of(client.get(f"/plan-items/{budget_world.scheme2.pk}/"))
        assert "۱.۱.۱" in html
        assert "۱٫۱" not in html  # «1.1» is a code, not the decimal number one point one

    def test_a_goals_page_links_to_its_budget_page(self, client, budget_world):
        w = budget_world
        html = html_of(client.get(f"/plan-items/{w.goal.pk}/"))
        assert 'data-testid="scheme-projects"' not in html
        assert f"/plans/{w.plan.pk}/budget/goals/{w.goal.pk}/" in section(html, "item-budget")

    def test_monitoring_dashboard_links_to_the_same_year(self, client, budget_world):
        html = html_of(client.get(f"/plans/{budget_world.plan.pk}/monitoring/?year=1404"))
        assert f"/plans/{budget_world.plan.pk}/budget/?year=1404" in html


@pytest.mark.parametrize(
    "path",
    [
        "/plans/{plan}/budget/",
        "/plans/{plan}/budget/goals/{goal}/",
        "/plans/{plan}/budget/slice/1404/",
        "/budget/projects/{project}/",
    ],
)
def test_public_pages_render_for_anonymous_visitors(client, budget_world, path):
    w = budget_world
    html = html_of(client.get(path.format(plan=w.plan.pk, goal=w.goal.pk, project=w.p1.pk)))
    assert '<html lang="fa" dir="rtl">' in html
    assert re.search(r'<link rel="stylesheet" href="/static/frontend/budget\.css">', html)


@pytest.mark.parametrize(
    "path", ["/plans/{n}/budget/", "/plans/{n}/budget/slice/1404/", "/budget/projects/{n}/"]
)
@pytest.mark.parametrize("n", ["999999", HUGE])
def test_unknown_ids_are_persian_404s(client, db, path, n):
    response = client.get(path.format(n=n))
    assert response.status_code == 404
    assert "پیدا نشد" in response.content.decode()
