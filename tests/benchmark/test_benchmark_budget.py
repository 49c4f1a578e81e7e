"""bench_data --budget and the benchmark's budget rows on a tiny data set. Timings are never
asserted (the benchmark command measures them); the data's consistency, the rows and their
query counts are."""

import re

import pytest
from django.db.models import Count, F
from django.http import HttpResponse
from django.urls import include, path

from benchmark import budget, data
from budget import figures, selectors
from budget.models import BudgetLine, Funding, Project
from planning.models import Plan, PlanItem
from tests.benchmark.test_benchmark_command import bench_data, benchmark, table_rows
from tests.factories import CityFactory, PlanFactory, PlanItemFactory

# The most queries per read; None: it depends on whether monitoring figures are stored
# (without bench_data --monitoring they are computed per read).
SELECTORS = {
    "selectors.budget_slice (plan, year)": 4,
    "selectors.plan_budget (plan, year)": None,
    "selectors.goal_budget (plan, year, goal)": None,
}
PAGES = [label for _key, label, _path, _names in budget.PAGES]
TINY_BUDGET = ["--budget", "--budget-projects", "30", "--budget-lines", "60"]


@pytest.mark.django_db
def test_bench_data_budget_writes_consistent_projects_and_lines(tmp_path):
    output = bench_data("--yes", *TINY_BUDGET)
    assert "budget: 30 projects, 60 lines" in output
    plan = data.bench_plan()
    years = list(range(plan.start_year, plan.end_year + 1))
    projects = Project.objects.filter(plan=plan)
    lines = BudgetLine.objects.filter(city=plan.city, year__in=years)
    assert projects.count() == 30
    assert lines.count() == 60
    assert set(projects.values_list("year", flat=True)) == set(years)
    # every line gives away at most all of itself; some lines fund two projects, some
    # projects draw on two lines, some lines fund nothing in the plan
    shares = lines.annotate(n=Count("fundings")).values_list("n", flat=True)
    assert max(shares) == 2
    assert 0 in shares
    for line in lines.prefetch_related("fundings"):
        assert sum(f.share for f in line.fundings.all()) <= figures.WHOLE_SHARE
    draws = projects.annotate(n=Count("fundings")).values_list("n", flat=True)
    assert max(draws) == 2
    # a funding's line is of its project's year, as funding_set requires
    fundings = Funding.objects.filter(project__plan=plan)
    assert not fundings.exclude(line__year=F("project__year")).exists()
    # the stored progress is the app's own rule over the milestones written
    for project in projects.prefetch_related("milestones"):
        expected = figures.project_progress(
            status=project.status,
            mode=project.progress_mode,
            manual=project.manual_progress,
            milestones=[(m.weight, m.done_on is not None) for m in project.milestones.all()],
        )
        assert project.physical_progress == expected, project.code
        assert project.planned_start <= project.planned_end
    assert {"running", "done"} <= set(projects.values_list("status", flat=True))
    # a second run writes nothing
    assert budget.seed_budget(plan, projects=30, lines=60, say=lambda _text: None) == {}

    _output, report = benchmark(tmp_path, requests=2)
    rows = table_rows(report)
    for label, queries in SELECTORS.items():
        assert re.fullmatch(r"\d+", rows[label][6]), label
        assert queries is None or int(rows[label][6]) == queries, label
        assert all(re.fullmatch(r"\d+\.\d", cell) for cell in rows[label][3:6]), label
        assert rows[label][7] in {"PASS", "MISS"}
    for label in PAGES:  # timed once the pages exist, said so until then
        assert rows[label][2].startswith(("not run", "p95 ")), label


# Stand-ins for the budget pages (mounted by the test below only), so that the page rows are
# timed here whether or not the real pages exist yet.
def _page(read):
    def view(request, plan_id, **kwargs):
        plan = Plan.objects.get(pk=plan_id)
        year = int(kwargs.get("year") or request.GET["year"])
        if "item_id" in kwargs:
            read(plan, year, PlanItem.objects.get(pk=kwargs["item_id"]))
        else:
            read(plan, year)
        return HttpResponse("ok")

    return view


pages = [
    path("plans/<int:plan_id>/budget/", _page(selectors.plan_budget), name="plan"),
    path(
        "plans/<int:plan_id>/budget/goals/<int:item_id>/",
        _page(selectors.goal_budget),
        name="goal",
    ),
    path(
        "plans/<int:plan_id>/budget/slice/<int:year>/", _page(selectors.budget_slice), name="slice"
    ),
]
urlpatterns = [path("", include((pages, "budget")))]


@pytest.mark.django_db
def test_the_pages_are_timed_when_their_urls_resolve(settings):
    plan = PlanFactory(city=CityFactory(slug="bench-budget"))
    for g in (1, 2):
        goal = PlanItemFactory(plan=plan, code=str(g), kind="goal")
        strategy = PlanItemFactory(plan=plan, parent=goal, code=f"{g}.1", kind="strategy")
        policy = PlanItemFactory(plan=plan, parent=strategy, code=f"{g}.1.1", kind="policy")
        for s in (1, 2):
            PlanItemFactory(plan=plan, parent=policy, code=f"{g}.1.1.{s}", kind="project")
    created = budget.seed_budget(plan, projects=10, lines=20, say=lambda _text: None)
    assert created["budget_projects"] == 10

    settings.ROOT_URLCONF = __name__
    # a page is timed only where its path resolves to one of its names
    assert not budget._page_exists(f"/plans/{plan.pk}/budget/?year=1406", ("budget:other",))
    assert not budget._page_exists("/no/such/page/", ("budget:plan",))
    rows = {row.label: row for row in budget.budget_rows(plan, requests=2, warmup=1, seed=1)}
    for label in PAGES:
        assert rows[label].value.startswith("p95 "), label
        assert len(rows[label].samples) == 2
        assert rows[label].passed is not None
