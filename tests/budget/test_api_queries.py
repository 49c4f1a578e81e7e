"""Every budget list (and every page of figures holding lists) costs the same number of
queries for 2 rows as for 10: projects (with their fundings and milestones), lines (with
the projects they fund), a project's milestones, a project and a line on their own, a
plan's figures, a plan item's subtree, the slice, the export and an import's dry run."""

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.services import api_token_for
from budget import services
from tests.factories import (
    CityFactory,
    DistrictFactory,
    PlanFactory,
    PlanItemFactory,
    StaffRoleFactory,
)

pytestmark = pytest.mark.django_db


class World:
    """A city of its own with a planner, a plan and a policy to hang schemes under."""

    def __init__(self, name: str):
        self.city = CityFactory(slug=name)
        self.planner = StaffRoleFactory(city=self.city, role="planner").user
        self.plan = PlanFactory(city=self.city)
        goal = PlanItemFactory(plan=self.plan, code="1", kind="goal")
        strategy = PlanItemFactory(plan=self.plan, parent=goal, code="1.1", kind="strategy")
        self.goal = goal
        self.policy = PlanItemFactory(plan=self.plan, parent=strategy, code="1.1.1", kind="policy")
        self.district = DistrictFactory(city=self.city)

    def scheme(self, i: int):
        return PlanItemFactory(
            plan=self.plan, parent=self.policy, code=f"1.1.1.{i + 1}", kind="project"
        )

    def project(self, scheme, code: str, **fields):
        return services.project_create(
            actor=self.planner,
            plan=self.plan,
            scheme=scheme,
            year=1404,
            code=code,
            title=f"پروژه {code}",
            planned_cost=1000,
            district=self.district.pk,
            **fields,
        )

    def line(self, code: str, approved: int = 10_000, year: int = 1404):
        return services.line_create(
            actor=self.planner,
            city=self.city,
            year=year,
            code=code,
            title=f"ردیف {code}",
            approved=approved,
            spent=approved // 3,
        )

    def fund(self, line, project, share="10"):
        services.funding_set(actor=self.planner, line=line, project=project, share=share)

    def milestone(self, project, i: int, done: bool = False):
        row = services.milestone_add(
            actor=self.planner, project=project, title=f"گام {i}", due_on=f"1404/0{i % 9 + 1}/01"
        )
        if done:
            services.milestone_update(actor=self.planner, milestone=row, done_on="1404/05/01")


def results(body) -> int:
    return len(body["results"])


def projects(world: World, rows: int):
    for i in range(rows):
        project = world.project(world.scheme(i), f"P{i}")
        for j in range(2):
            world.fund(world.line(f"L{i}-{j}"), project)
            world.milestone(project, j, done=j == 0)
    params = {"plan": world.plan.pk, "year": 1404, "page_size": 100}
    return "/api/v1/budget/projects/", params, results


def lines(world: World, rows: int):
    scheme = world.scheme(0)
    for i in range(rows):
        line = world.line(f"L{i}")
        world.fund(line, world.project(scheme, f"P{i}"))
    params = {"city": world.city.slug, "year": 1404, "page_size": 100}
    return "/api/v1/budget/lines/", params, results


def milestones(world: World, rows: int):
    project = world.project(world.scheme(0), "P")
    for i in range(rows):
        world.milestone(project, i, done=i % 2 == 0)
    return f"/api/v1/budget/projects/{project.pk}/milestones/", {"page_size": 100}, results


def project_page(world: World, rows: int):
    scheme = world.scheme(0)
    project = world.project(scheme, "P")
    for i in range(rows):
        world.fund(world.line(f"L{i}"), project)
        world.milestone(project, i)
    url = f"/api/v1/budget/projects/{project.pk}/"
    return url, {}, lambda body: len(body["fundings"])


def line_page(world: World, rows: int):
    line = world.line("L")
    scheme = world.scheme(0)
    for i in range(rows):
        world.fund(line, world.project(scheme, f"P{i}"), share="5")
    return f"/api/v1/budget/lines/{line.pk}/", {}, lambda body: len(body["fundings"])


def _funded_plan(world: World, rows: int) -> None:
    for i in range(rows):
        project = world.project(world.scheme(i), f"P{i}")
        world.fund(world.line(f"L{i}"), project, share="50")
        world.line(f"L{i}", year=1403)
        world.milestone(project, i, done=True)
    world.line("outside")


def plan_budget(world: World, rows: int):
    _funded_plan(world, rows)
    url = f"/api/v1/plans/{world.plan.pk}/budget/"
    return url, {"year": 1404}, lambda body: body["total"]["projects"]


def plan_slice(world: World, rows: int):
    _funded_plan(world, rows)
    url = f"/api/v1/plans/{world.plan.pk}/budget/slice/"
    return url, {"year": 1404}, lambda body: len(body["schemes"])


def item_budget(world: World, rows: int):
    _funded_plan(world, rows)
    url = f"/api/v1/plan-items/{world.goal.pk}/budget/"
    return url, {"year": 1404}, lambda body: len(body["projects"])


def export(world: World, rows: int):
    for i in range(rows):
        world.line(f"L{i}")
    url = f"/api/v1/cities/{world.city.pk}/budget/export/"
    return url, {"year": 1404}, lambda body: len(body.decode("utf-8-sig").strip().splitlines()) - 1


CASES: dict[str, Callable] = {
    "projects": projects,
    "lines": lines,
    "milestones": milestones,
    "project-page": project_page,
    "line-page": line_page,
    "plan-budget": plan_budget,
    "slice": plan_slice,
    "item-budget": item_budget,
    "export": export,
}


def _client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=user)}")
    return client


def _count(client, url, params, rows, counter) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200, response.content[:400]
    body = response.content if url.endswith("/export/") else response.json()
    assert counter(body) == rows
    return len(queries)


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "planner"])
def test_same_queries_for_2_and_10_rows(name, signed_in):
    build = CASES[name]
    small, large = World("small"), World("large")
    two, ten = build(small, 2), build(large, 10)
    clients = [_client(w.planner) if signed_in else APIClient() for w in (small, large)]
    _count(clients[0], *two[:2], 2, two[2])  # warm the caches once
    assert _count(clients[0], *two[:2], 2, two[2]) == _count(clients[1], *ten[:2], 10, ten[2])


def _import_file(rows: int) -> bytes:
    body = "".join(f"L{i},ردیف {i},{1000 + i},{i}\n" for i in range(rows))
    return ("کد ردیف,عنوان,مصوب,هزینه‌شده\n" + body).encode("utf-8")


def _dry_run(world: World, rows: int, half_known: bool) -> int:
    if half_known:
        for i in range(0, rows, 2):
            world.line(f"L{i}", approved=1000 + i)
    client = _client(world.planner)
    url = f"/api/v1/cities/{world.city.pk}/budget/import/?year=1404&dry_run=1"
    with CaptureQueriesContext(connection) as queries:
        file = SimpleUploadedFile("b.csv", _import_file(rows), content_type="text/csv")
        response = client.post(url, {"file": file}, format="multipart")
    assert response.status_code == 200, response.content[:400]
    assert len(response.json()["rows"]) == rows
    return len(queries)


def test_an_import_dry_run_costs_the_same_for_2_and_10_rows():
    _dry_run(World("warm"), 2, True)
    assert _dry_run(World("small"), 2, True) == _dry_run(World("large"), 10, True)
