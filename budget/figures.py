"""The budget figures, as pure functions over small inputs (no database).

The rules, as docs/budget.md publishes them:

1. **Money a project draws from a line** is the line's amount times the project's share,
   in whole rials, rounded down: `amount × share // 10000` (a share is in basis points).
   Every sum is of integers; nothing is ever a float.
2. **A line's current allocation** is its revised amount when the budget was amended, else
   the approved amount. **Money spent %** of a project, plan item or group is
   `spent ÷ current allocation` over the money drawn by its projects (unknown when there is
   no allocation). Cancelled projects keep the money they drew: money spent is spent.
3. **A project's physical progress** is 100% once it is done; otherwise, from its milestones,
   the weight of the milestones done over the weight of all (0% with no milestones), or the
   percentage entered by hand with evidence.
4. **Physical progress of a plan item or group** is the mean of its projects' progress
   weighted by each project's planned cost; when none of them has a planned cost each counts
   once. Cancelled projects are out of the mean; no project left → unknown.
5. **Indicator realisation** is the monitoring figure of the plan item (docs/monitoring.md).
6. **The gap flags**: «money ahead of results» when money spent % ≥ GAP_SPENT (90%) while
   the indicator realisation is known and < GAP_RESULT (60%); «money ahead of work» when
   money spent % ≥ GAP_SPENT while physical progress is known and < GAP_RESULT. The two
   thresholds are settings (BUDGET_GAP_SPENT, BUDGET_GAP_RESULT) and are shown on the pages.

Shares are returned as fractions (1 = 100%) in text with four places, like monitoring's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

WHOLE_SHARE = 10_000
HUNDRED = Decimal(100)
PLACES = Decimal("0.0001")

CANCELLED = "cancelled"
DONE = "done"
MANUAL = "manual"

MONEY_AHEAD_OF_RESULTS = "money_ahead_of_results"
MONEY_AHEAD_OF_WORK = "money_ahead_of_work"


@dataclass
class Money:
    """Whole rials: what the plan foresaw, and what the budget approved, currently allocates
    (revised or approved), committed and spent."""

    planned: int = 0
    approved: int = 0
    current: int = 0
    committed: int = 0
    spent: int = 0

    def add(self, other: Money) -> None:
        self.planned += other.planned
        self.approved += other.approved
        self.current += other.current
        self.committed += other.committed
        self.spent += other.spent

    def as_json(self) -> dict[str, int]:
        return {
            "planned": self.planned,
            "approved": self.approved,
            "current": self.current,
            "committed": self.committed,
            "spent": self.spent,
        }


def drawn(amount: int, share: int) -> int:
    """The whole rials a share (basis points) of an amount comes to, rounded down."""
    if not isinstance(amount, int) or not isinstance(share, int):
        raise TypeError("money and shares are integers")
    return amount * share // WHOLE_SHARE


def line_current(approved: int, revised: int | None) -> int:
    return approved if revised is None else revised


def funded(*, approved: int, revised: int | None, committed: int, spent: int, share: int) -> Money:
    """What one funding (a share of one line) brings to its project."""
    return Money(
        approved=drawn(approved, share),
        current=drawn(line_current(approved, revised), share),
        committed=drawn(committed, share),
        spent=drawn(spent, share),
    )


def ratio(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a fraction with four places; None when the whole is zero."""
    if whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(PLACES, rounding=ROUND_HALF_UP)


def spent_share(money: Money) -> Decimal | None:
    return ratio(money.spent, money.current)


def milestone_progress(milestones: Iterable[tuple[int, bool]]) -> Decimal:
    """Percent (0–100) from (weight, done) pairs; 0 with no milestones."""
    rows = list(milestones)
    total = sum(weight for weight, _done in rows)
    if total <= 0:
        return Decimal(0)
    done = sum(weight for weight, is_done in rows if is_done)
    return (HUNDRED * done / total).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def project_progress(
    *,
    status: str,
    mode: str,
    manual: Decimal | None,
    milestones: Iterable[tuple[int, bool]],
) -> Decimal:
    """A project's physical progress in percent (0–100)."""
    if status == DONE:
        return HUNDRED
    if mode == MANUAL:
        return Decimal(0) if manual is None else Decimal(manual)
    return milestone_progress(milestones)


def physical_mean(projects: Iterable[tuple[str, Decimal, int]]) -> Decimal | None:
    """The physical progress (a fraction) of a group of projects from (status, percent,
    planned cost) triples: cancelled ones out, weighted by planned cost (each once when no
    project has a cost). None when no project is left."""
    rows = [(Decimal(pct), cost) for status, pct, cost in projects if status != CANCELLED]
    if not rows:
        return None
    total = sum(cost for _pct, cost in rows)
    if total > 0:
        value = sum((pct * cost for pct, cost in rows), Decimal(0)) / total
    else:
        value = sum((pct for pct, _cost in rows), Decimal(0)) / len(rows)
    return (value / HUNDRED).quantize(PLACES, rounding=ROUND_HALF_UP)


def gap_flags(
    *,
    spent: Decimal | None,
    physical: Decimal | None,
    realisation: Decimal | None,
    gap_spent: Decimal,
    gap_result: Decimal,
) -> list[str]:
    """The published gap rule (see the module's docstring), over fractions."""
    if spent is None or spent < gap_spent:
        return []
    flags = []
    if realisation is not None and realisation < gap_result:
        flags.append(MONEY_AHEAD_OF_RESULTS)
    if physical is not None and physical < gap_result:
        flags.append(MONEY_AHEAD_OF_WORK)
    return flags


def text(value: Decimal | None) -> str | None:
    return None if value is None else str(value.quantize(PLACES))
