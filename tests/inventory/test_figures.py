"""The plan's stored inventory figures (inventory.figures): read in one query, recomputed
after a planner's change at once, after other apps' changes within INVENTORY_FIGURES_SECONDS,
and by one request at a time."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings

from inventory import figures, selectors, services
from inventory.models import InventoryFigures
from participation.models import Support
from tests.factories import ProblemFactory, UserFactory


def supporters(entry) -> int:
    return selectors.inventory_entry_detail(pk=entry.pk).supporters_count


@pytest.fixture
def entry(planner, plan, axis):
    problem = ProblemFactory(plan=plan)
    services.triage_accept(
        actor=planner, problem_id=problem.pk, axis=axis, new_entry={"title": "پسماند"}
    )
    problem.refresh_from_db()
    Support.objects.create(problem=problem, user=UserFactory())
    return problem.inventory_entry


@pytest.mark.django_db
class TestFreshness:
    def test_read_in_one_query_once_stored(self, plan, entry):
        assert supporters(entry) == 1  # computed and stored
        with CaptureQueriesContext(connection) as queries:
            figures.figures_for(plan.pk)
        assert len(queries) == 1

    def test_other_apps_changes_show_within_the_window(self, plan, entry):
        assert supporters(entry) == 1
        Support.objects.create(problem=entry.problems.get(), user=UserFactory())
        assert supporters(entry) == 1  # stored a moment ago
        InventoryFigures.objects.filter(plan=plan).update(
            computed_at=InventoryFigures.objects.get(plan=plan).computed_at
            - datetime.timedelta(seconds=figures.max_age() + 1)
        )
        assert supporters(entry) == 2

    def test_a_triage_shows_at_once(self, planner, plan, entry):
        assert selectors.inventory_entry_detail(pk=entry.pk).problems_count == 1
        other = ProblemFactory(plan=plan)
        services.triage_merge(actor=planner, problem_id=other.pk, entry=entry)
        assert selectors.inventory_entry_detail(pk=entry.pk).problems_count == 2
        aggregates = selectors.inventory_aggregates(plan_id=plan.pk)
        assert aggregates["problems_total"] == 2

    def test_a_new_entry_and_a_retag_show_at_once(self, planner, plan, entry, green):
        assert selectors.inventory_aggregates(plan_id=plan.pk)["entries_total"] == 1
        services.inventory_entry_create(actor=planner, plan=plan, title="آب")
        assert selectors.inventory_aggregates(plan_id=plan.pk)["entries_total"] == 2
        services.inventory_entry_update(actor=planner, entry=entry, axis=green)
        per_axis = selectors.inventory_aggregates(plan_id=plan.pk)["problems_per_axis"]
        assert [row["label"] for row in per_axis] == [green.title]

    @override_settings(INVENTORY_FIGURES_SECONDS=0)
    def test_no_window_computes_every_read(self, plan, entry):
        assert supporters(entry) == 1
        Support.objects.create(problem=entry.problems.get(), user=UserFactory())
        assert supporters(entry) == 2

    def test_while_another_request_recomputes_the_stored_row_is_read(self, plan, entry):
        assert supporters(entry) == 1
        Support.objects.create(problem=entry.problems.get(), user=UserFactory())
        figures.mark_stale(plan.pk)
        cache.add(f"inventory-figures:{plan.pk}", 1, 60)  # another request holds the lock
        try:
            assert supporters(entry) == 1
        finally:
            cache.delete(f"inventory-figures:{plan.pk}")
        assert supporters(entry) == 2

    def test_a_change_marked_during_a_refresh_stays_stale(self, plan, entry, monkeypatch):
        assert supporters(entry) == 1
        compute = figures.evidence_compute

        def change_meanwhile(plan_id):
            found = compute(plan_id)
            figures.mark_stale(plan_id)  # a triage commits while this one counts
            return found

        figures.mark_stale(plan.pk)
        monkeypatch.setattr(figures, "evidence_compute", change_meanwhile)
        figures.figures_for(plan.pk)
        row = InventoryFigures.objects.get(plan=plan)
        assert row.marks != row.marks_done


@pytest.fixture
def green(arak):
    from tests.factories import AxisFactory

    return AxisFactory(city=arak, title="محیط زیست")
