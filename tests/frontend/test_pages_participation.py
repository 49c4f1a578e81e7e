"""Web pages for plans, problems, proposals, comments and organisations (Django test client)."""

import datetime
import re

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Organisation
from participation.models import Comment, Endorsement, Problem, Support
from planning.models import Plan, PlanItem
from tests.factories import (
    AxisFactory,
    CommentFactory,
    CommitteeFactory,
    DistrictFactory,
    ExpertFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    ProposalFactory,
    UserFactory,
)

RTL = '<html lang="fa" dir="rtl">'
JALALI = re.compile(r"۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2}")


class EndorsementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Endorsement

    proposal = factory.SubFactory(ProposalFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    endorsed_by = factory.SubFactory(UserFactory)
    statement = "این پیشنهاد را برای محله‌های جنوبی لازم می‌دانیم."


def html_of(response) -> str:
    return response.content.decode()


def count_testid(html: str, name: str) -> int:
    return html.count(f'data-testid="{name}"')


def at(problem: Problem, when: datetime.datetime) -> Problem:
    Problem.objects.filter(pk=problem.pk).update(created_at=when)
    return problem


def tehran(year, month, day, hour=12):
    return timezone.make_aware(datetime.datetime(year, month, day, hour))


@pytest.fixture
def plan(arak):
    return PlanFactory(city=arak, title="برنامه‌ی دوم اراک", summary="مسئله‌محور")


@pytest.fixture
def axis(arak):
    return AxisFactory(city=arak, title="حمل‌ونقل و ترافیک")


@pytest.fixture
def district(arak):
    return DistrictFactory(city=arak, name="منطقه‌ی ۱ (مرکز شهر و بازار)", number=1)


@pytest.fixture
def tree(plan, arak):
    """goal 1 → strategy 1.1 (open) → policy 1.1.1 (closed)."""
    committee = CommitteeFactory(city=arak, title="کمیته‌ی امور فنی و مهندسی شهری")
    goal = PlanItemFactory(plan=plan, code="1", title="شهری روان", status=PlanItem.Status.DRAFT)
    strategy = PlanItemFactory(
        plan=plan,
        parent=goal,
        kind=PlanItem.Kind.STRATEGY,
        code="1.1",
        title="اولویت حمل‌ونقل عمومی",
        committee=committee,
    )
    policy = PlanItemFactory(
        plan=plan,
        parent=strategy,
        kind=PlanItem.Kind.POLICY,
        code="1.1.1",
        title="خط ویژه‌ی اتوبوس",
        status=PlanItem.Status.CLOSED,
    )
    return {"goal": goal, "strategy": strategy, "policy": policy}


@pytest.fixture
def problem(plan, axis, district):
    return ProblemFactory(
        plan=plan,
        axis=axis,
        district=district,
        title="ترافیک سنگین خیابان کاشانی",
        author=UserFactory(display_name="زهرا موسوی"),
    )


# Every page renders ------------------------------------------------------------------


@pytest.mark.django_db
class TestPagesRender:
    def test_plans_grouped_by_city(self, client, plan, qom):
        PlanFactory(city=qom, title="قم ۱۴۰۴")
        html = html_of(client.get("/plans/"))
        assert RTL in html
        assert html.index("اراک") < html.index("برنامه‌ی دوم اراک") < html.index("قم ۱۴۰۴")
        assert f'href="/plans/{plan.pk}/"' in html
        assert "سال‌های ۱۴۰۴ تا ۱۴۰۸" in html
        assert "نظرخواهی" in html

    def test_plan_tree(self, client, plan, tree):
        response = client.get(f"/plans/{plan.pk}/")
        html = html_of(response)
        assert response.status_code == 200
        assert RTL in html
        assert "سال‌های ۱۴۰۴ تا ۱۴۰۸" in html
        assert "مرحله:" in html
        tree_html = html[html.index('data-testid="plan-tree"') :]
        for kind in ("هدف", "راهبرد", "سیاست اجرایی"):
            assert kind in tree_html
        assert "۱.۱.۱" in tree_html
        assert "خط ویژه‌ی اتوبوس" in tree_html
        assert f'href="/plan-items/{tree["policy"].pk}/"' in tree_html
        # Only the open strategy is highlighted as open for comment.
        assert tree_html.count("is-open") == 1
        assert tree_html.count("status-live") == 1
        # Nested: the policy list sits inside the strategy's list item.
        assert tree_html.count('<ul class="tree">') == 3

    def test_plan_404(self, client, db):
        assert client.get("/plans/999/").status_code == 404

    def test_plan_item_page(self, client, plan, tree, axis):
        strategy = tree["strategy"]
        strategy.axes.add(axis)
        PlanItem.objects.filter(pk=strategy.pk).update(
            comment_opens_at=tehran(2025, 3, 21, 9), comment_closes_at=tehran(2030, 3, 21, 9)
        )
        html = html_of(client.get(f"/plan-items/{strategy.pk}/"))
        assert RTL in html
        crumbs = html[
            html.index('class="breadcrumbs"') : html.index("</nav>", html.index("breadcrumbs"))
        ]
        assert "برنامه‌ی دوم اراک" in crumbs
        assert "هدف" in crumbs
        assert "۱" in crumbs
        assert "اولویت حمل‌ونقل عمومی" in html
        assert "<p>شرح بند</p>" in html
        assert "حمل‌ونقل و ترافیک" in html
        assert "کمیته‌ی امور فنی و مهندسی شهری" in html
        assert "باز برای نظرخواهی" in html
        assert "۱۴۰۴/۰۱/۰۱" in html  # the window opens on 1404/01/01
        # Signed out: a sign-in link instead of the form.
        assert count_testid(html, "comment-form") == 0
        assert "/signin/?next=" in html

    def test_problems_list(self, client, problem):
        html = html_of(client.get("/problems/"))
        assert RTL in html
        assert count_testid(html, "problem-list") == 1
        assert count_testid(html, "problem-row") == 1
        row = html[html.index('data-testid="problem-row"') :]
        assert "ترافیک سنگین خیابان کاشانی" in row
        assert f'href="/problems/{problem.pk}/"' in row
        assert "حمل‌ونقل و ترافیک" in row
        assert "منطقه‌ی ۱ (مرکز شهر و بازار)" in row
        assert "زهرا موسوی" in row
        assert JALALI.search(row)
        assert "۰ نفر این مسئله را دارند" in row
        assert "۰ نظر" in row

    def test_problem_page(self, client, problem, citizen):
        ProposalFactory(plan=problem.plan, problem=problem, title="اتوبوس تندرو")
        html = html_of(client.get(f"/problems/{problem.pk}/"))
        assert RTL in html
        assert "ترافیک سنگین خیابان کاشانی" in html
        assert re.search(r'data-testid="supports-count">۰<', html)
        assert "بررسی‌نشده" in html  # triage state
        assert "اتوبوس تندرو" in html
        assert f"/proposals/new/?problem={problem.pk}" in html
        assert count_testid(html, "moderation-state") == 0  # published: no state label
        client.force_login(citizen)
        html = html_of(client.get(f"/problems/{problem.pk}/"))
        assert count_testid(html, "support-button") == 1
        assert count_testid(html, "comment-form") == 1

    def test_problem_new_form(self, client, citizen, plan, axis, district, qom):
        PlanFactory(city=qom, phase=Plan.Phase.ADOPTED, title="قم مصوب")
        client.force_login(citizen)
        html = html_of(client.get("/problems/new/"))
        assert RTL in html
        assert count_testid(html, "problem-title") == 1
        assert re.search(rf'<option value="{plan.pk}" selected>', html)
        assert "حمل‌ونقل و ترافیک" in html
        assert "منطقه‌ی ۱ (مرکز شهر و بازار)" in html
        assert 'hx-get="/problems/similar/"' in html

    def test_proposal_page(self, client, problem):
        proposal = ProposalFactory(plan=problem.plan, problem=problem, title="اتوبوس تندرو")
        EndorsementFactory(proposal=proposal, organisation=OrganisationFactory(name="انجمن سبز"))
        html = html_of(client.get(f"/proposals/{proposal.pk}/"))
        assert RTL in html
        assert "اتوبوس تندرو" in html
        assert count_testid(html, "endorsement") == 1
        assert "انجمن سبز" in html
        assert "این پیشنهاد را برای محله‌های جنوبی لازم می‌دانیم." in html
        assert f'href="/problems/{problem.pk}/"' in html
        assert JALALI.search(html)

    def test_proposal_new_form(self, client, citizen, problem):
        client.force_login(citizen)
        html = html_of(client.get(f"/proposals/new/?problem={problem.pk}"))
        assert RTL in html
        assert "ترافیک سنگین خیابان کاشانی" in html
        assert f'name="problem" value="{problem.pk}"' in html
        assert "از طرف سازمان" not in html  # no verified organisation

    def test_organisations(self, client, organisation, arak):
        OrganisationFactory(city=arak, name="سمن در انتظار", status=Organisation.Status.PENDING)
        html = html_of(client.get("/organisations/"))
        assert RTL in html
        assert organisation.name in html
        assert "تأییدشده" in html
        assert "سمن در انتظار" not in html

    def test_organisation_new_form(self, client, citizen, arak):
        client.force_login(citizen)
        html = html_of(client.get("/organisations/new/"))
        assert RTL in html
        assert "شماره ثبت" in html
        assert "اراک" in html

    def test_my_posts(self, client, citizen, plan):
        client.force_login(citizen)
        html = html_of(client.get("/me/posts/"))
        assert RTL in html
        assert "نوشته‌های من" in html

    @pytest.mark.parametrize(
        "path", ["/problems/new/", "/proposals/new/", "/organisations/new/", "/me/posts/"]
    )
    def test_need_sign_in(self, client, db, path):
        response = client.get(path)
        assert response.status_code == 302
        assert response["Location"].startswith("/signin/")

    def test_nav_links(self, client, citizen):
        html = html_of(client.get("/"))
        for label in ("برنامه‌ها", "مسائل", "ثبت مسئله"):
            assert label in html
        assert "نوشته‌های من" not in html
        client.force_login(citizen)
        assert 'href="/me/posts/"' in html_of(client.get("/"))


# Problems: filters, pagination, queries -------------------------------------------------


@pytest.mark.django_db
class TestProblemFilters:
    def test_jalali_dates_with_persian_digits(self, client, plan):
        at(ProblemFactory(plan=plan, title="مسئله‌ی اسفند"), tehran(2025, 3, 10))  # 1403/12/20
        at(ProblemFactory(plan=plan, title="مسئله‌ی فروردین"), tehran(2025, 3, 25))  # 1404/01/05
        at(ProblemFactory(plan=plan, title="مسئله‌ی تیر"), tehran(2025, 7, 1))  # 1404/04/10
        response = client.get(
            "/problems/", {"created_after": "۱۴۰۴/۰۱/۰۵", "created_before": "۱۴۰۴/۰۱/۳۱"}
        )
        html = html_of(response)
        assert response.status_code == 200
        assert "مسئله‌ی فروردین" in html
        assert "مسئله‌ی اسفند" not in html
        assert "مسئله‌ی تیر" not in html
        assert 'value="۱۴۰۴/۰۱/۰۵"' in html  # the typed value is kept

    def test_bad_date_is_400_with_persian_error(self, client, plan):
        ProblemFactory(plan=plan)
        response = client.get("/problems/", {"created_after": "۱۴۰۴/۱۳/۴۰"})
        html = html_of(response)
        assert response.status_code == 400
        assert "تاریخ نامعتبر است" in html
        assert 'aria-invalid="true"' in html
        assert count_testid(html, "problem-row") == 0

    def test_unknown_axis_is_400(self, client, db):
        response = client.get("/problems/", {"axis": "99999"})
        assert response.status_code == 400
        assert "محوری با این شناسه نیست" in html_of(response)

    def test_plan_axis_district_search_and_ordering(self, client, plan, axis, district, qom):
        other_plan = PlanFactory(city=qom)
        qom_axis = AxisFactory(city=qom, title="گردشگری زیارتی")
        ProblemFactory(plan=plan, axis=axis, district=district, title="پیاده‌رو خراب کاشانی")
        popular = ProblemFactory(plan=plan, axis=axis, title="ترافیک میدان")
        Problem.objects.filter(pk=popular.pk).update(supports_count=7)
        ProblemFactory(plan=other_plan, axis=qom_axis, title="مسئله‌ی قم")

        html = html_of(client.get("/problems/", {"plan": plan.pk}))
        assert count_testid(html, "problem-row") == 2
        assert "مسئله‌ی قم" not in html
        # With a plan chosen, the axis select offers only that city's axes.
        assert "حمل‌ونقل و ترافیک" in html
        assert "گردشگری زیارتی" not in html

        html = html_of(client.get("/problems/", {"district": district.pk}))
        assert count_testid(html, "problem-row") == 1
        assert "پیاده‌رو خراب کاشانی" in html

        # Search on normalised text: Arabic ك/ي find Persian ک/ی.
        html = html_of(client.get("/problems/", {"q": "كاشاني"}))
        assert count_testid(html, "problem-row") == 1
        assert "پیاده‌رو خراب کاشانی" in html

        html = html_of(client.get("/problems/", {"plan": plan.pk, "ordering": "most_supported"}))
        assert html.index("ترافیک میدان") < html.index("پیاده‌رو خراب کاشانی")

    def test_pagination_with_persian_digits(self, client, plan):
        ProblemFactory.create_batch(21, plan=plan)
        html = html_of(client.get("/problems/", {"plan": plan.pk}))
        assert count_testid(html, "problem-row") == 20
        assert "۲۱ مسئله" in html
        assert "صفحه‌ی ۱ از ۲" in html
        assert f'href="?plan={plan.pk}&amp;page=2"' in html
        html = html_of(client.get("/problems/", {"plan": plan.pk, "page": "2"}))
        assert count_testid(html, "problem-row") == 1
        assert "صفحه‌ی ۲ از ۲" in html

    def test_own_pending_problem_is_listed_with_its_state(self, client, citizen, plan):
        ProblemFactory(plan=plan, author=citizen, moderation_state="pending", title="مال من")
        assert "مال من" not in html_of(client.get("/problems/"))
        client.force_login(citizen)
        html = html_of(client.get("/problems/"))
        assert "مال من" in html
        assert "در انتظار بررسی" in html

    @pytest.mark.parametrize("signed_in", [False, True])
    def test_query_count_does_not_grow_with_rows(self, client, plan, axis, district, signed_in):
        if signed_in:
            client.force_login(UserFactory())

        def count_queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/problems/").status_code == 200
            return len(captured)

        ProblemFactory(plan=plan, axis=axis, district=district)
        one = count_queries()
        for _ in range(19):
            problem = ProblemFactory(plan=plan, axis=axis, district=DistrictFactory(city=plan.city))
            CommentFactory(problem=problem)
        twenty = count_queries()
        assert html_of(client.get("/problems/")).count('data-testid="problem-row"') == 20
        assert one == twenty


# Similar problems and «I have it too» ----------------------------------------------------


@pytest.mark.django_db
class TestSimilarAndSupport:
    def test_similar_partial_matches_arabic_yeh_and_kaf(self, client, problem, plan):
        ProblemFactory(plan=plan, title="کمبود فضای سبز در شهرک صنعتی")
        response = client.get(
            "/problems/similar/", {"plan": plan.pk, "text": "ترافيك سنگين خيابان كاشاني"}
        )
        html = html_of(response)
        assert response.status_code == 200
        assert count_testid(html, "similar-suggestions") == 1
        assert count_testid(html, "similar-item") == 1
        assert "ترافیک سنگین خیابان کاشانی" in html
        assert f"/problems/{problem.pk}/" in html
        assert count_testid(html, "support-similar") == 1
        assert f'formaction="/problems/{problem.pk}/support/"' in html

    def test_similar_partial_accepts_the_title_field_and_ignores_bad_plans(self, client, problem):
        html = html_of(
            client.get("/problems/similar/", {"plan": problem.plan_id, "title": "ترافیک کاشانی"})
        )
        assert count_testid(html, "similar-item") == 1
        for params in (
            {"plan": "x", "text": "ترافیک"},
            {"text": "ترافیک"},
            {"plan": problem.plan_id},
        ):
            response = client.get("/problems/similar/", params)
            assert response.status_code == 200
            assert count_testid(html_of(response), "similar-item") == 0

    def test_support_toggle_is_idempotent_and_updates_the_count(self, client, citizen, problem):
        client.force_login(citizen)
        url = f"/problems/{problem.pk}/support/"
        for _ in range(2):
            response = client.post(url, {"action": "support"}, HTTP_HX_REQUEST="true")
            assert response.status_code == 200
            html = html_of(response)
            assert re.search(r'data-testid="supports-count">۱<', html)
            assert 'aria-pressed="true"' in html
            assert 'value="unsupport"' in html
        assert Support.objects.filter(problem=problem).count() == 1
        problem.refresh_from_db()
        assert problem.supports_count == 1
        for _ in range(2):
            html = html_of(client.post(url, {"action": "unsupport"}, HTTP_HX_REQUEST="true"))
            assert re.search(r'data-testid="supports-count">۰<', html)
        problem.refresh_from_db()
        assert problem.supports_count == 0

    def test_support_without_htmx_redirects_to_the_problem(self, client, citizen, problem):
        """The «من هم این مسئله را دارم» button under similar problems is a plain POST."""
        client.force_login(citizen)
        response = client.post(f"/problems/{problem.pk}/support/", {"action": "support"})
        assert response.status_code == 302
        assert response["Location"] == f"/problems/{problem.pk}/"
        html = html_of(client.get(response["Location"]))
        assert re.search(r'data-testid="supports-count">۱<', html)
        assert "پشتیبانی شما ثبت شد" in html

    def test_own_problem_support_is_refused_with_the_service_message(self, client, problem):
        client.force_login(problem.author)
        response = client.post(f"/problems/{problem.pk}/support/", HTTP_HX_REQUEST="true")
        assert response.status_code == 400
        assert "این مسئله را خودتان ثبت کرده‌اید" in html_of(response)
        assert Support.objects.count() == 0

    def test_support_needs_post_and_sign_in(self, client, citizen, problem):
        url = f"/problems/{problem.pk}/support/"
        assert client.post(url)["Location"].startswith("/signin/")
        client.force_login(citizen)
        assert client.get(url).status_code == 405


# Submitting problems and proposals -------------------------------------------------------


@pytest.mark.django_db
class TestSubmitting:
    def test_problem_submit_goes_to_my_posts_pending(self, client, citizen, plan, axis, district):
        client.force_login(citizen)
        response = client.post(
            "/problems/new/",
            {
                "plan": plan.pk,
                "title": "نبود پیاده‌روی ایمن",
                "body": "کنار مدرسه پیاده‌رو نیست.",
                "axis": axis.pk,
                "district": district.pk,
            },
        )
        assert response.status_code == 302
        assert response["Location"] == "/me/posts/"
        created = Problem.objects.get(title="نبود پیاده‌روی ایمن")
        assert created.author == citizen
        assert created.axis == axis
        assert created.district == district
        html = html_of(client.get("/me/posts/"))
        assert "پس از بررسی ناظران منتشر می‌شود" in html
        assert re.search(r'data-testid="post-state">در انتظار بررسی<', html)

    def test_problem_submit_error_keeps_the_typed_values(self, client, citizen, plan, qom):
        other_axis = AxisFactory(city=qom, title="گردشگری زیارتی")
        client.force_login(citizen)
        response = client.post(
            "/problems/new/",
            {"plan": plan.pk, "title": "عنوان نوشته‌شده", "body": "شرح", "axis": other_axis.pk},
        )
        html = html_of(response)
        assert response.status_code == 400
        assert "این محور از شهر این برنامه نیست." in html
        assert 'value="عنوان نوشته‌شده"' in html
        assert ">شرح</textarea>" in html
        assert Problem.objects.count() == 0

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            ({"title": "", "body": "شرح"}, "عنوان را بنویسید."),
            ({"title": "عنوان", "body": ""}, "متن را بنویسید."),
            ({"title": "عنوان", "body": "شرح", "axis": "abc"}, "محوری با این شناسه نیست."),
            ({"title": "عنوان", "body": "شرح", "plan": "999"}, "برنامه‌ای با این شناسه نیست."),
            ({"title": "عنوان", "body": "شرح", "plan": ""}, "برنامه را انتخاب کنید."),
        ],
    )
    def test_problem_submit_refusals(self, client, citizen, plan, data, message):
        client.force_login(citizen)
        response = client.post("/problems/new/", {"plan": plan.pk, **data})
        assert response.status_code == 400
        assert message in html_of(response)
        assert Problem.objects.count() == 0

    def test_proposal_submit_on_behalf_of_verified_organisation(
        self, client, problem, organisation
    ):
        member = MembershipFactory(organisation=organisation).user
        client.force_login(member)
        html = html_of(client.get(f"/proposals/new/?problem={problem.pk}"))
        assert "از طرف سازمان" in html
        assert organisation.name in html
        response = client.post(
            "/proposals/new/",
            {
                "problem": problem.pk,
                "title": "خط ویژه",
                "body": "خط ویژه‌ی اتوبوس",
                "organisation": organisation.pk,
            },
        )
        proposal = problem.proposals.get()
        assert response.status_code == 302
        assert response["Location"] == f"/proposals/{proposal.pk}/"
        assert proposal.organisation == organisation
        assert proposal.plan == problem.plan
        html = html_of(client.get(response["Location"]))
        assert "در انتظار بررسی" in html
        assert "پس از بررسی ناظران منتشر می‌شود" in html

    def test_proposal_for_unpublished_problem_is_refused(self, client, citizen, plan):
        pending = ProblemFactory(plan=plan, author=citizen, moderation_state="pending")
        client.force_login(citizen)
        response = client.post(
            "/proposals/new/", {"problem": pending.pk, "title": "عنوان", "body": "شرح"}
        )
        assert response.status_code == 409
        assert "منتشرشده" in html_of(response)

    def test_organisation_register_awaits_verification(self, client, citizen, arak):
        client.force_login(citizen)
        response = client.post(
            "/organisations/new/",
            {"name": "انجمن پیاده‌روی", "registration_number": "۱۴۰۲-۷۷", "city": arak.pk},
        )
        assert response.status_code == 302
        assert response["Location"] == "/organisations/"
        created = Organisation.objects.get(name="انجمن پیاده‌روی")
        assert created.status == Organisation.Status.PENDING
        assert created.registration_number == "1402-77"
        html = html_of(client.get("/organisations/"))
        assert "در انتظار تأیید" in html
        assert "پس از تأیید مدیر شهر" in html

    def test_organisation_register_refusals(self, client, citizen, arak, organisation):
        client.force_login(citizen)
        response = client.post("/organisations/new/", {"name": "بی‌شهر", "registration_number": "1"})
        assert response.status_code == 400
        assert "شهر را انتخاب کنید." in html_of(response)
        response = client.post(
            "/organisations/new/",
            {
                "name": "تکراری",
                "registration_number": organisation.registration_number,
                "city": arak.pk,
            },
        )
        assert response.status_code == 409
        assert "پیش‌تر ثبت شده" in html_of(response)
        assert 'value="تکراری"' in html_of(response)


# Comments ----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestComments:
    def test_comment_on_open_item_is_pending_with_a_notice(self, client, citizen, tree):
        item = tree["strategy"]
        client.force_login(citizen)
        html = html_of(client.get(f"/plan-items/{item.pk}/"))
        assert count_testid(html, "comment-form") == 1
        assert 'name="stance"' in html
        response = client.post(
            f"/plan-items/{item.pk}/comments/", {"body": "موافقم", "stance": "for"}
        )
        assert response.status_code == 302
        assert response["Location"] == f"/plan-items/{item.pk}/#comments"
        html = html_of(client.get(response["Location"]))
        assert "نظر شما ثبت شد و پس از بررسی منتشر می‌شود" in html
        assert "موافقم" in html
        assert "در انتظار بررسی" in html
        assert "موافق" in html
        # Others do not see it yet.
        client.force_login(UserFactory())
        assert "موافقم" not in html_of(client.get(f"/plan-items/{item.pk}/"))

    def test_comment_with_htmx_returns_the_thread(self, client, citizen, problem):
        client.force_login(citizen)
        response = client.post(
            f"/problems/{problem.pk}/comments/",
            {"body": "در ساعت هفت صبح بدتر است", "stance": "neutral"},
            HTTP_HX_REQUEST="true",
        )
        html = html_of(response)
        assert response.status_code == 200
        assert html.startswith('<section id="comments"')
        assert "<html" not in html
        assert "در ساعت هفت صبح بدتر است" in html
        assert "پس از بررسی منتشر می‌شود" in html

    def test_comment_on_closed_item_is_refused_and_stores_nothing(self, client, citizen, tree):
        item = tree["policy"]
        client.force_login(citizen)
        html = html_of(client.get(f"/plan-items/{item.pk}/"))
        assert count_testid(html, "comment-form") == 0
        assert count_testid(html, "comments-closed") == 1
        response = client.post(f"/plan-items/{item.pk}/comments/", {"body": "دیر رسیدم"})
        assert response.status_code == 409
        assert "نظرخواهی برای این بند باز نیست." in html_of(response)
        response = client.post(
            f"/plan-items/{item.pk}/comments/", {"body": "دیر رسیدم"}, HTTP_HX_REQUEST="true"
        )
        assert response.status_code == 409
        assert "نظرخواهی برای این بند باز نیست." in html_of(response)
        assert Comment.objects.count() == 0

    def test_expired_window_is_closed(self, client, citizen, tree):
        item = tree["strategy"]
        PlanItem.objects.filter(pk=item.pk).update(
            comment_opens_at=tehran(2024, 1, 1), comment_closes_at=tehran(2024, 2, 1)
        )
        client.force_login(citizen)
        response = client.post(f"/plan-items/{item.pk}/comments/", {"body": "دیر"})
        assert response.status_code == 409
        assert Comment.objects.count() == 0

    def test_expert_comment_has_the_badge(self, client, tree):
        item = tree["strategy"]
        CommentFactory(
            problem=None, plan_item=item, author=ExpertFactory(), is_expert=True, body="<p>الف</p>"
        )
        CommentFactory(problem=None, plan_item=item, body="<p>ب</p>")
        html = html_of(client.get(f"/plan-items/{item.pk}/"))
        assert count_testid(html, "comment") == 2
        assert count_testid(html, "expert-badge") == 1
        assert "کارشناس" in html

    def test_hostile_html_is_rendered_sanitised(self, client, citizen, problem):
        client.force_login(citizen)
        client.post(
            f"/problems/{problem.pk}/comments/",
            {
                "body": '<script>alert(1)</script><img src=x onerror="alert(2)">'
                '<a href="javascript:alert(3)">پیوند</a> <b>مهم</b>',
                "stance": "against",
            },
        )
        html = html_of(client.get(f"/problems/{problem.pk}/"))
        thread = html[html.index('id="comments"') :]
        assert "<b>مهم</b>" in thread
        assert "پیوند" in thread
        assert "<script>alert" not in html
        assert "onerror" not in html
        assert "javascript:" not in html
        assert "<img" not in thread
        html = html_of(client.get("/me/posts/"))
        assert "<script>alert" not in html
        assert "onerror" not in html

    def test_replies_are_indented_under_their_comment(self, client, citizen, problem):
        top = CommentFactory(problem=problem, body="<p>نظر اول</p>")
        client.force_login(citizen)
        response = client.post(
            f"/problems/{problem.pk}/comments/", {"body": "پاسخ من", "parent": top.pk}
        )
        assert response.status_code == 302
        reply = Comment.objects.get(parent=top)
        html = html_of(client.get(f"/problems/{problem.pk}/"))
        replies = html[html.index('class="replies"') :]
        assert f'id="comment-{reply.pk}"' in replies
        assert "پاسخ من" in replies

    def test_unknown_parent_is_404_like_a_hidden_one(self, client, citizen, problem):
        """An unknown parent answers like a hidden one (404), so an id never confirms that a
        comment exists; a parent that is not a number stays a 400."""
        client.force_login(citizen)
        response = client.post(
            f"/problems/{problem.pk}/comments/", {"body": "پاسخ", "parent": "999"}
        )
        assert response.status_code == 404
        assert Comment.objects.count() == 0
        response = client.post(
            f"/problems/{problem.pk}/comments/", {"body": "پاسخ", "parent": "abc"}
        )
        assert response.status_code == 400
        assert Comment.objects.count() == 0

    def test_no_comments_on_an_unpublished_problem(self, client, citizen, plan):
        pending = ProblemFactory(plan=plan, author=citizen, moderation_state="pending")
        client.force_login(citizen)
        html = html_of(client.get(f"/problems/{pending.pk}/"))
        assert count_testid(html, "moderation-state") == 1
        assert "در انتظار بررسی" in html
        assert count_testid(html, "comment-form") == 0
        assert count_testid(html, "support-button") == 0
        response = client.post(f"/problems/{pending.pk}/comments/", {"body": "من"})
        assert response.status_code == 409
        assert Comment.objects.count() == 0

    def test_others_cannot_see_a_pending_problem(self, client, citizen, plan):
        pending = ProblemFactory(plan=plan, moderation_state="pending")
        client.force_login(citizen)
        assert client.get(f"/problems/{pending.pk}/").status_code == 404
        assert client.post(f"/problems/{pending.pk}/comments/", {"body": "x"}).status_code == 404


# My posts ------------------------------------------------------------------------------


@pytest.mark.django_db
class TestMyPosts:
    def test_every_kind_with_its_state(self, client, citizen, plan, tree):
        ProblemFactory(plan=plan, author=citizen, moderation_state="pending", title="مسئله‌ی من")
        ProposalFactory(plan=plan, author=citizen, moderation_state="rejected", title="پیشنهاد من")
        CommentFactory(
            problem=None, plan_item=tree["strategy"], author=citizen, moderation_state="published"
        )
        ProblemFactory(plan=plan, title="مسئله‌ی دیگران")
        client.force_login(citizen)
        html = html_of(client.get("/me/posts/"))
        assert "مسئله‌ی من" in html
        assert "پیشنهاد من" in html
        assert "مسئله‌ی دیگران" not in html
        states = re.findall(r'data-testid="post-state">([^<]+)<', html)
        assert states == ["در انتظار بررسی", "ردشده", "منتشرشده"]
        assert JALALI.search(html)


# Endorsements --------------------------------------------------------------------------


@pytest.mark.django_db
class TestEndorsements:
    @pytest.fixture
    def proposal(self, plan):
        return ProposalFactory(plan=plan, title="بازآفرینی بافت فرسوده")

    def test_form_only_for_members_of_verified_organisations(
        self, client, proposal, organisation, arak
    ):
        url = f"/proposals/{proposal.pk}/"
        assert count_testid(html_of(client.get(url)), "endorse-form") == 0
        client.force_login(UserFactory())
        assert count_testid(html_of(client.get(url)), "endorse-form") == 0
        pending = OrganisationFactory(city=arak, status=Organisation.Status.PENDING)
        client.force_login(MembershipFactory(organisation=pending).user)
        assert count_testid(html_of(client.get(url)), "endorse-form") == 0
        client.force_login(MembershipFactory(organisation=organisation).user)
        html = html_of(client.get(url))
        assert count_testid(html, "endorse-form") == 1
        assert organisation.name in html

    def test_endorse_and_withdraw(self, client, proposal, organisation):
        client.force_login(MembershipFactory(organisation=organisation).user)
        response = client.post(
            f"/proposals/{proposal.pk}/endorse/",
            {"organisation": organisation.pk, "statement": "ما پشتیبان این پیشنهادیم."},
        )
        assert response.status_code == 302
        html = html_of(client.get(f"/proposals/{proposal.pk}/"))
        assert count_testid(html, "endorsement") == 1
        assert "ما پشتیبان این پیشنهادیم." in html
        assert re.search(r'data-testid="endorsements-count">۱<', html)
        # Already endorsed: no second form, a withdraw button instead.
        assert count_testid(html, "endorse-form") == 0
        assert count_testid(html, "unendorse-button") == 1
        response = client.post(
            f"/proposals/{proposal.pk}/endorse/",
            {"organisation": organisation.pk, "statement": "دوباره"},
        )
        assert response.status_code == 409
        assert "پیش‌تر" in html_of(response)
        client.post(f"/proposals/{proposal.pk}/unendorse/", {"organisation": organisation.pk})
        html = html_of(client.get(f"/proposals/{proposal.pk}/"))
        assert count_testid(html, "endorsement") == 0
        assert count_testid(html, "endorse-form") == 1

    def test_endorse_refusals(self, client, proposal, organisation, arak):
        client.force_login(MembershipFactory(organisation=organisation).user)
        response = client.post(
            f"/proposals/{proposal.pk}/endorse/", {"organisation": organisation.pk, "statement": ""}
        )
        assert response.status_code == 400
        assert "بیانیه‌ی حمایت را بنویسید." in html_of(response)
        stranger = OrganisationFactory(city=arak)
        response = client.post(
            f"/proposals/{proposal.pk}/endorse/", {"organisation": stranger.pk, "statement": "x"}
        )
        assert response.status_code == 403
        assert "شما عضو این سازمان نیستید." in html_of(response)
        response = client.post(
            f"/proposals/{proposal.pk}/endorse/", {"organisation": "999", "statement": "x"}
        )
        assert response.status_code == 400
        assert "سازمانی با این شناسه نیست." in html_of(response)
        assert Endorsement.objects.count() == 0

    def test_select_when_member_of_several(self, client, proposal, organisation, arak):
        user = MembershipFactory(organisation=organisation).user
        MembershipFactory(user=user, organisation=OrganisationFactory(city=arak))
        client.force_login(user)
        html = html_of(client.get(f"/proposals/{proposal.pk}/"))
        assert 'id="endorse-organisation"' in html
