"""Arak's budget slice for the demo, written through the budget services as the demo's
planner (so the city's activity log holds every line, project, milestone, status and share
as a planner would have entered them).

The data is demo/budget_plan.py. Idempotent row by row: a budget line (city, year, code) or
a project (plan, year, code) that already exists is left as it is, and a project's
milestones and status are written only when the project is created here; fundings go through
`funding_set`, which records nothing when the share is already the same.
"""

from typing import Any

from accounts.models import User
from budget import services
from budget.models import BudgetLine, Project
from cities.models import District
from demo import budget_plan as data
from planning.models import Plan, PlanItem

LINE_FIELDS = ("source", "approved", "revised", "committed", "spent", "note")
PROJECT_FIELDS = (
    "description",
    "responsible_unit",
    "planned_start",
    "planned_end",
    "planned_cost",
    "progress_mode",
    "manual_progress",
    "progress_note",
)


def _lines(plan: Plan, planner: User, created: dict[str, int]) -> dict[tuple[int, str], Any]:
    existing = {
        (line.year, line.code): line
        for line in BudgetLine.objects.filter(city_id=plan.city_id, year__in=data.YEARS)
    }
    for year, rows in data.LINES.items():
        for code, title, *amounts in rows:
            if (year, code) in existing:
                continue
            fields = dict(zip(LINE_FIELDS, amounts, strict=True))
            existing[(year, code)] = services.line_create(
                actor=planner, city=plan.city, year=year, code=code, title=title, **fields
            )
            created["lines"] += 1
    return existing


def _project(
    plan: Plan,
    spec: dict[str, Any],
    planner: User,
    schemes: dict[str, PlanItem],
    districts: dict[int, District],
    created: dict[str, int],
) -> Project:
    """A new project: created planned, its milestones added and those done marked, then moved
    to its status (one activity entry per step, as the pages would write them)."""
    fields = {name: spec[name] for name in PROJECT_FIELDS if name in spec}
    project = services.project_create(
        actor=planner,
        plan=plan,
        scheme=schemes[spec["scheme"]],
        year=spec["year"],
        code=spec["code"],
        title=spec["title"],
        district=districts[spec["district"]] if spec["district"] else None,
        **fields,
    )
    created["projects"] += 1
    for step in spec["milestones"]:
        milestone = services.milestone_add(
            actor=planner,
            project=project,
            title=step["title"],
            due_on=step["due_on"],
            weight=step["weight"],
        )
        created["milestones"] += 1
        if step["done_on"]:
            services.milestone_update(actor=planner, milestone=milestone, done_on=step["done_on"])
    if spec["status"] != project.status:
        project = services.project_update(actor=planner, project=project, status=spec["status"])
    return project


def load_budget(plan: Plan) -> dict[str, int]:
    """Load Arak's 1404 and 1405 budget lines and projects; what already exists stays.
    Returns what this run created (empty on a second run)."""
    planner = User.objects.get(username="planner")
    created = {"lines": 0, "projects": 0, "milestones": 0, "fundings": 0}
    lines = _lines(plan, planner, created)
    schemes = {
        item.code: item
        for item in PlanItem.objects.filter(plan=plan, kind=PlanItem.Kind.PROJECT).select_related(
            "plan"
        )
    }
    districts = {district.number: district for district in District.objects.filter(city=plan.city)}
    projects = {
        (project.year, project.code): project
        for project in Project.objects.filter(plan=plan, year__in=data.YEARS).select_related("plan")
    }
    for spec in data.PROJECTS:
        key = (spec["year"], spec["code"])
        if key not in projects:
            projects[key] = _project(plan, spec, planner, schemes, districts, created)
        project = projects[key]
        for line_code, percent in spec["fundings"]:
            line = lines[(spec["year"], line_code)]
            if not line.fundings.filter(project=project).exists():
                services.funding_set(actor=planner, line=line, project=project, share=percent)
                created["fundings"] += 1
    return {name: count for name, count in created.items() if count}
