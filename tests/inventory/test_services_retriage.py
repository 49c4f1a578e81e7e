"""Re-triage is one rule, checked by the service under the problem's row lock: a problem
that is not `new` is refused with a Persian 409 unless the caller asks for `retriage`."""

import threading

import pytest
from django.db import connection, connections

from backend.errors import Conflict
from inventory import services
from inventory.models import TriageRecord
from participation.models import Problem
from tests.factories import ProblemFactory, StaffRoleFactory

URL = "/api/v1/triage/"
NOT_QUEUED = "دیگر در صف بررسی این برنامه نیست"


@pytest.fixture
def second_planner(arak):
    return StaffRoleFactory(city=arak, role="planner").user


@pytest.mark.django_db
class TestService:
    @pytest.mark.parametrize("state", ["accepted", "merged", "out_of_scope"])
    @pytest.mark.parametrize("action", ["accept", "merge", "out_of_scope"])
    def test_not_new_is_a_409_without_the_flag(self, planner, plan, state, action):
        entry = services.inventory_entry_create(actor=planner, plan=plan, title="الف")
        problem = ProblemFactory(plan=plan, triage_state=state)
        arguments = {
            "accept": {"entry": entry},
            "merge": {"entry": entry},
            "out_of_scope": {"reason": "دلیل"},
        }[action]
        with pytest.raises(Conflict) as refused:
            services.triage(actor=planner, problem_id=problem.pk, action=action, **arguments)
        assert refused.value.status == 409
        assert NOT_QUEUED in refused.value.message
        assert Problem.objects.get(pk=problem.pk).triage_state == state
        assert not TriageRecord.objects.exists()
        done = services.triage(
            actor=planner, problem_id=problem.pk, action=action, retriage=True, **arguments
        )
        assert (
            done.triage_state
            == {
                "accept": "accepted",
                "merge": "merged",
                "out_of_scope": "out_of_scope",
            }[action]
        )

    def test_bulk_with_a_stale_selection_is_refused_all_or_nothing(self, planner, plan):
        fresh = [ProblemFactory(plan=plan) for _ in range(2)]
        done = ProblemFactory(plan=plan, triage_state="out_of_scope")
        with pytest.raises(Conflict) as refused:
            services.triage_bulk(
                actor=planner,
                problem_ids=[p.pk for p in fresh] + [done.pk],
                action="accept",
                new_entry={"title": "گروهی"},
            )
        assert "برخی از مسائل انتخاب‌شده" in refused.value.message
        assert set(Problem.objects.values_list("triage_state", flat=True)) == {
            "new",
            "out_of_scope",
        }
        assert not TriageRecord.objects.exists()


@pytest.mark.django_db
class TestApi:
    def test_retriage_needs_the_flag(self, as_user, planner, plan):
        problem = ProblemFactory(plan=plan)
        client = as_user(planner)
        first = client.post(f"{URL}{problem.pk}/", {"action": "out_of_scope", "reason": "الف"})
        assert first.status_code == 200
        again = client.post(f"{URL}{problem.pk}/", {"action": "out_of_scope", "reason": "ب"})
        assert again.status_code == 409
        assert NOT_QUEUED in again.json()["detail"]
        assert Problem.objects.get(pk=problem.pk).triage_reason == "الف"
        flagged = client.post(
            f"{URL}{problem.pk}/",
            {"action": "out_of_scope", "reason": "ب", "retriage": True},
            format="json",
        )
        assert flagged.status_code == 200
        assert Problem.objects.get(pk=problem.pk).triage_reason == "ب"
        assert TriageRecord.objects.filter(problem=problem).count() == 2

    def test_retriage_flag_must_be_a_boolean(self, as_user, planner, plan):
        problem = ProblemFactory(plan=plan)
        response = as_user(planner).post(
            f"{URL}{problem.pk}/",
            {"action": "out_of_scope", "reason": "x", "retriage": "perhaps"},
            format="json",
        )
        assert response.status_code == 400

    def test_two_planners_racing_second_gets_409(self, as_user, planner, second_planner, plan):
        """Both saw the problem in the queue; the first to take the lock triages it, the
        second finds it triaged under the lock and is refused."""
        problem = ProblemFactory(plan=plan)
        entry = services.inventory_entry_create(actor=planner, plan=plan, title="الف")
        first = as_user(planner).post(f"{URL}{problem.pk}/", {"action": "merge", "entry": entry.pk})
        second = as_user(second_planner).post(
            f"{URL}{problem.pk}/", {"action": "out_of_scope", "reason": "دلیل"}
        )
        assert (first.status_code, second.status_code) == (200, 409)
        problem.refresh_from_db()
        assert (problem.triage_state, problem.inventory_entry) == ("merged", entry)
        assert TriageRecord.objects.filter(problem=problem).count() == 1

    def test_bulk_stale_selection_is_a_409_and_changes_nothing(self, as_user, planner, plan):
        fresh = ProblemFactory(plan=plan)
        done = ProblemFactory(plan=plan, triage_state="accepted")
        response = as_user(planner).post(
            f"{URL}bulk/",
            {"problems": [fresh.pk, done.pk], "action": "out_of_scope", "reason": "خارج"},
            format="json",
        )
        assert response.status_code == 409
        assert Problem.objects.get(pk=fresh.pk).triage_state == "new"
        flagged = as_user(planner).post(
            f"{URL}bulk/",
            {
                "problems": [fresh.pk, done.pk],
                "action": "out_of_scope",
                "reason": "خارج",
                "retriage": True,
            },
            format="json",
        )
        assert flagged.status_code == 200
        assert set(Problem.objects.values_list("triage_state", flat=True)) == {"out_of_scope"}


@pytest.mark.django_db(transaction=True)
def test_two_planners_at_the_same_instant_one_wins(arak, plan):
    """Truly concurrent: both pass every check outside the lock; under it, the second to
    get the row finds it triaged and is refused with a 409."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises writers)")
    planners = [StaffRoleFactory(city=arak, role="planner").user for _ in range(2)]
    problem = ProblemFactory(plan=plan)
    barrier = threading.Barrier(len(planners))
    outcomes: list[str] = []

    def triage(planner):
        try:
            barrier.wait(timeout=10)
            services.triage_out_of_scope(actor=planner, problem_id=problem.pk, reason="دلیل")
            outcomes.append("done")
        except Conflict:
            outcomes.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=triage, args=(p,)) for p in planners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["409", "done"]
    assert TriageRecord.objects.filter(problem=problem).count() == 1
