"""Realisation, honestly: pure functions over small inputs (no database).

The rule, as the README explains it:

1. **The year's actual to date** of an indicator is its periods' current values combined by
   the version's declared aggregation: `sum`, `mean`, or `last` (the latest period's value).
   No value for any period → no actual (missing is not zero).
2. **Indicator realisation** for a year is the progress from the baseline toward that year's
   target: `(actual − baseline) / (target − baseline)`. For a lower-is-better indicator
   this is the mirror `(baseline − actual) / (baseline − target)` — the same number when the
   target lies on the better side of the baseline. Over-achievement is shown (above 100%,
   never clipped) and so is a move the wrong way (below 0%). When target == baseline (hold
   the value) the realisation is 100% if the actual meets the target in the indicator's
   direction and 0% otherwise. No actual, no baseline or no target → no realisation.
3. **A plan item's realisation** is the weighted mean of its components: its own indicator
   links (the link's public weight) and its children (weight 1 each). In the roll-up an
   indicator's realisation counts between 0% and ROLLUP_CAP (150%), so one runaway figure
   cannot carry a goal; the indicator's own page shows it unclipped. Cancelled and
   not-applicable items drop out with everything under them; so do items with no indicator
   anywhere under them (nothing is promised to be measured). A component with no data drops
   out of the mean *and* lowers the item's **coverage**: the share of its weight whose figure
   is known, where a child counts with its own coverage. An item whose components all lack
   data has no realisation (None) and coverage 0.
4. **The plan** is the same mean over its goals (weight 1 each).

Every figure is returned as a `Figure(value, coverage)`, never a single number alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

ROLLUP_CAP = Decimal("1.5")
ZERO = Decimal(0)
ONE = Decimal(1)
CHILD_WEIGHT = ONE

SUM, MEAN, LAST = "sum", "mean", "last"
HIGHER, LOWER = "higher", "lower"
ACTIVE = "active"


@dataclass(frozen=True)
class Figure:
    """A realisation (a share: 1 = 100%, None = unknown) and the coverage it rests on."""

    value: Decimal | None
    coverage: Decimal

    def as_json(self) -> dict[str, str | None]:
        return {"value": _text(self.value), "coverage": _text(self.coverage)}


@dataclass
class Node:
    """A plan item as the roll-up sees it. `links` are (weight, indicator realisation)."""

    id: int
    parent_id: int | None
    state: str = ACTIVE
    links: list[tuple[Decimal, Decimal | None]] = field(default_factory=list)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(Decimal("0.0001")))


def aggregate(values: Sequence[tuple[int, Decimal]], aggregation: str) -> Decimal | None:
    """The year's actual to date from (period, value) pairs of the periods with a value."""
    if not values:
        return None
    if aggregation == SUM:
        return sum((value for _period, value in values), ZERO)
    if aggregation == MEAN:
        return sum((value for _period, value in values), ZERO) / len(values)
    return max(values, key=lambda pair: pair[0])[1]


def indicator_realisation(
    *,
    actual: Decimal | None,
    baseline: Decimal | None,
    target: Decimal | None,
    direction: str,
) -> Decimal | None:
    """Progress from baseline toward target (1 = 100%), unclipped; None when unknown."""
    if actual is None or baseline is None or target is None:
        return None
    if target == baseline:
        met = actual >= target if direction == HIGHER else actual <= target
        return ONE if met else ZERO
    if direction == LOWER:
        return (baseline - actual) / (baseline - target)
    return (actual - baseline) / (target - baseline)


def capped(value: Decimal) -> Decimal:
    """An indicator realisation as it counts in a roll-up: between 0 and ROLLUP_CAP."""
    return min(max(value, ZERO), ROLLUP_CAP)


def mean_of(components: Sequence[tuple[Decimal, Decimal | None, Decimal]]) -> Figure | None:
    """Weighted mean over (weight, value, coverage). None when there is no component at all
    (the item takes no part); Figure(None, 0) when no component has data."""
    if not components:
        return None
    total = sum((weight for weight, _value, _coverage in components), ZERO)
    covered = sum((weight * coverage for weight, _value, coverage in components), ZERO)
    known = [(weight, value) for weight, value, _coverage in components if value is not None]
    known_weight = sum((weight for weight, _value in known), ZERO)
    value = (
        sum((weight * value for weight, value in known), ZERO) / known_weight
        if known_weight > ZERO
        else None
    )
    return Figure(value, covered / total)


def roll_up(nodes: Iterable[Node]) -> tuple[dict[int, Figure], Figure]:
    """Every active item's Figure (items that take no part are absent) and the plan's
    Figure over its goals (nodes without a parent)."""
    by_id = {node.id: node for node in nodes}
    children: dict[int | None, list[int]] = {}
    for node in by_id.values():
        children.setdefault(node.parent_id, []).append(node.id)
    figures: dict[int, Figure] = {}

    def visit(node_id: int) -> Figure | None:
        node = by_id[node_id]
        if node.state != ACTIVE:
            return None
        parts: list[tuple[Decimal, Decimal | None, Decimal]] = [
            (weight, None if value is None else capped(value), ONE if value is not None else ZERO)
            for weight, value in node.links
        ]
        for child_id in children.get(node_id, []):
            child = visit(child_id)
            if child is not None:
                parts.append((CHILD_WEIGHT, child.value, child.coverage))
        figure = mean_of(parts)
        if figure is not None:
            figures[node_id] = figure
        return figure

    goals = [visit(goal_id) for goal_id in children.get(None, [])]
    plan = mean_of([(CHILD_WEIGHT, g.value, g.coverage) for g in goals if g is not None])
    return figures, plan or Figure(None, ZERO)


def figures_of(items: Mapping[int, Figure]) -> dict[str, dict[str, str | None]]:
    """JSON-able figures keyed by item id (as text, like JSON keys are)."""
    return {str(item_id): figure.as_json() for item_id, figure in items.items()}
