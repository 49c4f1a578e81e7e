"""The planners' budget pages: a project's small forms (status, manual progress with evidence,
milestones done / not done) and the city's import page (preview with the row-by-row report,
«ثبت», accepting only the valid rows, the column mapping), refused in Persian to everyone
else — a Qom planner on an Arak project included."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Activity
from budget.models import BudgetLine, ImportMapping, Milestone, Project
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

REFUSAL = "پروژه‌ها و ردیف‌های بودجه‌ی این شهر را فقط برنامه‌ریزان همین شهر ثبت می‌کنند."
HUGE = "9789143892387112721133338624"


def html_of(response, status=200) -> str:
    assert response.status_code == status, response.content[:600]
    return response.content.decode()


# A project's forms -------------------------------------------------------------------------


class TestProjectForms:
    def test_planners_see_the_forms_others_do_not(self, client, budget_world, planner, request):
        url = f"/budget/projects/{budget_world.p1.pk}/"
        client.force_login(planner)
        html = html_of(client.get(url))
        for form in ("status-form", "progress-form", "milestone-form"):
            assert f'data-testid="{form}"' in html
        assert 'name="form_token"' in html
        assert 'name="csrfmiddlewaretoken"' in html
        for other in ("citizen", "qom_planner", "moderator"):
            client.force_login(request.getfixturevalue(other))
            assert 'data-testid="manage"' not in html_of(client.get(url))

    def test_status_change(self, client, budget_world, planner):
        project = budget_world.p1
        client.force_login(planner)
        response = client.post(f"/budget/projects/{project.pk}/status/", {"status": "running"})
        assert response.status_code == 302
        assert response["Location"].endswith(f"/budget/projects/{project.pk}/#status")
        project.refresh_from_db()
        assert project.status == "running"
        assert Activity.objects.filter(action="budget.project_update").exists()
        html = html_of(client.get(response["Location"]))
        assert "وضعیت پروژه ثبت شد." in html
        assert "در حال اجرا" in html

    def test_finishing_a_project_puts_it_at_100(self, client, budget_world, planner):
        project = budget_world.p1
        client.force_login(planner)
        client.post(f"/budget/projects/{project.pk}/status/", {"status": "done"})
        html = html_of(client.get(f"/budget/projects/{project.pk}/"))
        assert ">۱۰۰٪</text>" in html
        assert "پروژه پایان یافته است" in html

    def test_a_wrong_status_is_a_persian_400_on_the_page(self, client, budget_world, planner):
        project = budget_world.p1
        client.force_login(planner)
        response = client.post(f"/budget/projects/{project.pk}/status/", {"status": "nope"})
        html = html_of(response, 400)
        assert 'data-testid="form-error"' in html
        assert "وضعیت پروژه نامعتبر است." in html
        assert "ساخت ایستگاه‌های خط یک" in html  # the project page again
        project.refresh_from_db()
        assert project.status == "planned"

    def test_manual_progress_needs_evidence(self, client, budget_world, planner):
        project = budget_world.p1
        client.force_login(planner)
        url = f"/budget/projects/{project.pk}/progress/"
        response = client.post(url, {"progress_mode": "manual", "manual_progress": "۷۵"})
        html = html_of(response, 400)
        assert "پیشرفت دستی را با مستند (پیوند یا توضیح) ثبت کنید." in html
        assert 'value="۷۵"' in html  # what was typed is kept
        project.refresh_from_db()
        assert project.progress_mode == "milestones"
        response = client.post(
            url,
            {
                "progress_mode": "manual",
                "manual_progress": "۷۵",
                "progress_note": "گزارش بازدید ناظر، مهر ۱۴۰۴",
            },
        )
        assert response.status_code == 302
        project.refresh_from_db()
        assert (project.progress_mode, str(project.physical_progress)) == ("manual", "75.00")
        html = html_of(client.get(f"/budget/projects/{project.pk}/"))
        assert "ثبت دستی با مستند:" in html
        assert "گزارش بازدید ناظر" in html

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"manual_progress": "120", "progress_note": "x"}, "پیشرفت باید درصدی از ۰ تا ۱۰۰"),
            ({"manual_progress": "abc", "progress_note": "x"}, "پیشرفت باید درصدی از ۰ تا ۱۰۰"),
            ({"manual_progress": "5", "progress_evidence": "javascript:x"}, "پیوند مستند"),
        ],
    )
    def test_bad_progress_is_refused_in_persian(
        self, client, budget_world, planner, fields, message
    ):
        client.force_login(planner)
        response = client.post(
            f"/budget/projects/{budget_world.p1.pk}/progress/",
            {"progress_mode": "manual", **fields},
        )
        assert message in html_of(response, 400)

    def test_milestone_done_then_not_done(self, client, budget_world, planner):
        w = budget_world
        client.force_login(planner)
        url = f"/budget/projects/{w.p1.pk}/milestones/{w.m2.pk}/"
        response = client.post(url, {"done": "1", "done_on": "۱۴۰۴/۰۸/۰۱"})
        assert response.status_code == 302
        assert response["Location"].endswith(f"#milestone-{w.m2.pk}")
        w.m2.refresh_from_db()
        assert str(w.m2.done_on) == "2025-10-23"
        html = html_of(client.get(f"/budget/projects/{w.p1.pk}/"))
        assert ">۱۰۰٪</text>" in html  # both milestones done
        assert "۱۴۰۴/۰۸/۰۱" in html
        client.post(url, {"done": "0"})
        w.m2.refresh_from_db()
        assert w.m2.done_on is None
        w.p1.refresh_from_db()
        assert str(w.p1.physical_progress) == "50.00"

    def test_done_without_a_date_means_today(self, client, budget_world, planner):
        w = budget_world
        client.force_login(planner)
        client.post(f"/budget/projects/{w.p1.pk}/milestones/{w.m2.pk}/", {"done": "1"})
        assert Milestone.objects.get(pk=w.m2.pk).done_on is not None

    def test_a_bad_date_is_a_persian_400(self, client, budget_world, planner):
        w = budget_world
        client.force_login(planner)
        response = client.post(
            f"/budget/projects/{w.p1.pk}/milestones/{w.m2.pk}/", {"done": "1", "done_on": "x"}
        )
        assert "تاریخ نامعتبر است" in html_of(response, 400)

    def test_a_milestone_of_another_project_is_404(self, client, budget_world, planner):
        w = budget_world
        client.force_login(planner)
        for milestone in (w.m2.pk, HUGE):
            response = client.post(f"/budget/projects/{w.p2.pk}/milestones/{milestone}/")
            assert response.status_code == 404
        assert Milestone.objects.get(pk=w.m2.pk).done_on is None

    @pytest.mark.parametrize(
        "path", ["status/", "progress/", "milestones/{m}/"], ids=["status", "progress", "milestone"]
    )
    def test_anonymous_visitors_are_sent_to_sign_in(self, client, budget_world, path):
        w = budget_world
        url = f"/budget/projects/{w.p1.pk}/" + path.format(m=w.m2.pk)
        response = client.post(url, {"status": "done", "done": "1"})
        assert response.status_code == 302
        assert response["Location"].startswith("/signin/")

    @pytest.mark.parametrize("who", ["citizen", "moderator", "qom_planner"])
    @pytest.mark.parametrize(
        "path", ["status/", "progress/", "milestones/{m}/"], ids=["status", "progress", "milestone"]
    )
    def test_others_are_refused_in_persian(self, client, budget_world, request, who, path):
        w = budget_world
        client.force_login(request.getfixturevalue(who))
        url = f"/budget/projects/{w.p1.pk}/" + path.format(m=w.m2.pk)
        response = client.post(url, {"status": "done", "done": "1", "progress_mode": "manual"})
        html = html_of(response, 403)
        assert REFUSAL in html
        project = Project.objects.get(pk=w.p1.pk)
        assert (project.status, project.progress_mode) == ("planned", "milestones")
        assert Milestone.objects.get(pk=w.m2.pk).done_on is None

    def test_get_is_not_allowed_on_the_forms(self, client, budget_world, planner):
        client.force_login(planner)
        assert client.get(f"/budget/projects/{budget_world.p1.pk}/status/").status_code == 405


# The import page ------------------------------------------------------------------------


def csv_file(*rows: str, header: str = "کد ردیف,تعهدشده,هزینه‌شده", name="ejra.csv"):
    text = "\n".join([header, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def token_of(html: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', html).group(1)


@pytest.fixture
def import_url(arak):
    return f"/cities/{arak.pk}/budget/import/"


def preview(client, url, file, year=1404):
    return client.post(url, {"action": "preview", "year": year, "file": file})


class TestImportPage:
    def test_the_page_for_planners(self, client, budget_world, planner, import_url):
        client.force_login(planner)
        html = html_of(client.get(import_url, {"year": 1404}))
        assert '<option value="1404" selected>۱۴۰۴</option>' in html
        assert '<option value="1403">' in html  # a year with lines, before the plan
        assert "«کد ردیف»" in html
        assert "«هزینه‌شده»" in html
        assert f"{import_url.replace('import/', '1404/export.csv')}" in html
        assert 'data-testid="mapping"' in html

    def test_anonymous_must_sign_in(self, client, import_url):
        response = client.get(import_url)
        assert response.status_code == 302
        assert response["Location"].startswith("/signin/")

    @pytest.mark.parametrize("who", ["citizen", "moderator", "qom_planner"])
    def test_others_are_refused_in_persian(self, client, request, import_url, who):
        client.force_login(request.getfixturevalue(who))
        assert REFUSAL in html_of(client.get(import_url), 403)
        response = preview(client, import_url, csv_file("100,1,1"))
        assert response.status_code == 403

    def test_unknown_city_is_404(self, client, planner):
        client.force_login(planner)
        for city in ("999999", HUGE):
            assert client.get(f"/cities/{city}/budget/import/").status_code == 404

    def test_preview_stores_nothing_then_store(self, client, budget_world, planner, import_url):
        client.force_login(planner)
        response = preview(client, import_url, csv_file("100,9500000000,9900000000"))
        html = html_of(response)
        assert 'data-status="changed"' in html
        assert 'data-testid="nothing-stored"' in html
        assert "۹٬۶۰۰٬۰۰۰٬۰۰۰ ریال ← ۹٬۹۰۰٬۰۰۰٬۰۰۰ ریال" in html  # what the row changes
        assert BudgetLine.objects.get(pk=budget_world.line100.pk).spent == 9_600_000_000
        stored = client.post(import_url, {"action": "apply", "token": token_of(html)})
        assert stored.status_code == 302
        assert stored["Location"].endswith(f"{import_url}?year=1404")
        line = BudgetLine.objects.get(pk=budget_world.line100.pk)
        assert (line.committed, line.spent) == (9_500_000_000, 9_900_000_000)
        assert "۱ ردیف بودجه‌ی سال ۱۴۰۴ ثبت شد." in html_of(client.get(stored["Location"]))

    def test_a_bad_row_is_named_and_nothing_is_stored(
        self, client, budget_world, planner, import_url
    ):
        client.force_login(planner)
        file = csv_file("100,1,2", "200,0,-5", "NEW,1,1")
        html = html_of(preview(client, import_url, file))
        rows = re.findall(r'data-status="(\w+)"', html)
        assert rows == ["changed", "error", "error"]
        assert "مبلغ هزینه‌شده نمی‌تواند منفی باشد." in html
        assert "ردیف تازه است و عنوان ندارد." in html
        assert 'data-testid="accept-valid"' in html
        refused = client.post(import_url, {"action": "apply", "token": token_of(html)})
        html = html_of(refused, 400)
        assert "۲ سطر نادرست است؛ چیزی ذخیره نشد." in html
        assert html.count('data-status="error"') == 2  # the report again
        assert BudgetLine.objects.get(pk=budget_world.line100.pk).spent == 9_600_000_000
        accepted = client.post(
            import_url, {"action": "apply", "token": token_of(html), "accept_valid_rows": "on"}
        )
        assert accepted.status_code == 302
        assert BudgetLine.objects.get(pk=budget_world.line100.pk).spent == 2
        assert not BudgetLine.objects.filter(code="NEW").exists()

    def test_the_same_file_again_changes_nothing(self, client, budget_world, planner, import_url):
        client.force_login(planner)
        file = csv_file("100,9000000000,9600000000", "200,0,100000000")
        html = html_of(preview(client, import_url, file))
        assert re.findall(r'data-status="(\w+)"', html) == ["same", "same"]
        assert "بدون تغییر" in html

    def test_a_file_where_every_row_is_wrong_offers_no_store(
        self, client, budget_world, planner, import_url
    ):
        client.force_login(planner)
        html = html_of(preview(client, import_url, csv_file("100,x,1")))
        assert 'data-testid="import-apply"' not in html
        assert "مصوب" not in re.findall(r'data-testid="import-message">([^<]+)<', html)[0]

    @pytest.mark.parametrize(
        ("fields", "message"),
        [
            ({"action": "preview", "year": 1404}, "پرونده‌ای برای خواندن انتخاب کنید."),
            ({"action": "apply", "token": "nope"}, "پرونده را دوباره بفرستید"),
        ],
    )
    def test_persian_400s(self, client, planner, import_url, fields, message):
        client.force_login(planner)
        assert message in html_of(client.post(import_url, fields), 400)

    def test_a_bad_year_or_file_is_a_persian_400(self, client, budget_world, planner, import_url):
        client.force_login(planner)
        html = html_of(preview(client, import_url, csv_file("100,1,1"), year="abc"), 400)
        assert "سال باید سال خورشیدی مانند ۱۴۰۴ باشد." in html
        html = html_of(preview(client, import_url, csv_file("1", header="x,y")), 400)
        assert "(کد ردیف) در سطر نخست نیست." in html

    def test_a_token_is_the_planners_own(self, client, budget_world, planner, import_url):
        client.force_login(planner)
        html = html_of(preview(client, import_url, csv_file("100,1,2")))
        other = UserFactory()
        from tests.factories import StaffRoleFactory

        StaffRoleFactory(city=budget_world.plan.city, role="planner", user=other)
        client.force_login(other)
        response = client.post(import_url, {"action": "apply", "token": token_of(html)})
        assert "پرونده را دوباره بفرستید" in html_of(response, 400)
        assert BudgetLine.objects.get(pk=budget_world.line100.pk).spent == 9_600_000_000

    def test_with_the_cache_down_the_preview_is_a_persian_503(
        self, client, budget_world, planner, import_url
    ):
        from django.core.cache import caches
        from django.test import override_settings

        client.force_login(planner)
        down = {
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
            }
        }
        with override_settings(CACHES=down):
            assert caches["default"].__class__.__name__ == "RedisCache"
            response = preview(client, import_url, csv_file("100,1,2"))
        assert "دوباره تلاش کنید" in html_of(response, 503)

    def test_the_citys_column_mapping(self, client, budget_world, planner, import_url, arak):
        client.force_login(planner)
        mapping = f"/cities/{arak.pk}/budget/mapping/"
        response = client.post(
            mapping, {"year": "1404", "column-code": "Radif", "column-spent": "Hazine"}
        )
        assert response.status_code == 302
        assert response["Location"].endswith(f"{import_url}?year=1404#mapping")
        assert ImportMapping.objects.get(city=arak).columns["spent"] == "Hazine"
        html = html_of(client.get(import_url))
        assert 'name="column-spent" value="Hazine"' in html
        html = html_of(preview(client, import_url, csv_file("100,5", header="Radif,Hazine")))
        assert 'data-status="changed"' in html

    def test_a_bad_mapping_is_refused_in_persian(self, client, planner, arak, qom_planner):
        client.force_login(planner)
        mapping = f"/cities/{arak.pk}/budget/mapping/"
        response = client.post(mapping, {"column-code": "X", "column-spent": "X"})
        assert "یک سرستون برای دو فیلد آمده است." in html_of(response, 400)
        client.force_login(qom_planner)
        assert REFUSAL in html_of(client.post(mapping, {"column-code": "Y"}), 403)
        assert not ImportMapping.objects.filter(columns__code="Y").exists()


def test_a_double_tap_on_store_lands_on_the_same_page(client, budget_world, planner, import_url):
    """«ثبت» carries a one-time form token: the browser's retry gets the first answer, not
    «send the file again»."""
    client.force_login(planner)
    html = html_of(preview(client, import_url, csv_file("100,1,2")))
    form_token = re.search(r'name="form_token" value="([^"]+)"', html).group(1)
    fields = {"action": "apply", "token": token_of(html), "form_token": form_token}
    first = client.post(import_url, fields)
    again = client.post(import_url, fields)
    assert first.status_code == again.status_code == 302
    assert first["Location"] == again["Location"]
    assert BudgetLine.objects.get(pk=budget_world.line100.pk).spent == 2
