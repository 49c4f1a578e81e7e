"""Every page that lists rows costs the same number of queries for 1 row as for 20.

Pages already pinned elsewhere are not repeated here: /problems/
(test_pages_participation.py), /moderation/<city>/ (test_pages_moderation.py), the triage
board and /plans/<id>/inventory/ (test_pages_inventory.py).

Each case builds its rows with the factories and the services, as the user who may see them,
inside a savepoint rolled back afterwards, and checks the page shows every row it built
(by its unique title, or by its row marker where a row has no title of its own).
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Organisation
from accounts.services import notification_send
from moderation.models import Rule
from tests.factories import (
    CityFactory,
    CommentFactory,
    CommitteeFactory,
    OrganisationFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    ProposalFactory,
    StaffRoleFactory,
    UserFactory,
    decided_entries,
    inventory_entries_with_evidence,
    unique_title,
)


@dataclass
class Page:
    client: Client
    url: str
    rows: Callable[[str], int]  # html → rows shown


def browser(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def titles(rows: int) -> Callable[[str], int]:
    """Counts how many of the first `rows` unique titles the page shows."""
    return lambda html: sum(unique_title(i) in html for i in range(rows))


def marker(snippet: str) -> Callable[[str], int]:
    return lambda html: html.count(snippet)


def planner_of(city):
    return StaffRoleFactory(city=city, role="planner").user


def plans(rows: int) -> Page:
    for i in range(rows):
        PlanFactory(city=CityFactory(), title=unique_title(i))
    return Page(browser(), "/plans/", titles(rows))


def plan_tree(rows: int) -> Page:
    plan = PlanFactory(city=CityFactory())
    for i in range(rows):
        PlanItemFactory(plan=plan, title=unique_title(i))
    return Page(browser(), f"/plans/{plan.pk}/", titles(rows))


def comment_bodies(rows: int, **target) -> None:
    """Comments by different authors and stances, every other one a reply to the one before."""
    parent = None
    for i in range(rows):
        comment = CommentFactory(
            body=f"<p>{unique_title(i)}</p>",
            author=UserFactory(),
            stance=("for", "against", "neutral")[i % 3],
            parent=parent if i % 2 else None,
            **target,
        )
        parent = comment


def plan_item_comments(rows: int) -> Page:
    item = PlanItemFactory(plan=PlanFactory(city=CityFactory()))
    comment_bodies(rows, problem=None, plan_item=item)
    return Page(browser(UserFactory()), f"/plan-items/{item.pk}/", titles(rows))


def problem_comments(rows: int) -> Page:
    problem = ProblemFactory(plan=PlanFactory(city=CityFactory()))
    comment_bodies(rows, problem=problem)
    return Page(browser(UserFactory()), f"/problems/{problem.pk}/", titles(rows))


def proposal_comments(rows: int) -> Page:
    proposal = ProposalFactory(plan=PlanFactory(city=CityFactory()))
    comment_bodies(rows, problem=None, proposal=proposal)
    return Page(browser(UserFactory()), f"/proposals/{proposal.pk}/", titles(rows))


def my_posts(rows: int) -> Page:
    author = UserFactory()
    plan = PlanFactory(city=CityFactory())
    other = ProblemFactory(plan=plan)
    for i in range(rows):
        ProblemFactory(plan=plan, author=author, title=unique_title(i))
        ProposalFactory(plan=plan, author=author, problem=other, title=unique_title(20 + i))
        CommentFactory(
            problem=other,
            author=author,
            body=f"<p>{unique_title(40 + i)}</p>",
            moderation_state="pending",
        )

    def each_kind(html: str) -> int:
        kinds = {sum(unique_title(start + i) in html for i in range(rows)) for start in (0, 20, 40)}
        return kinds.pop() if len(kinds) == 1 else -1  # -1: the kinds show different counts

    return Page(browser(author), "/me/posts/", each_kind)


def notifications(rows: int) -> Page:
    user = UserFactory()
    for _ in range(rows):
        notification_send(user_ids=[user.pk], kind="k", payload={})
    return Page(browser(user), "/notifications/", marker('<li class="notification'))


def organisations(rows: int) -> Page:
    city = CityFactory()
    for i in range(rows):
        OrganisationFactory(city=city, name=unique_title(i))
    return Page(browser(), "/organisations/", titles(rows))


def organisations_review(rows: int) -> Page:
    city = CityFactory()
    for i in range(rows):
        OrganisationFactory(city=city, name=unique_title(i), status=Organisation.Status.PENDING)
    city_admin = StaffRoleFactory(city=city, role="city_admin").user
    return Page(browser(city_admin), "/organisations/review/", titles(rows))


def moderation_decisions(rows: int) -> Page:
    city = CityFactory()
    decided_entries(city, rows)
    city_admin = StaffRoleFactory(city=city, role="city_admin").user
    url = f"/moderation/{city.slug}/decisions/"
    return Page(browser(city_admin), url, marker('data-testid="decision-row"'))


def planning_inventory(rows: int) -> Page:
    city = CityFactory()
    planner = planner_of(city)
    plan = PlanFactory(city=city)
    inventory_entries_with_evidence(planner, plan, rows)
    return Page(browser(planner), f"/planning/{plan.pk}/inventory/", titles(rows))


def committee_inventory(rows: int) -> Page:
    city = CityFactory()
    planner = planner_of(city)
    committee = CommitteeFactory(city=city)
    inventory_entries_with_evidence(planner, PlanFactory(city=city), rows, committee=committee)
    return Page(browser(planner), f"/committees/{committee.pk}/inventory/", titles(rows))


def rules(rows: int) -> Page:
    Rule.objects.all().delete()
    for i in range(rows):
        Rule.objects.create(code=f"rule-{i}", title=unique_title(i), description="شرح", position=i)
    return Page(browser(), "/rules/", titles(rows))


CASES = {
    "plans": plans,
    "plan-tree": plan_tree,
    "plan-item-comments": plan_item_comments,
    "problem-comments": problem_comments,
    "proposal-comments": proposal_comments,
    "my-posts": my_posts,
    "notifications": notifications,
    "organisations": organisations,
    "organisations-review": organisations_review,
    "moderation-decisions": moderation_decisions,
    "planning-inventory": planning_inventory,
    "committee-inventory": committee_inventory,
    "rules": rules,
}


def measure(build: Callable[[int], Page], rows: int) -> int:
    """Queries of one page over `rows` fresh rows; the rows are rolled back after."""
    with transaction.atomic():
        cache.clear()
        page = build(rows)
        with CaptureQueriesContext(connection) as queries:
            response = page.client.get(page.url)
        assert response.status_code == 200, response.content[:500]
        assert page.rows(response.content.decode()) == rows
        transaction.set_rollback(True)
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
def test_page_costs_the_same_queries_for_1_and_20_rows(name):
    build = CASES[name]
    measure(build, 1)  # warm the process-wide caches (content types, …) once
    assert measure(build, 1) == measure(build, 20)
