"""What the home page shows, composed from the apps' selectors: per city, its newest plan's
open comment windows, recent and most supported problems, what changed lately and its
figures (the same for every visitor, so kept in the cache briefly); for a signed-in person,
their next actions. A fixed number of queries whatever the data."""

import logging
from datetime import timedelta
from typing import Any

from django.core.cache import cache
from django.utils import timezone

from accounts import selectors as account_selectors
from backend.authz import allowed
from frontend.views_moderation import rejections_of
from inventory import selectors as inventory_selectors
from moderation import selectors as moderation_selectors
from participation import selectors as participation_selectors
from planning import selectors as planning_selectors

logger = logging.getLogger(__name__)

PUBLIC_CACHE_KEY = "home:cities:v1"
PUBLIC_CACHE_SECONDS = 30
# "What changed": the plan's public facts of the last weeks, a few per city.
CHANGES_DAYS = 30
CHANGES_PER_CITY = 5
PROBLEMS_PER_LIST = 3
WINDOWS_PER_CITY = 3


def _compute_cities() -> list[dict[str, Any]]:
    cities = list(planning_selectors.city_overview())
    plans = {plan.city_id: plan for plan in planning_selectors.newest_plans()}
    plan_ids = [plan.pk for plan in plans.values()]
    if not plan_ids:
        return [{"city": city, "plan": None} for city in cities]
    now = timezone.now()
    since = now - timedelta(days=CHANGES_DAYS)
    windows = planning_selectors.open_comment_windows(
        plan_ids=plan_ids, per_plan=WINDOWS_PER_CITY, now=now
    )
    problems = participation_selectors.home_problems(plan_ids=plan_ids, per_plan=PROBLEMS_PER_LIST)
    figures = participation_selectors.plan_figures(plan_ids=plan_ids)
    entries = inventory_selectors.inventory_counts(plan_ids=plan_ids)
    changes: dict[int, list[dict]] = {pk: [] for pk in plan_ids}
    for change in sorted(
        [
            *planning_selectors.recent_item_windows(plan_ids=plan_ids, since=since, now=now),
            *inventory_selectors.recent_entry_changes(
                plan_ids=plan_ids, since=since, limit=CHANGES_PER_CITY * len(plan_ids)
            ),
        ],
        key=lambda c: c["at"],
        reverse=True,
    ):
        if len(changes[change["plan_id"]]) < CHANGES_PER_CITY:
            changes[change["plan_id"]].append(change)
    blocks = []
    for city in cities:
        plan = plans.get(city.pk)
        if plan is None:
            blocks.append({"city": city, "plan": None})
            continue
        blocks.append(
            {
                "city": city,
                "plan": plan,
                "windows": windows[plan.pk],
                "recent": problems[plan.pk]["recent"],
                "top": problems[plan.pk]["top"],
                "figures": {**figures[plan.pk], "inventory": entries.get(plan.pk, 0)},
                "changes": changes[plan.pk],
            }
        )
    return blocks


def public_cities() -> list[dict[str, Any]]:
    """Every city with its newest plan's public summary, from the cache when fresh (a
    published problem shows within PUBLIC_CACHE_SECONDS); computed when the cache is down."""
    try:
        found = cache.get(PUBLIC_CACHE_KEY)
    except Exception:  # noqa: BLE001 - without the cache, compute
        found = None
    if found is not None:
        return found
    blocks = _compute_cities()
    try:
        cache.set(PUBLIC_CACHE_KEY, blocks, PUBLIC_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("cache unavailable; the home page's city summaries are not kept")
    return blocks


def next_actions(user) -> dict[str, Any]:
    """What the signed-in person may do next: their posts waiting for the moderators,
    rejections they may appeal, unread notifications and invitations; for staff, the open
    moderation queue of each city they moderate and the triage board of each plan they
    triage."""
    counts = participation_selectors.author_post_counts(user=user)
    roles = list(account_selectors.user_staff_roles(user=user))
    cities = list({role.city_id: role.city for role in roles}.values())
    moderated = [c for c in cities if allowed(user, "moderation.moderate_city", c)]
    queues = (
        moderation_selectors.open_queue_counts(city_ids=[c.pk for c in moderated])
        if moderated
        else {}
    )
    plans = [
        plan
        for plan in planning_selectors.plans_for_planner(city_ids=[c.pk for c in cities])
        if allowed(user, "inventory.triage", plan)
    ]
    triage = inventory_selectors.triage_counts(plan_ids=[p.pk for p in plans]) if plans else {}
    return {
        **counts,
        "appealable": sum(1 for d in rejections_of(user=user) if d.appealable),
        "unread": account_selectors.notification_unread_count(user=user),
        "invitations": account_selectors.pending_invitations(user=user).count(),
        "queues": [{"city": c, "count": queues.get(c.pk, 0)} for c in moderated],
        "triage": [{"plan": p, "count": triage.get(p.pk, 0)} for p in plans],
    }
