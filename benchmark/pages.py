"""Pages and lists that grow with the data, timed in-process: the problem inventory (public
page, planners' page, API list and figures, an entry), the triage queue, the moderation
queue (API and page, as a moderator), the busiest plan item (page and API) and search
(`q=`) for common words on the API and on /problems/.

Every request is computed: the cache of anonymous public reads (backend/publiccache.py) is
taken out of the middleware while these series run. Signed-in series use the benchmark's
moderator and planner (benchmark.data); a series whose account or rows are missing says so.
"""

import random
from collections.abc import Callable

from django.conf import settings
from django.db.models import Count, Q
from django.http.request import validate_host
from django.test import Client
from django.test.utils import override_settings

from accounts.models import User
from benchmark import data, text
from benchmark.measure import Row
from benchmark.monitoring import _series as timed_series
from inventory.models import InventoryEntry
from moderation.models import ModerationState
from planning.models import Plan, PlanItem

TARGET = "p95 < 30 ms"
LIMIT_MS = 30
# Common words of the data set and of people's searches: one or two letters («دی») give
# the trigram index nothing to use; the others match thousands of problems.
COMMON_WORDS = ("آب", "خیابان", "دی", "ترافیک", "زباله", "خیابان شهدا")
ORDERINGS = ("priority", "code", "-updated_at", "-supporters")


def _client(user: User | None = None) -> Client:
    host = "testserver"
    if not validate_host(host, settings.ALLOWED_HOSTS):
        host = next(h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*")
    client = Client(SERVER_NAME=host)
    if user is not None:
        client.force_login(user)
    return client


def _uncached_middleware() -> list[str]:
    return [m for m in settings.MIDDLEWARE if not m.endswith("PublicCacheMiddleware")]


def _busiest_items(plan: Plan, k: int = 5) -> list[int]:
    """The plan items with the most published comments (then the most inventory links)."""
    return list(
        PlanItem.objects.filter(plan=plan)
        .annotate(
            n=Count("comments", filter=Q(comments__moderation_state=ModerationState.PUBLISHED))
        )
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:k]
    )


def _busiest_entry(plan: Plan) -> int | None:
    return (
        InventoryEntry.objects.filter(plan=plan)
        .annotate(n=Count("problems"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)
        .first()
    )


def page_rows(
    plan: Plan,
    *,
    requests: int,
    warmup: int,
    seed: int,
    say: Callable = print,
    only: str = "",
) -> list[Row]:
    """The series above (those whose key contains `only`, when given), each request computed."""
    rng = random.Random(seed)
    n = requests + warmup
    city = plan.city
    anonymous = _client()
    planner = User.objects.filter(username=data.PLANNER).first()
    moderator = User.objects.filter(username=data.MODERATORS[0]).first()
    as_planner = _client(planner) if planner else None
    as_moderator = _client(moderator) if moderator else None
    items = _busiest_items(plan)
    entry = _busiest_entry(plan)
    words = [rng.choice(COMMON_WORDS) for _ in range(n)]
    queries = [text.search_query(rng) for _ in range(n)]
    orderings = [ORDERINGS[i % len(ORDERINGS)] for i in range(n)]
    p = plan.pk
    series: list[tuple[str, str, Client | None, Callable[[int], str]]] = [
        ("pages_inventory_public", "Page /plans/{id}/inventory/", anonymous,
         lambda _i: f"/plans/{p}/inventory/"),
        ("pages_inventory_manage", "Page /planning/{id}/inventory/?ordering= (planner)",
         as_planner, lambda i: f"/planning/{p}/inventory/?ordering={orderings[i]}"),
        ("pages_inventory_api", "GET /api/v1/inventory/?plan=&ordering=", anonymous,
         lambda i: f"/api/v1/inventory/?plan={p}&ordering={orderings[i]}"),
        ("pages_inventory_stats", "GET /api/v1/inventory/stats/?plan=", anonymous,
         lambda _i: f"/api/v1/inventory/stats/?plan={p}"),
        ("pages_inventory_entry", "Page /inventory/{id}/ (the entry with most problems)",
         anonymous if entry else None, lambda _i: f"/inventory/{entry}/"),
        ("pages_inventory_entry_api", "GET /api/v1/inventory/{id}/ (same entry)",
         anonymous if entry else None, lambda _i: f"/api/v1/inventory/{entry}/"),
        ("pages_triage_api", "GET /api/v1/triage/?plan= (planner)", as_planner,
         lambda _i: f"/api/v1/triage/?plan={p}"),
        ("pages_triage_board", "Page /planning/{id}/triage/ (planner)", as_planner,
         lambda _i: f"/planning/{p}/triage/"),
        ("pages_queue_api", "GET /api/v1/moderation/queue/?city= (moderator)", as_moderator,
         lambda _i: f"/api/v1/moderation/queue/?city={city.slug}"),
        ("pages_queue_page", "Page /moderation/{city}/ (moderator)", as_moderator,
         lambda _i: f"/moderation/{city.slug}/"),
        ("pages_plan_item", "Page /plan-items/{id}/ (the 5 most commented)",
         anonymous if items else None, lambda i: f"/plan-items/{items[i % len(items)]}/"),
        ("pages_plan_item_api", "GET /api/v1/plan-items/{id}/ (same items)",
         anonymous if items else None, lambda i: f"/api/v1/plan-items/{items[i % len(items)]}/"),
        ("pages_search_common_api", "GET /api/v1/problems/?plan=&q= (common words)", anonymous,
         lambda i: f"/api/v1/problems/?plan={p}&q={words[i]}"),
        ("pages_search_common_page", "Page /problems/?plan=&q= (common words)", anonymous,
         lambda i: f"/problems/?plan={p}&q={words[i]}"),
        ("pages_search_page", "Page /problems/?plan=&q= (the benchmark's queries)", anonymous,
         lambda i: f"/problems/?plan={p}&q={queries[i]}"),
    ]  # fmt: skip
    rows = []
    with override_settings(MIDDLEWARE=_uncached_middleware()):
        for key, label, client, path in series:
            if only and only not in key:
                continue
            row = Row(key, label, TARGET, LIMIT_MS)
            rows.append(row)
            if client is None:
                row.value = "not run (no account or rows: bench_data --yes)"
                say(f"  {row.label}: {row.value}")
                continue
            failed: list[str] = []

            def get(i: int, client=client, path=path, failed=failed):
                response = client.get(path(i))
                if response.status_code != 200:
                    failed.append(f"HTTP {response.status_code} {path(i)}")
                return response

            timed_series(row, get, requests=requests, warmup=warmup)
            if failed:
                row.passed = False
                row.value = f"{failed[0]} ({len(failed)} of {n})"
            say(
                f"  {row.label}: p50 {row.p(50):.1f} ms, p95 {row.p(95):.1f} ms, "
                f"p99 {row.p(99):.1f} ms, {row.queries_text} queries"
            )
    return rows
