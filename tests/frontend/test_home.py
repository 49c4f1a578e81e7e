"""The home page that leads: per city, its plan's open comment windows (Jalali closing date,
a countdown in Persian digits), recent and most supported problems, what changed, figures;
for a signed-in person, their next actions. A fixed number of queries whatever the data."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from accounts.services import notification_send
from backend.jalali import jalali_date_str
from backend.persian import to_persian_digits
from inventory.models import InventoryEntry
from participation import services
from tests.factories import (
    CityFactory,
    CommentFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    StaffRoleFactory,
    UserFactory,
)


def html_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, testid: str) -> str:
    start = html.index(f'data-testid="{testid}"')
    return html[start : html.index("</ul>", start)]


@pytest.fixture
def site(plan):
    now = timezone.now()
    soon = PlanItemFactory(
        plan=plan,
        title="بهبود حمل‌ونقل عمومی",
        comment_opens_at=now - timedelta(days=2),
        comment_closes_at=now + timedelta(days=3, hours=2),
    )
    later = PlanItemFactory(
        plan=plan, title="فضای سبز محله‌ها", comment_closes_at=now + timedelta(days=40, hours=1)
    )
    PlanItemFactory(plan=plan, title="بند پیش‌نویس", status="draft")
    PlanItemFactory(plan=plan, title="بند بسته‌شده", comment_closes_at=now - timedelta(days=1))
    old = ProblemFactory(plan=plan, title="مسئله‌ی قدیمی پرپشتیبان", supports_count=9)
    new = ProblemFactory(plan=plan, title="مسئله‌ی تازه", supports_count=1)
    ProblemFactory(plan=plan, title="مسئله‌ی در انتظار", moderation_state="pending")
    CommentFactory(problem=new)
    entry = InventoryEntry.objects.create(plan=plan, code="T-1", title="کمبود حمل‌ونقل عمومی")
    return {"soon": soon, "later": later, "old": old, "new": new, "entry": entry}


@pytest.mark.django_db
class TestVisitor:
    def test_the_city_card_leads_to_its_plan(self, client, plan, site):
        html = html_of(client.get("/"))
        assert f'href="/plans/{plan.pk}/" data-testid="city-link"' in html
        assert plan.title in html
        assert 'data-testid="home-signin"' in html
        for path in ("/problems/", "/plans/", "/rules/", "/transparency/"):
            assert f'href="{path}"' in html
        assert 'data-testid="next-actions"' not in html

    def test_open_comment_windows_with_a_jalali_countdown(self, client, site):
        html = html_of(client.get("/"))
        windows = section(html, "open-windows")
        assert "بهبود حمل‌ونقل عمومی" in windows
        assert "فضای سبز محله‌ها" in windows
        assert windows.index("بهبود حمل‌ونقل عمومی") < windows.index("فضای سبز محله‌ها")
        assert "بند پیش‌نویس" not in windows
        assert "بند بسته‌شده" not in windows
        assert "۳ روز مانده" in windows
        assert "۴۰ روز مانده" in windows
        closes = to_persian_digits(jalali_date_str(site["soon"].comment_closes_at))
        assert closes in windows
        assert "countdown is-soon" in windows

    def test_recent_and_most_supported_problems(self, client, site):
        html = html_of(client.get("/"))
        recent = section(html, "recent-problems")
        assert recent.index("مسئله‌ی تازه") < recent.index("مسئله‌ی قدیمی پرپشتیبان")
        assert "مسئله‌ی در انتظار" not in html
        top = section(html, "top-problems")
        assert top.index("مسئله‌ی قدیمی پرپشتیبان") < top.index("مسئله‌ی تازه")
        assert f'href="/problems/{site["old"].pk}/"' in top
        assert "۹ پشتیبان" in top

    def test_what_changed_in_the_plan(self, client, site):
        changes = section(html_of(client.get("/")), "plan-changes")
        assert "به فهرست مسائل افزوده شد:" in changes
        assert "کمبود حمل‌ونقل عمومی" in changes
        assert "نظرخواهی آغاز شد:" in changes
        assert "بهبود حمل‌ونقل عمومی" in changes
        assert "نظرخواهی پایان یافت:" in changes
        assert "بند بسته‌شده" in changes

    def test_figures(self, client, site):
        html = html_of(client.get("/"))
        figures = html[html.index('data-testid="city-figures"') :]
        figures = figures[: figures.index("</dl>")]
        # 2 published problems, 10 supports, 1 comment, 1 inventory entry
        for label, value in (
            ("مسئله‌ی منتشرشده", "۲"),
            ("پشتیبانی", "۱۰"),
            ("نظر", "۱"),
            ("مسئله‌ی فهرست", "۱"),
        ):
            assert f"<dt>{label}</dt><dd>{value}</dd>" in figures

    def test_a_city_without_a_plan_is_still_listed(self, client, plan):
        CityFactory(name="کاشان", slug="kashan")
        html = html_of(client.get("/"))
        assert "کاشان" in html
        assert "هنوز برنامه‌ای برای این شهر ثبت نشده است." in html

    def test_english_countdown(self, client, site):
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        html = html_of(client.get("/"))
        assert "3 days left" in html
        assert "Open for comment" in html


@pytest.mark.django_db
class TestNextActions:
    def test_a_citizen_without_posts_is_asked_to_report(self, client, citizen, plan):
        client.force_login(citizen)
        html = html_of(client.get("/"))
        assert 'data-testid="first-report"' in html
        assert 'href="/problems/new/" data-testid="action-report"' in html
        assert 'data-testid="home-signin"' not in html

    def test_pending_posts_unread_and_appeals(self, client, citizen, plan):
        services.problem_submit(author=citizen, plan=plan, title="چاله‌ی خیابان", body="عمیق")
        notification_send(user_ids=[citizen.pk], kind="moderation.decision", payload={})
        client.force_login(citizen)
        html = html_of(client.get("/"))
        assert 'data-testid="first-report"' not in html
        assert "۱ نوشته‌ی شما در انتظار بررسی است" in html
        assert "ویرایش کنید یا پس بگیرید" in html
        assert "۱ اعلان نخوانده" in html

    def test_staff_see_their_queue_and_triage_board(self, client, arak, plan):
        ProblemFactory(plan=plan)  # published, not triaged yet
        services.problem_submit(author=UserFactory(), plan=plan, title="یک مسئله", body="متن")
        staff = StaffRoleFactory(city=arak, role="moderator").user
        StaffRoleFactory(city=arak, role="planner", user=staff)
        client.force_login(staff)
        html = html_of(client.get("/"))
        assert 'href="/moderation/arak/" data-testid="action-queue"' in html
        assert "صف نظارت اراک: ۱ مورد در انتظار" in html
        assert f'href="/planning/{plan.pk}/triage/" data-testid="action-triage"' in html
        assert "میز بررسی اراک: ۱ مسئله‌ی بررسی‌نشده" in html
        # Their work comes first; the call to report is for citizens.
        assert 'data-testid="first-report"' not in html
        assert html.index('data-testid="action-queue"') < html.index('data-testid="action-report"')

    def test_a_citizen_sees_no_staff_actions(self, client, citizen, plan):
        client.force_login(citizen)
        html = html_of(client.get("/"))
        assert 'data-testid="action-queue"' not in html
        assert 'data-testid="action-triage"' not in html


def grow(rows: int) -> None:
    """`rows` cities, each with a plan, open items, problems, comments and entries."""
    now = timezone.now()
    for i in range(rows):
        plan = PlanFactory(city=CityFactory())
        for j in range(rows):
            PlanItemFactory(plan=plan, comment_closes_at=now + timedelta(days=j + 1))
            problem = ProblemFactory(plan=plan, supports_count=j)
            CommentFactory(problem=problem)
            InventoryEntry.objects.create(plan=plan, code=f"T-{i}-{j}", title=f"مسئله {i} {j}")


@pytest.mark.django_db
class TestQueries:
    @pytest.mark.parametrize("rows", [1, 6])
    def test_a_visitors_home_does_not_grow_with_data(
        self, client, rows, django_assert_max_num_queries
    ):
        grow(rows)
        with django_assert_max_num_queries(15):
            html_of(client.get("/"))

    @pytest.mark.parametrize("rows", [1, 6])
    def test_a_signed_in_home_does_not_grow_with_data(
        self, client, rows, arak, django_assert_max_num_queries
    ):
        grow(rows)
        user = StaffRoleFactory(city=arak, role="moderator").user
        plan = PlanFactory(city=arak)
        for _ in range(rows):
            services.problem_submit(author=user, plan=plan, title="مسئله‌ی من", body="متن")
        client.force_login(user)
        with django_assert_max_num_queries(34):
            html_of(client.get("/"))

    def test_the_public_part_is_kept_briefly(
        self, client, plan, site, django_assert_max_num_queries
    ):
        html_of(client.get("/"))
        with django_assert_max_num_queries(0):
            html = html_of(client.get("/"))
        assert "مسئله‌ی تازه" in html
        ProblemFactory(plan=plan, title="مسئله‌ی تازه‌تر")
        cache.clear()  # what PUBLIC_CACHE_SECONDS does a moment later
        assert "مسئله‌ی تازه‌تر" in html_of(client.get("/"))
