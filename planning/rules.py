"""Who may plan: the planners of a city, in that city only; committee members read their
committee's inventory."""

import rules

from accounts.rules import is_city_planner


@rules.predicate
def is_committee_member(user, committee) -> bool:
    if not getattr(user, "is_authenticated", False) or committee is None:
        return False
    return committee.members.filter(pk=user.pk).exists()


@rules.predicate
def is_planner_of_committee_city(user, committee) -> bool:
    return committee is not None and is_city_planner.test(user, committee.city_id)


rules.add_rule("planning.plan_city", is_city_planner)
rules.add_rule("planning.view_committee", is_committee_member | is_planner_of_committee_city)
