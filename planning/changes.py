"""Changes to a plan that apps above planning tell people about.

Planning imports no app above it (participation keeps who follows what). An app registers a
listener when it starts (its AppConfig.ready()); the place that makes the change — today the
admin, where planners author the tree — calls `item_opened` inside the transaction of the
save, so a listener's writes (notifications) commit or roll back with it.
"""

from collections.abc import Callable
from typing import Any

from planning.models import PlanItem

ItemListener = Callable[[PlanItem, Any], None]
_ITEM_OPENED: list[ItemListener] = []


def on_item_opened(listener: ItemListener) -> None:
    """Call `listener(item, actor)` whenever a plan item is opened for comment."""
    if listener not in _ITEM_OPENED:
        _ITEM_OPENED.append(listener)


def item_opened(*, item: PlanItem, actor: Any) -> None:
    """A plan item's status became «open» (for comment)."""
    for listener in _ITEM_OPENED:
        listener(item, actor)


def opened(before: str | None, item: PlanItem) -> bool:
    """Whether a save with `before` as the stored status (None: a new item) opens it."""
    return item.status == PlanItem.Status.OPEN and before != PlanItem.Status.OPEN
