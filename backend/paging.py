"""Pages whose count stops at a cap, for the API and the web lists alike."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedPaginator(Paginator):
    """Counts at most COUNT_CAP rows: past that the exact number says little and costs a scan
    of every match (a common word in 100k problems). `more` says the count was cut; pages
    past the cap are not offered (a narrower filter finds them)."""

    COUNT_CAP = 1000

    @cached_property
    def counted(self) -> int:
        rows = self.object_list
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
