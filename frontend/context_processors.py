from accounts.rules import remember_city_roles
from accounts.selectors import notification_unread_count, user_staff_roles
from backend.authz import allowed
from planning.selectors import plans_for_planner


def unread_notifications(request):
    """The unread count for the header badge (one small query for signed-in users)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": notification_unread_count(user=user)}


def staff_navigation(request):
    """The header's staff links, each list decided by the rules over the cities where the
    signed-in user holds a role (one query, none for others)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = list(user_staff_roles(user=user))
    remember_city_roles(user, roles)  # the rules below and in the template ask no more
    cities = list({role.city_id: role.city for role in roles}.values())
    return {
        "nav_staff_roles": roles,
        "nav_moderation_cities": [
            c for c in cities if allowed(user, "moderation.moderate_city", c)
        ],
        "nav_audit_cities": [c for c in cities if allowed(user, "moderation.read_audit", c)],
        "nav_activity_cities": [c for c in cities if allowed(user, "accounts.read_activity", c)],
        "nav_can_review": allowed(user, "accounts.review_organisations"),
        "nav_planner_plans": [
            plan
            for plan in plans_for_planner(city_ids=[city.pk for city in cities])
            if allowed(user, "inventory.triage", plan)
        ]
        if cities
        else [],
    }
