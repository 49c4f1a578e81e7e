"""Every state change of triage and the inventory writes one activity entry: the actor, the
object, the action, the fields before and after, and the plan's city."""

import pytest

from accounts.models import Activity
from backend.errors import Conflict, Refused
from inventory import services
from tests.factories import AxisFactory, PlanItemFactory, ProblemFactory


def only(action: str) -> Activity:
    (entry,) = Activity.objects.filter(action=action)
    return entry


@pytest.mark.django_db
class TestTriage:
    def test_accept(self, planner, plan, axis, committee, arak):
        problem = ProblemFactory(plan=plan)
        services.triage_accept(
            actor=planner,
            problem_id=problem.pk,
            axis=axis,
            committee=committee,
            new_entry={"title": "ترافیک"},
        )
        problem.refresh_from_db()
        log = only("triage.accept")
        assert (log.actor, log.city, log.object_type, log.object_id) == (
            planner,
            arak,
            "problem",
            problem.pk,
        )
        assert log.before == {"triage_state": "new", "inventory_entry": None, "axis": None}
        assert log.after == {
            "triage_state": "accepted",
            "inventory_entry": problem.inventory_entry_id,
            "axis": axis.pk,
        }
        # The new entry it made is logged too.
        assert only("inventory.create").object_id == problem.inventory_entry_id

    def test_merge(self, planner, plan, arak):
        entry = services.inventory_entry_create(actor=planner, plan=plan, title="الف")
        other = services.inventory_entry_create(actor=planner, plan=plan, title="ب")
        problem = ProblemFactory(plan=plan, triage_state="accepted", inventory_entry=entry)
        services.triage_merge(actor=planner, problem_id=problem.pk, entry=other, retriage=True)
        log = only("triage.merge")
        assert (log.actor, log.city, log.object_id) == (planner, arak, problem.pk)
        assert log.before == {"triage_state": "accepted", "inventory_entry": entry.pk, "axis": None}
        assert log.after == {"triage_state": "merged", "inventory_entry": other.pk, "axis": None}

    def test_out_of_scope(self, planner, plan, axis, arak):
        problem = ProblemFactory(plan=plan, axis=axis)
        services.triage_out_of_scope(actor=planner, problem_id=problem.pk, reason="آگهی است.")
        log = only("triage.out_of_scope")
        assert (log.actor, log.city, log.object_type, log.object_id) == (
            planner,
            arak,
            "problem",
            problem.pk,
        )
        assert log.before == {"triage_state": "new", "inventory_entry": None, "axis": axis.pk}
        assert log.after == {
            "triage_state": "out_of_scope",
            "inventory_entry": None,
            "axis": axis.pk,
            "reason": "آگهی است.",
        }

    def test_refused_triage_logs_nothing(self, planner, qom_planner, plan):
        problem = ProblemFactory(plan=plan, triage_state="accepted")
        for actor, error in ((planner, Conflict), (qom_planner, Refused)):
            with pytest.raises(error):
                services.triage_out_of_scope(actor=actor, problem_id=problem.pk, reason="x")
        assert not Activity.objects.exists()

    def test_bulk_logs_each_problem(self, planner, plan):
        problems = [ProblemFactory(plan=plan) for _ in range(3)]
        services.triage_bulk(
            actor=planner,
            problem_ids=[p.pk for p in problems],
            action="out_of_scope",
            reason="خارج",
        )
        logged = Activity.objects.filter(action="triage.out_of_scope")
        assert sorted(logged.values_list("object_id", flat=True)) == sorted(p.pk for p in problems)


@pytest.mark.django_db
class TestInventory:
    def test_create(self, planner, plan, axis, committee, arak):
        entry = services.inventory_entry_create(
            actor=planner,
            plan=plan,
            title="کمبود فضای سبز",
            statement="بیان",
            axis=axis,
            committee=committee,
            severity=4,
        )
        log = only("inventory.create")
        assert (log.actor, log.city, log.object_type, log.object_id) == (
            planner,
            arak,
            "inventoryentry",
            entry.pk,
        )
        assert log.before == {}
        assert log.after == {
            "code": "001",
            "title": "کمبود فضای سبز",
            "statement": "بیان",
            "severity": 4,
            "status": "identified",
            "axis": axis.pk,
            "committee": committee.pk,
        }

    def test_update_keeps_only_the_changed_fields(self, planner, plan, axis, arak):
        entry = services.inventory_entry_create(actor=planner, plan=plan, title="الف", axis=axis)
        green = AxisFactory(city=arak)
        services.inventory_entry_update(
            actor=planner, entry=entry, title="الف", severity=5, status="analysing", axis=green
        )
        log = only("inventory.update")
        assert (log.actor, log.city, log.object_id) == (planner, arak, entry.pk)
        assert log.before == {"severity": 3, "status": "identified", "axis": axis.pk}
        assert log.after == {"severity": 5, "status": "analysing", "axis": green.pk}
        # Nothing changed: nothing logged.
        services.inventory_entry_update(actor=planner, entry=entry, severity=5)
        assert Activity.objects.filter(action="inventory.update").count() == 1

    def test_link_items_from_the_entry(self, planner, plan, arak):
        entry = services.inventory_entry_create(actor=planner, plan=plan, title="الف")
        first, second = PlanItemFactory(plan=plan, code="1"), PlanItemFactory(plan=plan, code="2")
        services.inventory_entry_update(actor=planner, entry=entry, addressed_by=[first])
        services.inventory_entry_update(actor=planner, entry=entry, addressed_by=[first, second])
        logs = list(Activity.objects.filter(action="inventory.link_items").order_by("id"))
        assert [(log.before, log.after) for log in logs] == [
            ({"addressed_by": []}, {"addressed_by": [first.pk]}),
            ({"addressed_by": [first.pk]}, {"addressed_by": sorted([first.pk, second.pk])}),
        ]
        assert {(log.actor, log.city, log.object_id) for log in logs} == {(planner, arak, entry.pk)}
        assert not Activity.objects.filter(action="inventory.update").exists()

    def test_link_items_from_the_plan_item(self, planner, plan, arak):
        entries = [
            services.inventory_entry_create(actor=planner, plan=plan, title=t) for t in ("الف", "ب")
        ]
        item = PlanItemFactory(plan=plan)
        services.plan_item_addresses_set(actor=planner, item=item, entries=entries)
        log = only("inventory.link_items")
        assert (log.actor, log.city, log.object_type, log.object_id) == (
            planner,
            arak,
            "planitem",
            item.pk,
        )
        assert log.before == {"entries": []}
        assert log.after == {"entries": sorted(e.pk for e in entries)}

    def test_refused_update_logs_nothing(self, planner, qom_planner, plan):
        entry = services.inventory_entry_create(actor=planner, plan=plan, title="الف")
        with pytest.raises(Refused):
            services.inventory_entry_update(actor=qom_planner, entry=entry, severity=5)
        assert not Activity.objects.filter(action="inventory.update").exists()
