"""Queries compiled once and run with new values (backend/compiled.py), on the suite's
database: SQLite here, PostgreSQL in CI."""

import pytest
from django.db import connection
from django.db.models import Count, Prefetch, Q
from django.test.utils import CaptureQueriesContext

from backend.compiled import Compiled, attach
from inventory.models import InventoryEntry
from participation.models import Comment, Problem, ProblemPhoto
from tests.factories import CommentFactory, PlanFactory, PlanItemFactory, ProblemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan2(arak):
    return PlanFactory(city=arak, title="برنامه‌ی سوم اراک")


def _photo(problem, position: int) -> ProblemPhoto:
    return ProblemPhoto.objects.create(
        problem=problem,
        position=position,
        image=f"x/{problem.pk}-{position}.jpg",
        thumbnail=f"x/{problem.pk}-{position}-t.jpg",
        width=10,
        height=10,
        bytes=1,
        content_hash=f"{problem.pk}-{position}",
    )


def _seen(rows) -> list:
    return [
        (
            r.pk,
            r.title,
            r.author.username,
            r.plan.city.name,
            r.n_comments,
            [(p.pk, p.position) for p in r.photos.all()],
        )
        for r in rows
    ]


def _problems(plan_id: int):
    return (
        Problem.objects.filter(plan_id=plan_id)
        .select_related("author", "plan__city")
        .annotate(n_comments=Count("comments"))
        .prefetch_related(Prefetch("photos", queryset=ProblemPhoto.objects.order_by("-position")))
        .order_by("id")
    )


def test_rows_annotations_and_prefetches_are_those_of_the_queryset(plan, plan2):
    first, second = ProblemFactory(plan=plan), ProblemFactory(plan=plan)
    other = ProblemFactory(plan=plan2)
    _photo(first, 0), _photo(first, 1), _photo(other, 0)
    CommentFactory(problem=second), CommentFactory(problem=second)
    compiled = Compiled(_problems)
    for value in (plan.pk, plan2.pk, plan.pk, 10**6):
        assert _seen(compiled.fetch(plan_id=value)) == _seen(_problems(value))
    assert [r.pk for r in compiled.fetch(plan_id=plan.pk)] == [first.pk, second.pk]
    assert compiled.first(plan_id=plan2.pk).pk == other.pk
    assert compiled.first(plan_id=10**6) is None


def test_the_statement_is_built_once_per_connection_and_bound_after(plan, plan2):
    built = []

    def build(plan_id):
        built.append(plan_id)
        return Problem.objects.filter(plan_id=plan_id)

    compiled = Compiled(build)
    ProblemFactory(plan=plan)
    compiled.fetch(plan_id=plan.pk)
    builds = len(built)
    assert plan.pk not in built  # built with stand-ins, never with a caller's value
    with CaptureQueriesContext(connection) as queries:
        assert len(compiled.fetch(plan_id=plan.pk)) == 1
        assert compiled.fetch(plan_id=plan2.pk) == []
    assert len(built) == builds
    assert len(queries) == 2


def test_a_value_used_twice_is_bound_in_both_places(plan):
    problem = ProblemFactory(plan=plan)
    top = CommentFactory(problem=problem)
    reply = CommentFactory(problem=problem, parent=top)
    CommentFactory(problem=problem)  # neither the comment nor its reply

    def build(pk):
        return Comment.objects.filter(Q(pk=pk) | Q(parent_id=pk)).order_by("id")

    compiled = Compiled(build)
    assert [c.pk for c in compiled.fetch(pk=top.pk)] == [top.pk, reply.pk]
    assert [c.pk for c in compiled.fetch(pk=reply.pk)] == [reply.pk]


def test_a_shape_whose_values_cannot_be_bound_is_built_every_time(plan):
    """A value Django changes (here: shifted), one it writes into the text (a slice) or
    one a prefetch's own statement holds cannot be found among the parameters: those
    shapes are built for each call and still read the right rows."""
    problems = [ProblemFactory(plan=plan) for _ in range(3)]
    _photo(problems[0], 0)
    built = []

    def shifted(pk):
        built.append(pk)
        return Problem.objects.filter(pk=pk + 1)

    def sliced(n):
        built.append(n)
        return Problem.objects.order_by("id")[:n]

    def prefetch_bound(pk):
        built.append(pk)
        photos = ProblemPhoto.objects.filter(problem_id=pk)
        return Problem.objects.filter(plan=plan).prefetch_related(
            Prefetch("photos", queryset=photos)
        )

    first = problems[0].pk
    assert [p.pk for p in Compiled(shifted).fetch(pk=first)] == [first + 1]
    assert len(Compiled(sliced).fetch(n=2)) == 2
    rows = Compiled(prefetch_bound).fetch(pk=first)
    assert {p.pk: len(p.photos.all()) for p in rows} == {
        p.pk: int(p == problems[0]) for p in problems
    }
    assert {first, 2} <= set(built)  # each built with the caller's value


def test_only_integers_are_bound_and_a_huge_one_finds_nothing(plan):
    compiled = Compiled(lambda pk: Problem.objects.filter(pk=pk))
    problem = ProblemFactory(plan=plan)
    for value in ("1", 1.0, True, None):
        with pytest.raises(TypeError):
            compiled.fetch(pk=value)
    assert len(compiled.fetch(pk=problem.pk)) == 1
    for huge in (2**31, -(2**31) - 1, 10**30):  # a crafted address: no row, no overflow
        assert compiled.fetch(pk=huge) == []


def test_attach_puts_rows_where_a_prefetch_would(plan):
    problem = ProblemFactory(plan=plan)
    photos = [_photo(problem, 1), _photo(problem, 0)]
    goal, strategy = PlanItemFactory(plan=plan), PlanItemFactory(plan=plan)
    entry = InventoryEntry.objects.create(plan=plan, code="P-1", title="ترافیک")
    entry.addressed_by.add(goal, strategy)
    problem, entry = Problem.objects.get(pk=problem.pk), InventoryEntry.objects.get(pk=entry.pk)
    attach(problem, "photos", photos)
    attach(entry, "addressed_by", [strategy])
    with CaptureQueriesContext(connection) as queries:
        assert list(problem.photos.all()) == photos
        assert all(photo.problem is problem for photo in problem.photos.all())
        assert list(entry.addressed_by.all()) == [strategy]
    assert len(queries) == 0
    problem.photos.add(_photo(problem, 2))  # a write forgets them, as after a prefetch
    assert problem.photos.count() == 3


def test_count_is_the_querysets_count(plan, plan2):
    for _ in range(3):
        ProblemFactory(plan=plan)
    ProblemFactory(plan=plan2)
    compiled = Compiled(lambda plan_id: _problems(plan_id))
    for value in (plan.pk, plan2.pk, 10**6):
        assert compiled.count(plan_id=value) == _problems(value).count()
    assert compiled.count(plan_id=2**40) == 0
    sliced = Compiled(lambda plan_id: Problem.objects.filter(plan_id=plan_id).order_by("id")[:2])
    assert sliced.count(plan_id=plan.pk) == 2  # as QuerySet.count() of a slice


SIMILAR = "/api/v1/problems/similar/"


def test_a_key_field_finds_its_row_by_a_compiled_statement_and_refuses_as_drf_does(
    api_client, plan
):
    ProblemFactory(plan=plan, title="چاله‌ی بزرگ در خیابان")
    found = api_client.get(SIMILAR, {"plan": plan.pk, "text": "چاله خیابان"})
    assert found.status_code == 200
    persian = api_client.get(SIMILAR, {"plan": str(plan.pk).translate(_PERSIAN), "text": "چاله"})
    assert persian.status_code == 200  # DRF's own path, as before
    for bad in (str(plan.pk + 1000), "abc", "1.5", str(10**30), "-1", ""):
        answer = api_client.get(SIMILAR, {"plan": bad, "text": "چاله"})
        assert answer.status_code == 400, bad
        assert "plan" in answer.json(), bad


_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
