"""The follow button's state: ``{% load following %}{% follow_state target user as f %}``.

One tag so each page that shows the button (problem, plan item, plan) needs no change in
its view; the partial frontend/partials/follow_button.html renders it."""

from dataclasses import dataclass
from typing import Any

from django import template
from django.urls import reverse

from participation import selectors

register = template.Library()

_ROUTES = {"problem": "frontend:problem_follow", "plan_item": "frontend:plan_item_follow"}


@dataclass(frozen=True)
class FollowState:
    kind: str
    following: bool
    count: int
    action: str


@register.simple_tag
def follow_state(target: Any, user: Any) -> FollowState:
    """Whether `user` follows `target`, how many do, and where the form posts: two
    queries."""
    kind = selectors.follow_target_kind(target)
    return FollowState(
        kind=kind,
        following=selectors.is_following(user=user, target=target),
        count=selectors.follow_count(target=target),
        action=reverse(_ROUTES.get(kind, "frontend:plan_follow"), args=[target.pk]),
    )
