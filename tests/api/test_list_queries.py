"""Every list endpoint of the API costs the same number of queries for 1 row as for 20.

Endpoints already pinned elsewhere are not repeated here: cities, axes, committees and
districts (tests/planning/test_reference_api.py), plans and the plan's item tree
(tests/planning/test_plans_api.py), notifications and organisations (tests/accounts/),
problems, proposals and comments (tests/participation/), the moderation queue and stats
(tests/moderation/test_moderation_api.py) and the inventory list (tests/inventory/).

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
from inventory.services import inventory_entry_create, triage_accept
from moderation.models import QueueEntry, Rule
from moderation.services import content_submitted, decision_apply, queue_claim
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
)

LETTERS = "بپتثجچحخدر"
CODES = [a + b for a in LETTERS for b in LETTERS]


def label(i: int) -> str:
    """A title no other row's title contains (Persian letters only, no digits to localise)."""
    return f"نمونه {CODES[i]} آزمون"


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


def entries_with_evidence(planner, plan, rows: int, **tags) -> None:
    """Inventory entries, each with a problem accepted into it (evidence, supporters)."""
    for i in range(rows):
        entry = inventory_entry_create(actor=planner, plan=plan, title=label(i), **tags)
        triage_accept(actor=planner, problem_id=ProblemFactory(plan=plan).pk, entry=entry)


def decisions(city, rows: int) -> None:
    """Decided queue entries of every content kind, approvals and rejections citing a rule."""
    plan = PlanFactory(city=city)
    moderator = StaffRoleFactory(city=city, role="moderator").user
    for i in range(rows):
        kind = i % 3
        if kind == 0:
            content = ProblemFactory(plan=plan, title=label(i), moderation_state="pending")
        elif kind == 1:
            content = ProposalFactory(plan=plan, title=label(i), moderation_state="pending")
        else:
            content = CommentFactory(problem=ProblemFactory(plan=plan), moderation_state="pending")
        entry = content_submitted(content=content)
        queue_claim(moderator=moderator, entry_id=entry.pk)
        if i % 2:
            decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
        else:
            rule = Rule.objects.filter(citeable=True).first()
            decision_apply(
                moderator=moderator, entry_id=entry.pk, outcome="reject", rule_codes=[rule.code]
            )
    assert not QueueEntry.objects.filter(closed_at__isnull=True).exists()


def triage_queue(rows: int) -> Request:
    city = CityFactory()
    plan = PlanFactory(city=city)
    for i in range(rows):
        ProblemFactory(plan=plan, title=label(i))
    params = {"plan": plan.pk, "page_size": 100}
    return Request(signed_in(planner_of(city)), "/api/v1/triage/", params, results)


def committee_inventory(rows: int) -> Request:
    city = CityFactory()
    planner = planner_of(city)
    committee = CommitteeFactory(city=city)
    entries_with_evidence(planner, PlanFactory(city=city), rows, committee=committee)
    url = f"/api/v1/committees/{committee.pk}/inventory/"
    return Request(signed_in(planner), url, {}, results)


def inventory_export(rows: int) -> Request:
    city = CityFactory()
    plan = PlanFactory(city=city)
    entries_with_evidence(planner_of(city), plan, rows)

    def lines(response) -> list[int]:
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        return [len(text.strip().splitlines()) - 1]  # less the header

    params = {"plan": plan.pk, "format": "csv"}
    return Request(signed_in(None), "/api/v1/inventory/export/", params, lines)


def organisation_members(rows: int) -> Request:
    organisation = OrganisationFactory(city=CityFactory())
    admin = MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN).user
    for _ in range(rows - 1):
        MembershipFactory(organisation=organisation)
    url = f"/api/v1/organisations/{organisation.pk}/members/"
    return Request(signed_in(admin), url, {}, results)


def decision_audit(rows: int) -> Request:
    city = CityFactory()
    decisions(city, rows)
    city_admin = StaffRoleFactory(city=city, role="city_admin").user
    params = {"city": city.slug, "page_size": 100}
    return Request(signed_in(city_admin), "/api/v1/moderation/decisions/", params, results)


def rules(rows: int) -> Request:
    Rule.objects.all().delete()
    for i in range(rows):
        Rule.objects.create(code=f"rule-{i}", title=label(i), description="شرح", position=i)
    return Request(signed_in(None), "/api/v1/moderation/rules/", {}, results)


def my_posts(rows: int) -> Request:
    author = UserFactory()
    plan = PlanFactory(city=CityFactory())
    other = ProblemFactory(plan=plan)
    for i in range(rows):
        ProblemFactory(plan=plan, author=author, title=label(i))
        ProposalFactory(plan=plan, author=author, problem=other)
        CommentFactory(problem=other, author=author, moderation_state="pending")

    def kinds(response) -> list[int]:
        body = response.json()
        return [len(body[kind]) for kind in ("problems", "proposals", "comments")]

    return Request(signed_in(author), "/api/v1/me/posts/", {}, kinds)


CASES = {
    "triage": triage_queue,
    "committee-inventory": committee_inventory,
    "inventory-export": inventory_export,
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
            counted = request.rows(response)  # a streamed body is read inside the count
        assert counted == [rows] * len(counted)
        transaction.set_rollback(True)
    return len(queries)


@pytest.mark.django_db
@pytest.mark.parametrize("name", list(CASES))
def test_list_costs_the_same_queries_for_1_and_20_rows(name):
    build = CASES[name]
    measure(build, 1)  # warm the process-wide caches (content types, …) once
    assert measure(build, 1) == measure(build, 20)
