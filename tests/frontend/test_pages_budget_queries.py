"""Every budget page costs the same number of queries for 2 projects and lines as for 10."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from budget import services
from tests.factories import CityFactory, PlanFactory, PlanItemFactory, StaffRoleFactory

pytestmark = pytest.mark.django_db

YEAR = 1404


def build(rows: int) -> dict:
    """A plan of its own city with `rows` schemes, each with one project of 1404 that has
    two milestones and is funded by its own line (and half of a shared one), plus `rows`
    lines of 1403 and `rows` lines funding nothing."""
    city = CityFactory()
    planner = StaffRoleFactory(city=city, role="planner").user
    plan = PlanFactory(city=city)
    goal = PlanItemFactory(plan=plan, code="1", kind="goal")
    strategy = PlanItemFactory(plan=plan, parent=goal, code="1.1", kind="strategy")
    policy = PlanItemFactory(plan=plan, parent=strategy, code="1.1.1", kind="policy")
    shared = services.line_create(
        actor=planner, city=city, year=YEAR, code="S", title="مشترک", approved=10**9
    )
    projects = []
    for i in range(rows):
        scheme = PlanItemFactory(plan=plan, parent=policy, code=f"1.1.1.{i + 1}", kind="project")
        project = services.project_create(
            actor=planner,
            plan=plan,
            scheme=scheme,
            year=YEAR,
            code=f"P{i}",
            title=f"پروژه {i}",
            planned_cost=1000 + i,
        )
        for step in range(2):
            services.milestone_add(actor=planner, project=project, title=f"گام {step}")
        line = services.line_create(
            actor=planner, city=city, year=YEAR, code=f"L{i}", title=f"ردیف {i}", approved=10**6
        )
        services.line_create(
            actor=planner, city=city, year=YEAR - 1, code=f"L{i}", title="پیش", approved=10**5
        )
        services.line_create(
            actor=planner, city=city, year=YEAR, code=f"X{i}", title="بیرون", approved=10
        )
        services.funding_set(actor=planner, line=line, project=project, share="100")
        services.funding_set(actor=planner, line=shared, project=project, share="5")
        projects.append(project)
    # One project drawing on every line: its page lists `rows` + 1 lines.
    wide = services.project_create(
        actor=planner, plan=plan, scheme=projects[0].scheme, year=YEAR, code="W", title="پهن"
    )
    for i in range(rows):
        extra = services.line_create(
            actor=planner, city=city, year=YEAR, code=f"W{i}", title=f"پهن {i}", approved=100
        )
        services.funding_set(actor=planner, line=extra, project=wide, share="100")
        services.milestone_add(actor=planner, project=wide, title=f"گام پهن {i}")
    return {"plan": plan, "goal": goal, "wide": wide, "planner": planner, "city": city}


PAGES = {
    "overview": lambda w: f"/plans/{w['plan'].pk}/budget/?year={YEAR}",
    "goal": lambda w: f"/plans/{w['plan'].pk}/budget/goals/{w['goal'].pk}/?year={YEAR}",
    "slice": lambda w: f"/plans/{w['plan'].pk}/budget/slice/{YEAR}/",
    "project": lambda w: f"/budget/projects/{w['wide'].pk}/",
    "scheme": lambda w: f"/plan-items/{w['wide'].scheme_id}/",
    "import": lambda w: f"/cities/{w['city'].pk}/budget/import/?year={YEAR}",
}


def queries(url: str, user=None) -> tuple[int, str]:
    client = Client()
    if user is not None:
        client.force_login(user)
    client.get(url)  # warm: sessions, content types, the cached rules
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:400]
    return len(captured), response.content.decode()


# The import page is the planners' only (its refusals: test_pages_budget_planners.py).
CASES = [
    (page, viewer)
    for page in sorted(PAGES)
    for viewer in ("anonymous", "planner")
    if page != "import" or viewer == "planner"
]


@pytest.mark.parametrize(("page", "viewer"), CASES)
def test_query_count_is_constant_in_the_rows(page, viewer):
    counts = []
    for rows in (2, 10):
        world = build(rows)
        user = world["planner"] if viewer == "planner" else None
        count, html = queries(PAGES[page](world), user)
        counts.append(count)
        if page == "project":
            assert html.count('data-testid="project-line"') == rows
            assert html.count('data-testid="milestone"') == rows
        if page == "slice":
            assert html.count('data-testid="scheme-row"') == rows
            assert html.count('data-testid="outside-row"') == rows
        if page == "goal":
            assert html.count('data-testid="project-row"') == rows + 1
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries for 2 rows, {counts[1]} for 10"
