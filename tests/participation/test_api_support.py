import threading

import pytest
from django.db import connection, connections

from participation.models import Problem, Support
from participation.services import problem_support, problem_unsupport
from tests.factories import ProblemFactory, UserFactory


def url(problem):
    return f"/api/v1/problems/{problem.pk}/support/"


@pytest.mark.django_db
class TestSupportApi:
    def test_support_is_idempotent_and_counted_once(self, as_user, citizen, plan):
        problem = ProblemFactory(plan=plan)
        client = as_user(citizen)
        first = client.post(url(problem))
        second = client.post(url(problem))
        assert (first.status_code, second.status_code) == (201, 200)
        assert second.json() == {"supported": True, "supports_count": 1}
        assert client.get(f"/api/v1/problems/{problem.pk}/").json()["supported_by_me"] is True
        assert client.delete(url(problem)).json() == {"supported": False, "supports_count": 0}
        assert client.delete(url(problem)).json() == {"supported": False, "supports_count": 0}

    def test_cannot_support_own_problem(self, as_user, citizen, plan):
        problem = ProblemFactory(plan=plan, author=citizen)
        response = as_user(citizen).post(url(problem))
        assert response.status_code == 400
        assert response.json()["code"] == "own_problem"

    def test_cannot_support_unpublished(self, as_user, citizen, citizen2, plan):
        mine = ProblemFactory(plan=plan, author=citizen2, moderation_state="pending")
        # Someone else's pending problem is invisible: 404, not a hint that it exists.
        assert as_user(citizen).post(url(mine)).status_code == 404
        assert Problem.objects.get(pk=mine.pk).supports_count == 0

    def test_anonymous(self, api_client, plan):
        assert api_client.post(url(ProblemFactory(plan=plan))).status_code == 401

    def test_unknown_problem(self, as_user, citizen):
        response = as_user(citizen).post("/api/v1/problems/999999/support/")
        assert response.status_code == 404
        assert any("\u0600" <= c <= "\u06ff" for c in response.json()["detail"])


@pytest.mark.django_db(transaction=True)
def test_counter_exact_under_concurrent_requests(plan):
    """Many people, each clicking twice at once: every support counts exactly once."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises writers)")
    problem = ProblemFactory(plan=plan)
    users = [UserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(users) * 2)
    errors = []

    def click(user):
        try:
            barrier.wait(timeout=10)
            problem_support(user=user, problem=problem)
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(u,)) for u in users for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    problem.refresh_from_db()
    assert problem.supports_count == len(users) == Support.objects.filter(problem=problem).count()

    barrier = threading.Barrier(len(users))

    def withdraw(user):
        try:
            barrier.wait(timeout=10)
            problem_unsupport(user=user, problem=problem)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=withdraw, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    problem.refresh_from_db()
    assert problem.supports_count == 0
