"""Every page of the README's page table (`## The web pages`), per role, on the demo data.

Shared by the accessibility run (test_axe.py) and the other-host check (test_other_hosts.py).
The demo is loaded once per module and the tables are emptied after it, as the other browser
tests leave them.
"""

import importlib
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.urls import reverse

from tests.e2e.helpers import sign_in_with_password

_default_rules = importlib.import_module("moderation.migrations.0003_default_rules")
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# The demo account each role signs in as (README «Demo accounts»); None is a visitor.
ROLES = {
    "visitor": None,
    "citizen": "citizen",
    "ngo": "ngo",
    "expert": "expert",
    "moderator": "moderator",
    "planner": "planner",
    "cityadmin": "cityadmin",
    "superuser": "admin",
}


@pytest.fixture(scope="module")
def demo_site(asgi_server, django_db_blocker):
    """The demo, committed so the live server sees it, for this module's tests only, and
    the paths each role visits (worked out here, so no test holds the database meanwhile).

    Tests using it must not ask for `db`/`transactional_db` (a test transaction would hold
    SQLite's write lock, a flush would empty the demo); pytest-django creates the test
    database only when some collected test asks for one, so each module using this also has
    a test that does (`test_the_walk_covers_the_readme_table`). pytest-django runs that one
    first and the rest of the suite in between; tests/e2e/conftest.py keeps the module's
    tests together, so the demo is loaded once."""
    from demo.loader import load_demo

    with django_db_blocker.unblock():
        if "planning_city" not in connection.introspection.table_names():
            pytest.fail(
                "no test database: pytest sets one up only when a collected test asks for `db`;"
                " run the whole module (its first test does)"
            )
        # Browser tests that ran before this module emptied the tables, the published rules
        # (a data migration's) with them: the demo's moderation history cites those.
        _default_rules.create_rules(apps, None)
        with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHERS):
            load_demo()
        yield SimpleNamespace(live=asgi_server, pages={role: pages_for(role) for role in ROLES})
        for alias in connections:
            call_command("flush", "--noinput", database=alias, verbosity=0)


def pages_for(role: str) -> list[str]:
    """The paths `role` visits: the pages the README's table gives that role."""
    from budget.models import Project
    from inventory.models import InventoryEntry
    from moderation.models import ModerationState
    from monitoring.models import Indicator
    from participation.models import Problem, Proposal
    from planning.models import Committee, Plan, PlanItem

    plan = Plan.objects.filter(city__slug="arak").order_by("pk").first()
    assert plan is not None, "the demo has no plan for Arak"
    city = plan.city
    item = PlanItem.objects.filter(plan=plan).order_by("pk").first()
    published = {"moderation_state": ModerationState.PUBLISHED}
    problem = Problem.objects.filter(plan=plan, **published).order_by("pk").first()
    proposal = Proposal.objects.filter(plan=plan, **published).order_by("pk").first()
    entry = InventoryEntry.objects.filter(plan=plan).order_by("pk").first()
    indicator = Indicator.objects.filter(plan=plan).order_by("pk").first()
    project = Project.objects.filter(plan=plan).order_by("pk").first()
    committee = Committee.objects.filter(city=city).order_by("pk").first()
    year = project.year
    public = [
        "/",
        "/plans/",
        f"/plans/{plan.pk}/",
        f"/plans/{plan.pk}/map/",
        f"/plan-items/{item.pk}/",
        "/problems/",
        f"/problems/{problem.pk}/",
        f"/proposals/{proposal.pk}/",
        f"/plans/{plan.pk}/inventory/",
        f"/inventory/{entry.pk}/",
        "/rules/",
        "/transparency/",
        "/organisations/",
        f"/plans/{plan.pk}/monitoring/",
        f"/indicators/{indicator.pk}/",
        f"/plans/{plan.pk}/budget/",
        f"/plans/{plan.pk}/budget/goals/{item.pk}/",
        f"/plans/{plan.pk}/budget/slice/{year}/",
        f"/budget/projects/{project.pk}/",
    ]
    if role == "visitor":
        return [*public, "/signin/"]
    signed_in = ["/", "/notifications/", "/profile/", "/me/posts/"]
    if role == "citizen":
        pending = (
            Problem.objects.filter(author__username=ROLES["citizen"])
            .filter(moderation_state=ModerationState.PENDING)
            .order_by("pk")
            .first()
        )
        assert pending is not None, "the demo citizen has no problem waiting for review"
        return [
            *signed_in,
            "/me/following/",
            f"/problems/{pending.pk}/edit/",
            "/problems/new/",
            "/organisations/new/",
            f"/problems/{problem.pk}/",
            "/me/sessions/",
            "/me/invitations/",
        ]
    if role == "ngo":
        return [*signed_in, f"/proposals/{proposal.pk}/", "/organisations/"]
    if role == "expert":
        return [*signed_in, f"/plan-items/{item.pk}/", f"/problems/{problem.pk}/"]
    if role == "moderator":
        return [*signed_in, f"/moderation/{city.slug}/", f"/moderation/{city.slug}/decisions/"]
    if role == "planner":
        return [
            *signed_in,
            f"/planning/{plan.pk}/triage/",
            f"/planning/{plan.pk}/inventory/",
            f"/planning/{plan.pk}/inventory/{entry.pk}/form/",  # an entry's form, without script
            f"/committees/{committee.pk}/inventory/",
            f"/plans/{plan.pk}/monitoring/",
            f"/indicators/{indicator.pk}/",
            f"/plans/{plan.pk}/monitoring/import/",
            f"/plans/{plan.pk}/monitoring/overdue/",
            f"/budget/projects/{project.pk}/",
            f"/cities/{city.pk}/budget/import/",  # its form posts to …/budget/mapping/
        ]
    if role == "cityadmin":
        return [
            *signed_in,
            "/organisations/review/",
            f"/cities/{city.slug}/open311/",
            f"/moderation/{city.slug}/decisions/",
            f"/activity/{city.slug}/",
        ]
    if role == "superuser":
        return ["/admin/", *admin_pages()]
    raise ValueError(role)


def admin_pages() -> list[str]:
    """Every registered model's changelist, and the change page of its first object."""
    paths = []
    registry = admin.site._registry  # noqa: SLF001 — the admin's own list of models
    for model in sorted(registry, key=lambda model: model._meta.label):
        opts = model._meta
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            paths.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
    return paths


def signed_in_context(browser, live, role: str, **options):
    """A phone-sized browser context signed in as `role`'s demo account."""
    context = browser.new_context(
        base_url=live,
        locale="fa-IR",
        viewport={"width": 390, "height": 844},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        **options,
    )
    page = context.new_page()
    username = ROLES[role]
    if username is not None:
        sign_in_with_password(page, username)
    return context, page


README = Path(__file__).resolve().parents[2] / "README.md"
# Downloads, and the mapping form's POST-only address (the form is on the import page).
NOT_PAGES = re.compile(r"export\.|/budget/mapping/$")


def readme_page_patterns() -> list[str]:
    """The paths in the README's page table, each `<…>` placeholder as `*`."""
    text = README.read_text()
    table = text.split("## The web pages", 1)[1].split("\n## ", 1)[0]
    found = []
    for path in re.findall(r"`(/[^`\s]*)`", table):
        path = re.sub(r"<[^>]+>", "*", path.split("?", 1)[0])
        if not NOT_PAGES.search(path):
            found.append(path)
    return found


def as_pattern(path: str) -> str:
    return re.sub(r"/(\d+|arak)(?=/)", "/*", path)
