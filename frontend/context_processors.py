from accounts.selectors import notification_unread_count


def unread_notifications(request):
    """The unread count for the header badge (one small query for signed-in users)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notifications": notification_unread_count(user=user)}


def staff_navigation(request):
    """The signed-in user's city roles for the header links (one query, none for others)."""
    from accounts.selectors import user_staff_roles

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from planning.selectors import plans_for_planner

    roles = list(user_staff_roles(user=user))
    planner_cities = [r.city_id for r in roles if r.role == "planner"]
    return {
        "nav_staff_roles": roles,
        "nav_planner_plans": plans_for_planner(city_ids=planner_cities) if planner_cities else [],
    }
