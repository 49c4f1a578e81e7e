"""An inventory entry's linked problems come a page at a time (the page: 50, most supported
first; the API: the 100 most supported and `problems_more`), so an entry that many problems
point to costs the same queries as one with a single problem."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from frontend import views_inventory
from inventory import serializers
from inventory.models import InventoryEntry
from participation.models import Problem
from tests.factories import ProblemFactory, unique_title

SMALL = 3


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views_inventory, "ENTRY_PROBLEMS_PER_PAGE", SMALL)
    monkeypatch.setattr(serializers, "ENTRY_PROBLEMS_LIMIT", SMALL)


def entry_with(plan, n: int) -> tuple[InventoryEntry, list[Problem]]:
    """An entry with n published problems, problem i supported n - i times (most first),
    and a hidden one no list shows."""
    entry = InventoryEntry.objects.create(plan=plan, code="001", title="ترافیک")
    problems = []
    for i in range(n):
        problem = ProblemFactory(plan=plan, inventory_entry=entry, title=unique_title(i))
        Problem.objects.filter(pk=problem.pk).update(supports_count=n - i)
        problems.append(problem)
    ProblemFactory(
        plan=plan, inventory_entry=entry, title=unique_title(99), moderation_state="hidden"
    )
    return entry, problems


def shown(html: str, numbers) -> list[int]:
    return [n for n in numbers if unique_title(n) in html]


@pytest.mark.django_db
class TestEntryProblems:
    def test_page_pages_most_supported_first(self, plan, small_pages):
        entry, _ = entry_with(plan, 5)
        client = Client()
        first = client.get(f"/inventory/{entry.pk}/").content.decode()
        assert shown(first, range(5)) == [0, 1, 2]
        assert "(۵)" in first  # the heading counts every published problem
        assert 'data-testid="pagination"' in first
        second = client.get(f"/inventory/{entry.pk}/", {"page": 2}).content.decode()
        assert shown(second, range(5)) == [3, 4]
        assert unique_title(99) not in first + second

    def test_api_lists_the_most_supported_and_says_there_are_more(self, client, plan, small_pages):
        entry, problems = entry_with(plan, 5)
        body = client.get(f"/api/v1/inventory/{entry.pk}/").json()
        assert [p["id"] for p in body["problems"]] == [p.pk for p in problems[:SMALL]]
        assert body["problems_more"] is True
        Problem.objects.filter(pk__in=[p.pk for p in problems[SMALL:]]).update(inventory_entry=None)
        body = client.get(f"/api/v1/inventory/{entry.pk}/").json()
        assert len(body["problems"]) == SMALL
        assert body["problems_more"] is False

    @pytest.mark.parametrize("path", ["/inventory/{}/", "/api/v1/inventory/{}/"])
    def test_queries_do_not_grow_with_the_problems(self, plan, small_pages, path):
        counts = []
        for n in (1, 4 * SMALL):
            InventoryEntry.objects.all().delete()
            entry, _ = entry_with(plan, n)
            client = Client()
            client.get(path.format(entry.pk))  # the plan's figures computed once
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path.format(entry.pk)).status_code == 200
            counts.append(len(queries))
        assert counts[0] == counts[1]
