"""The budget API: projects, milestones, budget lines and fundings — create, change, list —
with more refusals than successes (anonymous, citizens, another city's planners, unknown
and huge ids, bad years, negative or fractional rials, floats, shares beyond the whole line,
nonsense dates), each a 4xx with a Persian message and nothing changed."""

import re

import pytest

from accounts.models import Activity
from budget import services
from budget.models import BudgetLine, Funding, Milestone, Project
from tests.factories import DistrictFactory, PlanFactory, PlanItemFactory

pytestmark = pytest.mark.django_db

PERSIAN = re.compile(r"[\u0600-\u06FF]")
HUGE = "9" * 40
PROJECTS = "/api/v1/budget/projects/"
LINES = "/api/v1/budget/lines/"
FUNDINGS = "/api/v1/budget/fundings/"


def persian_refusal(response, status):
    assert response.status_code == status, response.content[:400]
    body = response.json()
    text = body["detail"] if "detail" in body else str(body)
    assert PERSIAN.search(text), body
    return body


@pytest.fixture
def anon():
    """A client of its own: `as_user` signs in the shared `api_client`."""
    from rest_framework.test import APIClient

    return APIClient()


def scheme_of(plan):
    """A scheme (goal → strategy → policy → scheme) in another plan."""
    goal = PlanItemFactory(plan=plan, code="1", kind="goal")
    strategy = PlanItemFactory(plan=plan, parent=goal, code="1.1", kind="strategy")
    policy = PlanItemFactory(plan=plan, parent=strategy, code="1.1.1", kind="policy")
    return PlanItemFactory(plan=plan, parent=policy, code="1.1.1.1", kind="project")


@pytest.fixture
def project(make_project, scheme):
    return make_project(scheme, "P-1", planned_cost=1_000_000)


@pytest.fixture
def line(make_line):
    return make_line("12-01", 2_000_000, spent=500_000)


@pytest.fixture
def qom_plan(qom):
    return PlanFactory(city=qom)


@pytest.fixture
def qom_line(qom_planner, qom):
    return services.line_create(
        actor=qom_planner, city=qom, year=1404, code="Q-1", title="ردیف قم", approved=1000
    )


def _project_body(plan, scheme, **extra):
    return {
        "plan": plan.pk,
        "scheme": scheme.pk,
        "year": 1404,
        "code": "P-10",
        "title": "پیاده‌راه بازار",
        **extra,
    }


# Projects: create ----------------------------------------------------------------------


def test_planner_creates_a_project_with_jalali_dates_and_persian_rials(
    as_user, planner, plan, scheme, district
):
    body = _project_body(
        plan,
        scheme,
        planned_cost="۱٬۲۵۰٬۰۰۰٬۰۰۰",
        district=district.pk,
        planned_start="1404/01/15",
        planned_end="۱۴۰۴/۱۲/۲۰",
        responsible_unit="معاونت فنی",
    )
    response = as_user(planner).post(PROJECTS, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["planned_cost"] == 1_250_000_000
    assert data["planned_start"] == "2025-04-04"
    assert data["planned_start_jalali"] == "1404/01/15"
    assert data["planned_end_jalali"] == "1404/12/20"
    assert data["district"] == {"id": district.pk, "name": district.name}
    assert data["scheme"]["code"] == scheme.code
    assert data["city"] == plan.city_id
    assert data["status"] == "planned"
    assert data["physical_progress"] == "0"
    assert data["money"] == {
        "planned": 1_250_000_000,
        "approved": 0,
        "current": 0,
        "committed": 0,
        "spent": 0,
    }
    assert data["fundings"] == []
    assert data["milestones"] == []
    assert "indicators" in data
    assert data["entries"] == []
    project = Project.objects.get(pk=data["id"])
    assert project.created_by == planner
    assert Activity.objects.filter(action="budget.project_create", object_id=project.pk).exists()


def test_anonymous_cannot_create_a_project(anon, plan, scheme):
    response = anon.post(PROJECTS, _project_body(plan, scheme), format="json")
    assert response.status_code in (401, 403)
    assert not Project.objects.exists()


def test_a_citizen_cannot_create_a_project(as_user, citizen, plan, scheme):
    response = as_user(citizen).post(PROJECTS, _project_body(plan, scheme), format="json")
    persian_refusal(response, 403)
    assert not Project.objects.exists()


def test_a_qom_planner_cannot_create_a_project_in_araks_plan(as_user, qom_planner, plan, scheme):
    response = as_user(qom_planner).post(PROJECTS, _project_body(plan, scheme), format="json")
    body = persian_refusal(response, 403)
    assert body["code"] == "not_city_planner"
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"planned_cost": -5}, "negative_amount"),
        ({"planned_cost": "-5"}, "negative_amount"),
        ({"planned_cost": "12.5"}, "not_rials"),
        ({"planned_cost": 12.5}, None),
        ({"planned_cost": 1000.0}, None),
        ({"planned_cost": True}, None),
        ({"planned_cost": "abc"}, "not_rials"),
        ({"planned_cost": 10**20}, "amount_too_large"),
        ({"planned_cost": "9" * 80}, None),
        ({"year": 1403}, "year_outside_plan"),
        ({"year": "abc"}, None),
        ({"year": HUGE}, None),
        ({"year": 1404.5}, None),
        ({"plan": HUGE}, None),
        ({"plan": 0}, None),
        ({"scheme": HUGE}, None),
        ({"scheme": 999_999}, "scheme_not_in_plan"),
        ({"code": "کد فارسی"}, "invalid_code"),
        ({"code": ""}, None),
        ({"title": ""}, None),
        ({"district": HUGE}, None),
        ({"status": "bogus"}, None),
        ({"planned_start": "2025-02-30"}, "invalid_date"),
        ({"planned_start": "1404/13/01"}, "invalid_date"),
        ({"planned_start": "fardā"}, "invalid_date"),
        ({"planned_start": "1404/05/01", "planned_end": "1404/02/01"}, "dates_out_of_order"),
        ({"manual_progress": "120", "progress_mode": "manual"}, "invalid_progress"),
        ({"progress_evidence": "javascript:alert(1)"}, "invalid_url"),
        ({"planed_cost": 5}, "unknown_field"),
    ],
)
def test_bad_project_input_is_a_persian_400(as_user, planner, plan, scheme, change, code):
    body = {**_project_body(plan, scheme), **change}
    result = persian_refusal(as_user(planner).post(PROJECTS, body, format="json"), 400)
    if code:
        assert result["code"] == code
    assert not Project.objects.exists()


def test_a_project_under_a_goal_or_with_another_citys_district_is_refused(
    as_user, planner, plan, tree, qom
):
    client = as_user(planner)
    body = _project_body(plan, tree["goal"])
    assert persian_refusal(client.post(PROJECTS, body, format="json"), 400)["code"] == (
        "not_a_scheme"
    )
    body = _project_body(plan, tree["scheme"], district=DistrictFactory(city=qom).pk)
    refused = persian_refusal(client.post(PROJECTS, body, format="json"), 400)
    assert refused["code"] == "district_not_in_city"
    other_plan = PlanFactory(city=plan.city)
    body = _project_body(other_plan, tree["scheme"])
    assert persian_refusal(client.post(PROJECTS, body, format="json"), 400)["code"] == (
        "scheme_not_in_plan"
    )
    assert not Project.objects.exists()


def test_a_duplicate_project_code_is_a_409(as_user, planner, plan, scheme, project):
    body = _project_body(plan, scheme, code=project.code)
    assert persian_refusal(as_user(planner).post(PROJECTS, body, format="json"), 409)
    assert Project.objects.count() == 1


@pytest.mark.parametrize("body", [[1, 2], "text", None])
def test_a_body_that_is_not_an_object_is_a_400(as_user, planner, body):
    response = as_user(planner).post(PROJECTS, body, format="json")
    assert response.status_code == 400


def test_broken_json_is_a_persian_400(as_user, planner):
    response = as_user(planner).post(PROJECTS, "{nope", content_type="application/json")
    persian_refusal(response, 400)


# Projects: list, detail, change ----------------------------------------------------------


def test_the_project_list_is_public_and_filters(anon, planner, make_project, tree, plan, districts):
    first = make_project(tree["scheme"], "A", district=districts[0].pk)
    second = make_project(tree["scheme2"], "B", year=1405, status="running")
    third = make_project(tree["scheme3"], "C", district=districts[1].pk)
    other = PlanFactory(city=plan.city)
    services.project_create(
        actor=planner, plan=other, scheme=scheme_of(other), year=1404, code="D", title="دیگر"
    )

    def codes(**query):
        response = anon.get(PROJECTS, query)
        assert response.status_code == 200, response.content
        return sorted(row["code"] for row in response.json()["results"])

    assert codes(plan=plan.pk) == ["A", "B", "C"]
    assert codes(plan=plan.pk, year=1404) == ["A", "C"]
    assert codes(plan=plan.pk, year="۱۴۰۵") == ["B"]
    assert codes(scheme=tree["scheme2"].pk) == ["B"]
    assert codes(plan=plan.pk, status="running") == ["B"]
    assert codes(district=districts[1].pk) == ["C"]
    assert len(codes()) == 4
    row = next(r for r in anon.get(PROJECTS, {"plan": plan.pk}).json()["results"] if r["id"])
    assert {"money", "physical_progress", "status", "milestones", "fundings"} <= set(row)
    assert {first.pk, second.pk, third.pk} <= {
        r["id"] for r in anon.get(PROJECTS).json()["results"]
    }


@pytest.mark.parametrize(
    "query",
    [
        {"plan": HUGE},
        {"plan": "abc"},
        {"plan": 999_999},
        {"year": "abc"},
        {"year": "1404.5"},
        {"year": HUGE},
        {"year": 1200},
        {"scheme": HUGE},
        {"status": "bogus"},
        {"district": HUGE},
        {"district": "-1"},
    ],
)
def test_bad_project_filters_are_a_persian_400(anon, query):
    persian_refusal(anon.get(PROJECTS, query), 400)


@pytest.mark.parametrize("pk", [HUGE, "99999999", "0"])
def test_unknown_projects_are_a_404(anon, as_user, planner, pk):
    assert anon.get(f"{PROJECTS}{pk}/").status_code == 404
    assert as_user(planner).patch(f"{PROJECTS}{pk}/", {}, format="json").status_code == 404


def test_a_project_is_public_with_its_scheme_indicators(anon, project):
    body = anon.get(f"{PROJECTS}{project.pk}/").json()
    assert body["id"] == project.pk
    assert body["indicators"]["plan_item"] == project.scheme_id
    assert body["indicators"]["year"] == 1404
    assert body["currency"] in ("rial", "toman")


def test_a_planner_changes_status_and_manual_progress(as_user, planner, project):
    client = as_user(planner)
    response = client.patch(
        f"{PROJECTS}{project.pk}/",
        {
            "status": "running",
            "progress_mode": "manual",
            "manual_progress": "۴۲٫۵",
            "progress_evidence": "https://arak.ir/report.pdf",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "running"
    assert body["status_label"] == "در حال اجرا"
    assert body["manual_progress"] == "42.5"
    assert body["physical_progress"] == "42.5"
    entry = Activity.objects.get(action="budget.project_update", object_id=project.pk)
    assert entry.after["status"] == "running"
    done = client.patch(f"{PROJECTS}{project.pk}/", {"status": "done"}, format="json").json()
    assert done["physical_progress"] == "100"


def test_patching_without_evidence_or_with_nonsense_changes_nothing(as_user, planner, project):
    client = as_user(planner)
    url = f"{PROJECTS}{project.pk}/"
    refused = client.patch(url, {"progress_mode": "manual", "manual_progress": "50"}, format="json")
    assert persian_refusal(refused, 400)["code"] == "evidence_required"
    for body in (
        {"planned_cost": "-1"},
        {"planned_cost": 3.5},
        {"planned_end": "1404/02/31/7"},
        {"year": 1405},
        {"code": "NEW"},
        {"title": ""},
    ):
        persian_refusal(client.patch(url, body, format="json"), 400)
    project.refresh_from_db()
    assert (project.progress_mode, project.planned_cost, project.year) == (
        "milestones",
        1_000_000,
        1404,
    )
    assert project.code == "P-1"


def test_only_araks_planners_change_araks_projects(anon, as_user, citizen, qom_planner, project):
    url = f"{PROJECTS}{project.pk}/"
    assert anon.patch(url, {"status": "running"}, format="json").status_code in (401, 403)
    persian_refusal(as_user(citizen).patch(url, {"status": "running"}, format="json"), 403)
    refused = as_user(qom_planner).patch(url, {"status": "running"}, format="json")
    assert persian_refusal(refused, 403)["code"] == "not_city_planner"
    project.refresh_from_db()
    assert project.status == "planned"


def test_a_project_funded_by_two_lines_shows_both(as_user, anon, planner, project, make_line):
    first = make_line("11-01", 1_000_000, spent=300_000, committed=100_000)
    second = make_line("11-02", 2_000_000, revised=3_000_000, spent=1_000_000)
    client = as_user(planner)
    for line, share in ((first, "37.5"), (second, 50)):
        response = client.post(
            FUNDINGS, {"line": line.pk, "project": project.pk, "share": share}, format="json"
        )
        assert response.status_code == 200, response.content
    body = anon.get(f"{PROJECTS}{project.pk}/").json()
    fundings = body["fundings"]
    assert [(f["line_code"], f["share"]) for f in fundings] == [("11-01", "37.5"), ("11-02", "50")]
    assert fundings[0]["money"] == {
        "planned": 0,
        "approved": 375_000,
        "current": 375_000,
        "committed": 37_500,
        "spent": 112_500,
    }
    assert fundings[1]["money"]["current"] == 1_500_000  # the revised amount
    assert fundings[1]["money"]["approved"] == 1_000_000
    assert body["money"] == {
        "planned": 1_000_000,
        "approved": 1_375_000,
        "current": 1_875_000,
        "committed": 37_500,
        "spent": 612_500,
    }
    assert body["spent"] == "0.3267"
    listed = anon.get(PROJECTS, {"plan": project.plan_id}).json()["results"][0]
    assert listed["money"] == body["money"]
    assert [f["line_code"] for f in listed["fundings"]] == ["11-01", "11-02"]


# Milestones --------------------------------------------------------------------------


def test_milestones_are_added_marked_done_in_jalali_and_removed(as_user, anon, planner, project):
    client = as_user(planner)
    url = f"{PROJECTS}{project.pk}/milestones/"
    first = client.post(url, {"title": "طراحی", "due_on": "1404/02/01"}, format="json")
    assert first.status_code == 201, first.content
    second = client.post(
        url, {"title": "اجرا", "due_on": "۱۴۰۴/۰۶/۳۱", "weight": "۳"}, format="json"
    )
    assert second.status_code == 201
    assert second.json()["weight"] == 3
    assert second.json()["due_on_jalali"] == "1404/06/31"
    listed = anon.get(url).json()["results"]
    assert [row["title"] for row in listed] == ["طراحی", "اجرا"]
    assert listed[0]["done"] is False

    done = client.patch(
        f"/api/v1/budget/milestones/{second.json()['id']}/",
        {"done_on": "1404/02/10"},
        format="json",
    )
    assert done.status_code == 200, done.content
    assert done.json()["done_on"] == "2025-04-30"
    assert done.json()["done_on_jalali"] == "1404/02/10"
    assert done.json()["done"] is True
    assert anon.get(f"{PROJECTS}{project.pk}/").json()["physical_progress"] == "75"

    undone = client.patch(
        f"/api/v1/budget/milestones/{second.json()['id']}/", {"done_on": None}, format="json"
    )
    assert undone.json()["done"] is False
    assert anon.get(f"{PROJECTS}{project.pk}/").json()["physical_progress"] == "0"

    client.patch(
        f"/api/v1/budget/milestones/{first.json()['id']}/", {"done_on": "1404/02/01"}, format="json"
    )
    removed = client.delete(f"/api/v1/budget/milestones/{second.json()['id']}/")
    assert removed.status_code == 204
    assert not Milestone.objects.filter(pk=second.json()["id"]).exists()
    assert anon.get(f"{PROJECTS}{project.pk}/").json()["physical_progress"] == "100"


@pytest.mark.parametrize(
    "body",
    [
        {"title": ""},
        {"title": "گام", "due_on": "1404/02/40"},
        {"title": "گام", "due_on": "2025-13-01"},
        {"title": "گام", "weight": 0},
        {"title": "گام", "weight": "2.5"},
        {"title": "گام", "weight": 1001},
        {"title": "گام", "done_on": "1404/02/10"},
        {"title": "x" * 301},
    ],
)
def test_bad_milestones_are_a_persian_400(as_user, planner, project, body):
    url = f"{PROJECTS}{project.pk}/milestones/"
    persian_refusal(as_user(planner).post(url, body, format="json"), 400)
    assert not Milestone.objects.exists()


@pytest.fixture
def milestone(planner, project):
    return services.milestone_add(actor=planner, project=project, title="گام نخست")


def test_only_araks_planners_keep_araks_milestones(
    anon, as_user, citizen, qom_planner, project, milestone
):
    url = f"/api/v1/budget/milestones/{milestone.pk}/"
    add = f"{PROJECTS}{project.pk}/milestones/"
    assert anon.patch(url, {"done_on": "1404/02/10"}, format="json").status_code in (401, 403)
    assert anon.delete(url).status_code in (401, 403)
    assert anon.post(add, {"title": "گام"}, format="json").status_code in (401, 403)
    for user in (citizen, qom_planner):
        client = as_user(user)
        persian_refusal(client.patch(url, {"done_on": "1404/02/10"}, format="json"), 403)
        persian_refusal(client.delete(url), 403)
        persian_refusal(client.post(add, {"title": "گام"}, format="json"), 403)
    milestone.refresh_from_db()
    assert milestone.done_on is None
    assert Milestone.objects.count() == 1


def test_bad_milestone_changes_are_refused(as_user, planner, milestone):
    client = as_user(planner)
    url = f"/api/v1/budget/milestones/{milestone.pk}/"
    for body in ({"done_on": "1404/12/31/1"}, {"done_on": "31/12/1404"}, {"weight": -1}, {"x": 1}):
        persian_refusal(client.patch(url, body, format="json"), 400)
    assert client.patch(f"/api/v1/budget/milestones/{HUGE}/", {}, format="json").status_code == 404
    assert client.delete("/api/v1/budget/milestones/999999/").status_code == 404
    assert client.get(f"{PROJECTS}{HUGE}/milestones/").status_code == 404


# Budget lines ------------------------------------------------------------------------


def _line_body(city, **extra):
    return {"city": city.pk, "year": 1404, "code": "12-01", "title": "آسفالت معابر", **extra}


def test_a_planner_creates_a_line_in_rials(as_user, planner, arak):
    body = _line_body(
        arak, approved="۱٬۲۵۰٬۰۰۰٬۰۰۰", committed=5_000, spent="1,000", source="transfer"
    )
    response = as_user(planner).post(LINES, body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["approved"], data["committed"], data["spent"]) == (1_250_000_000, 5_000, 1_000)
    assert data["revised"] is None
    assert data["current"] == 1_250_000_000
    assert data["source_label"] == "کمک‌های ملی و استانی"
    assert (data["city"], data["city_slug"], data["shared"]) == (arak.pk, "arak", "0")
    assert BudgetLine.objects.get().approved == 1_250_000_000


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"approved": -1}, "negative_amount"),
        ({"approved": "12.5"}, "not_rials"),
        ({"approved": "12٫5"}, "not_rials"),
        ({"approved": 12.5}, None),
        ({"spent": 100.0}, None),
        ({"committed": 10**19}, "amount_too_large"),
        ({"revised": "abc"}, "not_rials"),
        ({"approved": None}, None),
        ({"source": "bank"}, None),
        ({"year": 1299}, None),
        ({"year": "۱۵۰۱"}, None),
        ({"year": HUGE}, None),
        ({"city": HUGE}, None),
        ({"city": "arak"}, None),
        ({"code": "=cmd"}, "invalid_code"),
        ({"title": " "}, None),
        ({"amount": 5}, "unknown_field"),
    ],
)
def test_bad_line_input_is_a_persian_400(as_user, planner, arak, change, code):
    body = {**_line_body(arak), **change}
    refused = persian_refusal(as_user(planner).post(LINES, body, format="json"), 400)
    if code:
        assert refused["code"] == code
    assert not BudgetLine.objects.exists()


def test_only_the_citys_planners_create_its_lines(anon, as_user, citizen, qom_planner, arak):
    assert anon.post(LINES, _line_body(arak), format="json").status_code in (401, 403)
    persian_refusal(as_user(citizen).post(LINES, _line_body(arak), format="json"), 403)
    persian_refusal(as_user(qom_planner).post(LINES, _line_body(arak), format="json"), 403)
    assert not BudgetLine.objects.exists()


def test_a_duplicate_line_code_is_a_409(as_user, planner, arak, line):
    body = _line_body(arak, code=line.code)
    persian_refusal(as_user(planner).post(LINES, body, format="json"), 409)


def test_lines_are_public_and_filter(anon, make_line, qom_line, project, planner):
    own = make_line("10-01", 100, source="own")
    loan = make_line("10-02", 200, source="loan")
    later = make_line("10-01", 300, year=1405)
    services.funding_set(actor=planner, line=own, project=project, share="25")

    def codes(**query):
        response = anon.get(LINES, query)
        assert response.status_code == 200, response.content
        return sorted((row["code"], row["year"]) for row in response.json()["results"])

    assert codes(city="arak") == [("10-01", 1404), ("10-01", 1405), ("10-02", 1404)]
    assert codes(city="qom") == [("Q-1", 1404)]
    assert codes(city="arak", year=1404) == [("10-01", 1404), ("10-02", 1404)]
    assert codes(source="loan") == [("10-02", 1404)]
    assert codes(code="10-01") == [("10-01", 1404), ("10-01", 1405)]
    row = anon.get(f"{LINES}{own.pk}/").json()
    assert row["shared"] == "25"
    assert row["fundings"] == [
        {
            "id": Funding.objects.get().pk,
            "project": project.pk,
            "project_code": project.code,
            "project_title": project.title,
            "share": "25",
        }
    ]
    assert {loan.pk, later.pk} <= {r["id"] for r in anon.get(LINES).json()["results"]}


@pytest.mark.parametrize(
    "query",
    [{"city": "nowhere"}, {"year": "x"}, {"year": HUGE}, {"source": "bank"}, {"code": "x" * 41}],
)
def test_bad_line_filters_are_a_persian_400(anon, query):
    persian_refusal(anon.get(LINES, query), 400)


def test_a_planner_amends_a_line_and_the_same_figures_change_nothing(as_user, planner, line):
    client = as_user(planner)
    url = f"{LINES}{line.pk}/"
    response = client.patch(url, {"revised": "2,500,000", "spent": 700_000}, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["revised"], response.json()["current"]) == (2_500_000, 2_500_000)
    entries = Activity.objects.filter(action="budget.line_update").count()
    again = client.patch(url, {"revised": 2_500_000, "spent": "700000"}, format="json")
    assert again.status_code == 200
    assert Activity.objects.filter(action="budget.line_update").count() == entries
    cleared = client.patch(url, {"revised": None}, format="json").json()
    assert (cleared["revised"], cleared["current"]) == (None, 2_000_000)


def test_bad_or_foreign_line_changes_change_nothing(anon, as_user, planner, qom_planner, line):
    url = f"{LINES}{line.pk}/"
    for body in ({"approved": -3}, {"approved": 1.5}, {"spent": "۱۰٫۵"}, {"year": 1405}):
        persian_refusal(as_user(planner).patch(url, body, format="json"), 400)
    assert anon.patch(url, {"approved": 5}, format="json").status_code in (401, 403)
    persian_refusal(as_user(qom_planner).patch(url, {"approved": 5}, format="json"), 403)
    line.refresh_from_db()
    assert (line.approved, line.year) == (2_000_000, 1404)
    assert anon.get(f"{LINES}{HUGE}/").status_code == 404


# Fundings ----------------------------------------------------------------------------


def test_a_share_is_set_then_changed(as_user, planner, project, line):
    client = as_user(planner)
    body = {"line": line.pk, "project": project.pk, "share": "۳۷٫۵"}
    first = client.post(FUNDINGS, body, format="json")
    assert first.status_code == 200, first.content
    assert first.json()["share"] == "37.5"
    changed = client.post(FUNDINGS, {**body, "share": "40%"}, format="json").json()
    assert changed["id"] == first.json()["id"]
    assert changed["share"] == "40"
    assert Funding.objects.get().share == 4000


def test_shares_beyond_the_whole_line_are_refused_and_nothing_changes(
    as_user, planner, make_project, scheme, project, line
):
    client = as_user(planner)
    other = make_project(scheme, "P-2")
    client.post(FUNDINGS, {"line": line.pk, "project": project.pk, "share": 60}, format="json")
    refused = client.post(
        FUNDINGS, {"line": line.pk, "project": other.pk, "share": "50"}, format="json"
    )
    body = persian_refusal(refused, 400)
    assert body["code"] == "shares_exceed_line"
    assert body["free_percent"] == "40"
    assert not Funding.objects.filter(project=other).exists()
    refused = client.post(
        FUNDINGS, {"line": line.pk, "project": other.pk, "share": "40.01"}, format="json"
    )
    persian_refusal(refused, 400)
    fits = client.post(
        FUNDINGS, {"line": line.pk, "project": other.pk, "share": "40"}, format="json"
    )
    assert fits.status_code == 200
    grow = client.post(
        FUNDINGS, {"line": line.pk, "project": project.pk, "share": "61"}, format="json"
    )
    persian_refusal(grow, 400)
    assert Funding.objects.get(project=project).share == 6000
    assert sum(Funding.objects.values_list("share", flat=True)) == 10_000


@pytest.mark.parametrize("share", ["0", "-5", "100.001", "abc", 150, "", None, "12.345", True])
def test_bad_shares_are_a_persian_400(as_user, planner, project, line, share):
    body = {"line": line.pk, "project": project.pk, "share": share}
    persian_refusal(as_user(planner).post(FUNDINGS, body, format="json"), 400)
    assert not Funding.objects.exists()


@pytest.mark.parametrize("field", ["line", "project"])
@pytest.mark.parametrize("value", [HUGE, 0, "abc", 999_999])
def test_fundings_of_unknown_rows_are_a_400(as_user, planner, project, line, field, value):
    body = {"line": line.pk, "project": project.pk, "share": 10, field: value}
    persian_refusal(as_user(planner).post(FUNDINGS, body, format="json"), 400)


def test_fundings_across_cities_or_years_are_refused(
    as_user, planner, qom_planner, project, qom_line, make_line
):
    body = {"line": qom_line.pk, "project": project.pk, "share": 10}
    persian_refusal(as_user(planner).post(FUNDINGS, body, format="json"), 403)
    persian_refusal(as_user(qom_planner).post(FUNDINGS, body, format="json"), 403)
    later = make_line("20-01", 10, year=1405)
    body = {"line": later.pk, "project": project.pk, "share": 10}
    assert persian_refusal(as_user(planner).post(FUNDINGS, body, format="json"), 400)["code"] == (
        "year_mismatch"
    )
    assert not Funding.objects.exists()


def test_only_araks_planners_set_or_remove_araks_fundings(
    anon, as_user, citizen, qom_planner, planner, project, line
):
    body = {"line": line.pk, "project": project.pk, "share": 10}
    assert anon.post(FUNDINGS, body, format="json").status_code in (401, 403)
    persian_refusal(as_user(citizen).post(FUNDINGS, body, format="json"), 403)
    funding = services.funding_set(actor=planner, line=line, project=project, share="10")
    url = f"{FUNDINGS}{funding.pk}/"
    assert anon.delete(url).status_code in (401, 403)
    persian_refusal(as_user(qom_planner).delete(url), 403)
    persian_refusal(as_user(citizen).delete(url), 403)
    assert Funding.objects.filter(pk=funding.pk).exists()
    assert as_user(planner).delete(url).status_code == 204
    assert not Funding.objects.exists()
    assert Activity.objects.filter(action="budget.funding_remove").exists()
    assert as_user(planner).delete(url).status_code == 404
    assert as_user(planner).delete(f"{FUNDINGS}{HUGE}/").status_code == 404
