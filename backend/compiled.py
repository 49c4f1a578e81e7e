"""Hot read queries compiled to SQL once, then run with new values.

Building a queryset and compiling it costs Django more than PostgreSQL takes to run it:
a problem with its author, plan, city, axis, district, inventory entry and two counts
took ~2.5 ms to build and ~4 ms to compile, and ~1.5 ms to run (docs/scaling.md «Compiled
queries»). A page that reads seven such statements spends most of its time in the
compiler. `Compiled` keeps a queryset's shape:

    _problem = Compiled(lambda pk: Problem.objects.select_related("author").filter(pk=pk))
    rows = _problem.fetch(pk=7)  # a list of Problem, with `prefetch_related` done

The first `fetch` on a database connection builds the queryset with stand-in integers and
compiles it; the SQL is kept with the positions of the stand-ins among its parameters.
Later calls put their values in those positions and let Django's own model iterable turn
the rows into objects, so a row reads exactly as the queryset would have read it.

What keeps it honest:

- values are integers (keys, mostly): an integer compared with `=` or `IN` never changes
  the statement's text, as a string in `LIKE` or a `None` would. One beyond 32 bits is
  left to Django, whose lookups turn it into "no rows" rather than an overflow;
- a stand-in that does not appear among the parameters (Django put it in the text, or
  changed it) makes the shape uncompilable: every call then builds the queryset as
  before, which is slower and still right;
- a shape is kept per database connection object (Django has one per thread), with the
  SQL of that connection's vendor. A `Compiled` is made once, at import or in a cache of
  its own: each one made keeps its shapes for as long as the connection lives.

`tests/backend/test_compiled.py` checks rows, prefetches and the fall-back against the
plain queryset on both databases.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import QuerySet, prefetch_related_objects
from django.db.models.query import ModelIterable

# Stand-ins: far beyond any key this platform makes, still a PostgreSQL integer.
_STAND_IN = 2_000_000_011
_STEP = 7_919  # at most 1,000 names per shape, all below 2**31
# Values bound as they are: a larger one (a crafted address) is left to Django's lookups.
_INT4 = 2**31


@dataclass
class _Shape:
    queryset: Any
    compiler: Any
    sql: str
    params: tuple
    positions: dict[str, list[int]]


class _Bound:
    """What `ModelIterable` reads of a queryset, answering with the bound compiler."""

    def __init__(self, shape: _Shape, db: str, params: tuple):
        self.db = db
        self.model = shape.queryset.model
        self._known_related_objects = shape.queryset._known_related_objects
        self.query = self
        compiler = copy.copy(shape.compiler)
        sql = shape.sql
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        self._compiler = compiler

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        return self._compiler


class Compiled:
    """One queryset shape; `build(**values)` makes it from integer values by name."""

    def __init__(self, build: Callable[..., QuerySet]):
        self.build = build
        self.model: Any = None

    def fetch(self, **values: int) -> list:
        """The rows `build(**values)` would give, as a list, its prefetches done."""
        alias, shape = self._ready(values, counting=False)
        if shape is None:
            return list(self.build(**values).using(alias))
        bound: Any = _Bound(shape, alias, _bind(shape, values))
        rows: list = list(ModelIterable(bound))
        lookups = shape.queryset._prefetch_related_lookups
        if lookups and rows:
            prefetch_related_objects(rows, *lookups)
        return rows

    def first(self, **values: int):
        rows = self.fetch(**values)
        return rows[0] if rows else None

    def count(self, **values: int) -> int:
        """How many rows `build(**values)` has (`QuerySet.count()`), by a compiled
        `SELECT COUNT(*)` over its keys."""
        alias, shape = self._ready(values, counting=True)
        if shape is None:
            return self.build(**values).using(alias).count()
        with connections[alias].cursor() as cursor:
            cursor.execute(shape.sql, _bind(shape, values))
            return cursor.fetchone()[0]

    def _ready(self, values: dict[str, int], counting: bool) -> tuple[str, _Shape | None]:
        """The database to read and the shape to bind `values` in (None: build it)."""
        for name, value in values.items():
            if type(value) is not int:
                raise TypeError(f"{name}: a compiled query binds integers only, not {value!r}")
        if self.model is None:
            self.model = self.build(**_stand_ins(values)).model
        alias = router.db_for_read(self.model)
        if not all(-_INT4 <= v < _INT4 for v in values.values()):
            return alias, None  # Django's lookups answer "no rows" beyond the column's range
        return alias, self._shape(alias, tuple(sorted(values)), counting)

    def _shape(self, alias: str, names: tuple[str, ...], counting: bool = False) -> _Shape | None:
        shapes = connections[alias].__dict__.setdefault("_compiled_shapes", {})
        key = (self, names, counting)  # the object, not its id: an id can be reused
        if key not in shapes:
            shapes[key] = _compile(self.build, alias, names, counting)
        return shapes[key]


def _bind(shape: _Shape, values: dict[str, int]) -> tuple:
    params = list(shape.params)
    for name, where in shape.positions.items():
        for index in where:
            params[index] = values[name]
    return tuple(params)


def _stand_ins(names) -> dict[str, int]:
    return {name: _STAND_IN + index * _STEP for index, name in enumerate(sorted(names))}


def _is_stand_in(value) -> bool:
    return type(value) is int and _STAND_IN <= value < _STAND_IN + 1_000 * _STEP


def _compile(
    build: Callable[..., QuerySet], alias: str, names: tuple[str, ...], counting: bool = False
) -> _Shape | None:
    """The shape of `build` on `alias` (or of its count), or None when its values cannot be
    bound by position: a stand-in missing from the parameters, or one in a prefetch's own
    statement or in the objects a related manager's queryset knows (those are built, not
    bound)."""
    stand_ins = _stand_ins(names)
    queryset: Any = build(**stand_ins).using(alias)
    if queryset._iterable_class is not ModelIterable or queryset._known_related_objects:
        return None
    if counting:
        keys = queryset.prefetch_related(None)
        if not keys.query.is_sliced:  # a slice's count depends on its order
            keys = keys.order_by()
        keys = keys.values("pk")
        compiler = keys.query.get_compiler(using=alias)
        inner, params = compiler.as_sql()
        sql = f"SELECT COUNT(*) FROM ({inner}) counted"
    else:
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
    positions = {
        name: [i for i, p in enumerate(params) if type(p) is int and p == value]
        for name, value in stand_ins.items()
    }
    if not all(positions.values()):
        return None
    if sum(map(_is_stand_in, params)) != sum(map(len, positions.values())):
        return None
    if _prefetches_hold_stand_ins(queryset._prefetch_related_lookups, alias):
        return None
    return _Shape(queryset, compiler, sql, tuple(params), positions)


def _prefetches_hold_stand_ins(lookups, alias: str) -> bool:
    for lookup in lookups:
        inner: Any = getattr(lookup, "queryset", None)
        if inner is None:
            continue
        _sql, params = inner.query.get_compiler(using=alias).as_sql()
        if any(map(_is_stand_in, params)) or _prefetches_hold_stand_ins(
            inner._prefetch_related_lookups, alias
        ):
            return True
    return False


def attach(instance, name: str, rows: list) -> None:
    """Put `rows` where `prefetch_related(name)` would have put them, so `instance.<name>
    .all()` reads them without a query: for a reverse foreign key (each row also knows
    `instance`, as after a prefetch) or a many-to-many field."""
    manager = getattr(instance, name)
    cache_name = getattr(manager, "prefetch_cache_name", None)
    if cache_name is None:  # a reverse foreign key
        field = manager.field
        cache_name = field.remote_field.cache_name
        for row in rows:
            field.set_cached_value(row, instance)
    queryset = manager.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[cache_name] = queryset
