"""Pages of a list shown on a web page: one paginator per list, each with its own query
parameter, so one page can hold several lists («نوشته‌های من») and keep the others' pages
when one moves on. The template `frontend/partials/pagination.html` draws the links."""

from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.http import HttpRequest


@dataclass(frozen=True)
class Paged:
    page: Page
    prev_url: str | None
    next_url: str | None

    @property
    def object_list(self):
        return self.page.object_list


def paged(request: HttpRequest, rows, *, per_page: int, param: str = "page") -> Paged:
    """The page of `rows` asked for by `?<param>=` (a bad or too large number gives the
    nearest real page, never an error), with the links to its neighbours."""
    page = Paginator(rows, per_page).get_page(request.GET.get(param))

    def link(number: int) -> str:
        query = request.GET.copy()
        if number == 1:
            query.pop(param, None)
        else:
            query[param] = str(number)
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else request.path

    return Paged(
        page=page,
        prev_url=link(page.previous_page_number()) if page.has_previous() else None,
        next_url=link(page.next_page_number()) if page.has_next() else None,
    )
