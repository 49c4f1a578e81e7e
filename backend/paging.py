"""Pages whose count stops at a cap, for the API and the web lists alike."""

from typing import Any

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property

from backend.lookups import keys_in

# Where `with_known_count` keeps its figure: on the query, whose clones (ordering, values,
# slicing) copy it; with the number of conditions it was counted under.
_KNOWN = "hamandishi_known_count"


def with_known_count(
    queryset: QuerySet,
    count: int,
    sort_values: dict[Any, dict[str, Any]] | None = None,
    base: QuerySet | None = None,
    first_of: tuple[str, ...] | None = None,
) -> QuerySet:
    """Tell CappedPaginator that `queryset` holds `count` rows (counted up to COUNT_CAP + 1
    already, e.g. while choosing a search plan), so it does not count them again. A filter
    added afterwards makes the figure stale, and it is then ignored.

    `sort_values`, when given, holds every row of the queryset by key with the columns it
    may be ordered by (read with the keys): the page's keys are then picked in Python
    instead of sorting the rows again in SQL. With `first_of` (an ordering) it holds only
    the first rows in that ordering, in order: a page within them is taken from them, when
    the list is ordered so; any other page or ordering is left to SQL. `base`, when given,
    is `queryset` without its last filter (the keys of every match): a page's rows are read
    from it by the page's keys alone, not by both the page's and every match's."""
    marked = queryset.all()
    known = (count, len(marked.query.where.children), sort_values, base, first_of)
    setattr(marked.query, _KNOWN, known)
    return marked


def _known(rows) -> tuple | None:
    query = getattr(rows, "query", None)
    known = getattr(query, _KNOWN, None)
    if query is None or known is None or len(query.where.children) != known[1]:
        return None
    return known


def known_count(rows) -> int | None:
    known = _known(rows)
    return None if known is None else known[0]


def keys_in_order(rows, bottom: int, top: int) -> list | None:
    """The keys of rows[bottom:top] from the sort values `with_known_count` holds, or None
    when it holds none or the rows are ordered by something they lack (then SQL sorts).
    Stable sorts from the last column to the first: the same order as ORDER BY, ties
    included, as every ordering ends with the key."""
    known = _known(rows)
    values: dict[Any, dict[str, Any]] | None = known[2] if known is not None else None
    if values is None:
        return None
    ordering = list(rows.query.order_by)
    if not ordering or not all(isinstance(term, str) for term in ordering):
        return None
    first_of = known[4] if known is not None else None
    if first_of is not None:
        if tuple(ordering) != first_of or top > len(values):
            return None
        return list(values)[bottom:top]
    if not values:
        return []
    columns = set(next(iter(values.values())))
    terms = [(term.lstrip("-"), term.startswith("-")) for term in ordering]
    if not all(name in columns or name in ("pk", "id") for name, _descending in terms):
        return None
    keys = list(values)
    for name, descending in reversed(terms):
        if name in ("pk", "id"):
            keys.sort(reverse=descending)
        else:
            keys.sort(key=lambda key, name=name: values[key][name], reverse=descending)  # type: ignore[misc]
    return keys[bottom:top]


def _page_source(rows):
    """Where a page's rows are read from: the base `with_known_count` holds, if it reads the
    same columns as `rows` (nothing was joined or annotated since), else `rows`."""
    known = _known(rows)
    base = known[3] if known is not None else None
    same = base is not None and (
        base.query.annotations.keys() == rows.query.annotations.keys()
        and base.query.select_related == rows.query.select_related
        and base._prefetch_related_lookups == rows._prefetch_related_lookups
    )
    return base if same else rows


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: past that the exact number says little and costs a scan
    of every match (a common word in 100k problems). `more` says the count was cut; pages
    past the cap are not offered (a narrower filter finds them)."""

    COUNT_CAP = 1000

    @cached_property
    def counted(self) -> int:
        rows = self.object_list
        known = known_count(rows)
        if known is not None:
            return known
        if hasattr(rows, "order_by"):
            # Only the keys: the rows' annotations (comment counts…) are not computed.
            return rows.order_by().values("pk")[: self.COUNT_CAP + 1].count()
        return len(rows)

    @cached_property
    def count(self) -> int:
        return min(self.counted, self.COUNT_CAP)

    @property
    def more(self) -> bool:
        return self.counted > self.COUNT_CAP

    def page(self, number):
        """A searched list's page reads its keys first, then only those rows with their
        joins and annotations: otherwise PostgreSQL joins every match (thousands, for a
        common word) before it sorts them and keeps a page."""
        page = super().page(number)
        rows: Any = self.object_list
        if known_count(rows) is None or not hasattr(rows, "values_list"):
            return page
        bottom = page.start_index() - 1 if self.count else 0
        keys = keys_in_order(rows, bottom, page.end_index())
        if keys is None:
            sliced: Any = page.object_list
            keys = list(sliced.values_list("pk", flat=True))
        found = {row.pk: row for row in _page_source(rows).order_by().filter(keys_in(keys))}
        page.object_list = [found[key] for key in keys if key in found]
        return page
