"""Every list endpoint of the API costs the same number of queries for 1 row as for 20.

Endpoints already pinned elsewhere are not repeated here: cities, axes, committees and
districts (tests/planning/test_reference_api.py), plans and the plan's item tree
(tests/planning/test_plans_api.py), notifications and organisations (tests/accounts/),
problems, proposals and comments (tests/participation/), the moderation queue and stats
(tests/moderation/test_moderation_api.py) and the inventory list and exports
(tests/inventory/test_inventory.py).

Each case builds its rows with the factories and the services, as the user who may see them,
inside a savepoint that is rolled back afterwards, so the 1-row and the 20-row measurements
each start from the same empty database.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from accounts.models import Membership
from accounts.services import api_token_for
from moderation.models import Rule
from tests.factories import (
    CityFactory,
    CommentFactory,
    CommitteeFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    ProblemFactory,
    ProposalFactory,
    StaffRoleFactory,
    UserFactory,
    decided_entries,
    inventory_entries_with_evidence,
    unique_title,
)


@dataclass
class Request:
    client: APIClient
    url: str
    params: dict
    rows: Callable  # response → list of row counts, each expected to equal the rows built


def signed_in(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=user)}")
    return client


def results(response) -> list[int]:
    body = response.json()
    return [len(body["results"] if isinstance(body, dict) else body)]


def planner_of(city):
    return StaffRoleFactory(city=city, role="planner").user


def triage_queue(rows: int) -> Request:
    city = CityFactory()
    plan = PlanFactory(city=city)
    for i in range(rows):
        ProblemFactory(plan=plan, title=unique_title(i))
    params = {"plan": plan.pk, "page_size": 100}
    return Request(signed_in(planner_of(city)), "/api/v1/triage/", params, results)


def committee_inventory(rows: int) -> Request:
    city = CityFactory()
    planner = planner_of(city)
    committee = CommitteeFactory(city=city)
    inventory_entries_with_evidence(planner, PlanFactory(city=city), rows, committee=committee)
    url = f"/api/v1/committees/{committee.pk}/inventory/"
    return Request(signed_in(planner), url, {}, results)


def organisation_members(rows: int) -> Request:
    organisation = OrganisationFactory(city=CityFactory())
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    for _ in range(rows - 1):
        MembershipFactory(organisation=organisation)
    url = f"/api/v1/organisations/{organisation.pk}/members/"
    return Request(signed_in(admin), url, {}, results)


def decision_audit(rows: int) -> Request:
    city = CityFactory()
    decided_entries(city, rows)
    city_admin = StaffRoleFactory(city=city, role="city_admin").user
    params = {"city": city.slug, "page_size": 100}
    return Request(signed_in(city_admin), "/api/v1/moderation/decisions/", params, results)


def rules(rows: int) -> Request:
    Rule.objects.all().delete()
    for i in range(rows):
        Rule.objects.create(code=f"rule-{i}", title=unique_title(i), description="شرح", position=i)
    return Request(signed_in(None), "/api/v1/moderation/rules/", {}, results)


def my_posts(rows: int) -> Request:
    author = UserFactory()
    plan = PlanFactory(city=CityFactory())
    other = ProblemFactory(plan=plan)
    for i in range(rows):
        ProblemFactory(plan=plan, author=author, title=unique_title(i))
        ProposalFactory(plan=plan, author=author, problem=other)
        CommentFactory(problem=other, author=author, moderation_state="pending")

    def kinds(response) -> list[int]:
        body = response.json()
        return [len(body[kind]) for kind in ("problems", "proposals", "comments")]

    return Request(signed_in(author), "/api/v1/me/posts/", {}, kinds)


CASES = {
    "triage": triage_queue,
    "committee-inventory": committee_inventory,
    "organisation-members": organisation_members,
    "moderation-decisions": decision_audit,
    "moderation-rules": rules,
    "me-posts": my_posts,
}


def measure(build: Callable[[int], Request], rows: int) -> int:
    """Queries of one request over `rows` fresh rows; the rows are rolled back after."""
    with transaction.atomic():
        cache.clear()
        request = build(rows)
        with CaptureQueriesContext(connection) as queries:
            response = request.client.get(request.url, request.params)
            assert response.status_code == 200, response.content[:500]
            counted = request.rows(response)
        assert counted == [rows] * len(counted)
        transaction.set_rollback(True)
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
def test_list_costs_the_same_queries_for_1_and_20_rows(name):
    build = CASES[name]
    measure(build, 1)  # warm the process-wide caches (content types, …) once
    assert measure(build, 1) == measure(build, 20)
