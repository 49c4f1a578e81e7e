"""`keys_in` (backend/lookups.py): one array parameter on PostgreSQL, an IN list elsewhere,
and the same rows either way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.lookups import keys_in
from participation.models import Problem
from tests.factories import PlanFactory, ProblemFactory

pytestmark = pytest.mark.django_db


def test_it_keeps_exactly_the_given_keys():
    plan = PlanFactory()
    problems = [ProblemFactory(plan=plan) for _ in range(4)]
    wanted = [problems[0].pk, problems[2].pk, 10**9]
    found = Problem.objects.filter(keys_in(wanted)).order_by("pk").values_list("pk", flat=True)
    assert list(found) == [problems[0].pk, problems[2].pk]
    left = Problem.objects.exclude(keys_in(wanted)).filter(plan=plan).values_list("pk", flat=True)
    assert sorted(left) == [problems[1].pk, problems[3].pk]


def test_no_keys_keep_nothing_and_ask_nothing():
    ProblemFactory()
    with CaptureQueriesContext(connection) as queries:
        assert list(Problem.objects.filter(keys_in([]))) == []
    assert len(queries) == 0


def test_a_thousand_keys_are_one_parameter_on_postgresql():
    problems = [ProblemFactory() for _ in range(3)]
    keys = [p.pk for p in problems] + list(range(10**8, 10**8 + 1000))
    with CaptureQueriesContext(connection) as queries:
        assert Problem.objects.filter(keys_in(keys)).count() == 3
    sql = queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql
        assert sql.count(",") >= 1000  # the array's values, written by the driver
    else:
        assert " IN (" in sql


def test_it_combines_with_other_filters_and_a_known_count():
    from backend.paging import CappedPaginator, with_known_count

    plan = PlanFactory()
    problems = [ProblemFactory(plan=plan) for _ in range(5)]
    ProblemFactory()  # another plan's
    keys = [p.pk for p in problems[:4]]
    rows = with_known_count(Problem.objects.filter(plan=plan).filter(keys_in(keys)), 4)
    page = CappedPaginator(rows.order_by("-pk"), 3).page(1)
    assert [p.pk for p in page.object_list] == sorted(keys, reverse=True)[:3]
    assert page.paginator.count == 4


def test_keys_given_as_text_are_read_as_the_field_reads_them():
    problem = ProblemFactory()
    assert list(
        Problem.objects.filter(keys_in([str(problem.pk)])).values_list("pk", flat=True)
    ) == [problem.pk]
