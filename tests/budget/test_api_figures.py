"""The budget API's public figures: a plan's three figures per item and group, a plan item's
subtree with its projects, the council's slice of a year — their years (the current Jalali
year kept inside the plan's by default) and their refusals; and the schema documents every
budget endpoint."""

import re

import pytest
from rest_framework.test import APIClient

from budget import services
from monitoring.selectors import jalali_year
from tests.factories import PlanFactory

pytestmark = pytest.mark.django_db

PERSIAN = re.compile(r"[\u0600-\u06FF]")
HUGE = "9" * 40


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def funded(planner, tree, make_project, make_line, district):
    """Scheme 1.1.1.1 has a project drawing on two lines; scheme 2.1.1.1 one drawing on one
    of them; scheme 1.1.1.2 has none; line 30-01 funds nothing."""
    first = make_project(tree["scheme"], "P1", planned_cost=1_000_000, district=district.pk)
    second = make_project(tree["scheme3"], "P2", planned_cost=500_000)
    a = make_line("10-01", 1_000_000, spent=950_000)
    b = make_line("20-01", 2_000_000, spent=100_000)
    make_line("30-01", 5_000_000)
    services.funding_set(actor=planner, line=a, project=first, share="100")
    services.funding_set(actor=planner, line=b, project=first, share="25")
    services.funding_set(actor=planner, line=b, project=second, share="50")
    return {"first": first, "second": second}


def test_a_plans_figures_are_public(anon, plan, tree, funded):
    response = anon.get(f"/api/v1/plans/{plan.pk}/budget/", {"year": 1404})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["year"] == 1404
    assert body["years"] == [1404, 1405, 1406, 1407, 1408]
    assert body["plan"]["id"] == plan.pk
    assert body["plan"]["city"] == "arak"
    assert body["rule"] == {"spent": "0.9000", "result": "0.6000"}
    assert body["total"]["money"] == {
        "planned": 1_500_000,
        "approved": 2_500_000,
        "current": 2_500_000,
        "committed": 0,
        "spent": 1_025_000,
    }
    items = {row["code"]: row for row in body["items"]}
    assert items["1.1.1.1"]["money"]["current"] == 1_500_000
    assert items["1.1.1.1"]["spent"] == "0.6500"
    assert items["1.1.1.2"]["projects"] == 0
    assert items["1.1.1.2"]["spent"] is None
    assert items["1"]["depth"] == 1
    assert items["1.1.1.1"]["depth"] == 4
    assert [goal["code"] for goal in body["goals"]] == ["1", "2"]
    districts = {row["id"]: row for row in body["by_district"]}
    assert districts[funded["first"].district_id]["projects"] == 1
    assert districts[None]["projects"] == 1


def test_the_gap_flag_shows_when_money_runs_ahead_of_work(anon, plan, tree, funded, planner):
    services.line_update(
        actor=planner, line=funded["first"].fundings.get(line__code="20-01").line, spent=1_900_000
    )
    body = anon.get(f"/api/v1/plans/{plan.pk}/budget/", {"year": 1404}).json()
    items = {row["code"]: row for row in body["items"]}
    assert items["1.1.1.1"]["spent"] == "0.9500"
    assert items["1.1.1.1"]["physical"] == "0.0000"
    assert items["1.1.1.1"]["flags"] == ["money_ahead_of_work"]


def test_the_default_year_is_this_jalali_year_kept_inside_the_plan(anon, plan, arak):
    body = anon.get(f"/api/v1/plans/{plan.pk}/budget/").json()
    assert body["year"] == jalali_year(plan)
    old = PlanFactory(city=arak, start_year=1395, end_year=1399)
    assert anon.get(f"/api/v1/plans/{old.pk}/budget/").json()["year"] == 1399
    assert anon.get(f"/api/v1/plans/{old.pk}/budget/slice/").json()["year"] == 1399
    future = PlanFactory(city=arak, start_year=1480, end_year=1484)
    assert anon.get(f"/api/v1/plans/{future.pk}/budget/").json()["year"] == 1480


@pytest.mark.parametrize("year", ["1403", "1409", "abc", "۱۵۰۱", HUGE, "1404.5", "-1404"])
@pytest.mark.parametrize("path", ["budget/", "budget/slice/"])
def test_bad_years_are_a_persian_400(anon, plan, tree, year, path):
    response = anon.get(f"/api/v1/plans/{plan.pk}/{path}", {"year": year})
    assert response.status_code == 400, response.content
    assert PERSIAN.search(str(response.json()))
    item = tree["goal"]
    response = anon.get(f"/api/v1/plan-items/{item.pk}/budget/", {"year": year})
    assert response.status_code == 400
    assert PERSIAN.search(str(response.json()))


@pytest.mark.parametrize("pk", [HUGE, "999999"])
def test_unknown_plans_and_items_are_a_404(anon, pk):
    for url in (
        f"/api/v1/plans/{pk}/budget/",
        f"/api/v1/plans/{pk}/budget/slice/",
        f"/api/v1/plan-items/{pk}/budget/",
    ):
        response = anon.get(url)
        assert response.status_code == 404
        assert PERSIAN.search(response.json()["detail"])


def test_a_goals_subtree_with_its_projects_and_their_money(anon, tree, funded):
    response = anon.get(f"/api/v1/plan-items/{tree['goal'].pk}/budget/", {"year": 1404})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["item"]["code"] == "1"
    assert [row["code"] for row in body["items"]] == ["1", "1.1", "1.1.1", "1.1.1.1", "1.1.1.2"]
    (project,) = body["projects"]
    assert project["code"] == "P1"
    assert project["money"]["planned"] == 1_000_000
    assert project["money"]["current"] == 1_500_000
    assert project["money"]["spent"] == 975_000
    assert project["spent"] == "0.6500"
    assert project["physical_progress"] == "0"
    strategy = anon.get(f"/api/v1/plan-items/{tree['strategy'].pk}/budget/").json()
    assert strategy["item"]["code"] == "1.1"
    assert {row["code"] for row in strategy["items"]} == {"1.1", "1.1.1", "1.1.1.1", "1.1.1.2"}


def test_the_slice_of_a_year(anon, plan, tree, funded, make_line):
    make_line("20-01", 1_000_000, year=1403)
    response = anon.get(f"/api/v1/plans/{plan.pk}/budget/slice/", {"year": 1404})
    assert response.status_code == 200, response.content
    body = response.json()
    schemes = {row["code"]: row for row in body["schemes"]}
    assert set(schemes) == {"1.1.1.1", "2.1.1.1"}
    first = schemes["1.1.1.1"]
    assert [(line["code"], line["share"]) for line in first["lines"]] == [
        ("10-01", "100"),
        ("20-01", "25"),
    ]
    assert first["gap"] == 500_000
    assert first["covered"] == "1.5000"
    assert first["goal"]["code"] == "1"
    assert [row["code"] for row in body["unfunded"]] == ["1.1.1.2"]
    assert [line["code"] for line in body["lines_outside"]] == ["30-01"]
    lines = {line["code"]: line for line in body["lines"]}
    assert lines["20-01"]["shared"] == "75"
    assert lines["20-01"]["before"] == {"current": 1_000_000, "spent": 0}
    assert lines["20-01"]["change"] == "1.0000"
    assert body["totals"]["budget"] == 8_000_000
    assert body["totals"]["in_plan"] == 3_000_000
    assert body["before"]["year"] == 1403


BUDGET_PATHS = [
    "/api/v1/budget/projects/",
    "/api/v1/budget/projects/{id}/",
    "/api/v1/budget/projects/{id}/milestones/",
    "/api/v1/budget/milestones/{id}/",
    "/api/v1/budget/lines/",
    "/api/v1/budget/lines/{id}/",
    "/api/v1/budget/fundings/",
    "/api/v1/budget/fundings/{id}/",
    "/api/v1/plans/{id}/budget/",
    "/api/v1/plans/{id}/budget/slice/",
    "/api/v1/plan-items/{id}/budget/",
    "/api/v1/cities/{id}/budget/mapping/",
    "/api/v1/cities/{id}/budget/import/",
    "/api/v1/cities/{id}/budget/export/",
]


def test_the_schema_documents_every_budget_endpoint():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    assert set(BUDGET_PATHS) <= set(schema["paths"])
    methods = {path: set(schema["paths"][path]) for path in BUDGET_PATHS}
    assert methods["/api/v1/budget/projects/"] >= {"get", "post"}
    assert methods["/api/v1/budget/projects/{id}/"] >= {"get", "patch"}
    assert methods["/api/v1/budget/milestones/{id}/"] >= {"patch", "delete"}
    assert methods["/api/v1/cities/{id}/budget/mapping/"] >= {"get", "put"}
    listed = schema["paths"]["/api/v1/budget/projects/"]["get"]
    assert {"plan", "year", "scheme", "status", "district"} <= {
        parameter["name"] for parameter in listed["parameters"]
    }
    imported = schema["paths"]["/api/v1/cities/{id}/budget/import/"]["post"]
    assert "multipart/form-data" in imported["requestBody"]["content"]
    export = schema["paths"]["/api/v1/cities/{id}/budget/export/"]["get"]["responses"]["200"]
    assert "text/csv" in export["content"]
    figures = schema["paths"]["/api/v1/plans/{id}/budget/"]["get"]["responses"]["200"]
    assert figures["content"]["application/json"]["schema"]["$ref"].endswith("PlanBudgetOut")
    components = schema["components"]["schemas"]
    assert {"ProjectOut", "ProjectDetailOut", "LineOut", "BudgetSliceOut"} <= set(components)
    money = components["ProjectOut"]["properties"]["money"]
    assert money["allOf"][0]["$ref"].endswith("MoneyOut")
