"""Asking the permission rules: one way for services, the API, pages, templates and consumers.

Every "who may" is a django-rules predicate registered in its app's `rules.py` with
`permission()`, which also records the Persian refusal shown when the answer is no. Services
call `authorise()` (they are the authority); API views, pages and consumers ask the same
names through `allowed()`, `RulePermission` or `{% has_perm %}` in templates. This module
imports no app: the names are strings such as "moderation.decide".
"""

from typing import Any

import rules
from rest_framework.permissions import BasePermission

from backend.errors import Refused

DEFAULT_REFUSAL = ("اجازه‌ی این کار را ندارید.", "permission_denied")
_REFUSALS: dict[str, tuple[str, str]] = {}


def permission(name: str, predicate: Any, *, message: str, code: str) -> None:
    """Register `name` as a permission decided by `predicate`, refused with `message`."""
    rules.set_perm(name, predicate)
    _REFUSALS[name] = (message, code)


def allowed(user: Any, name: str, obj: Any = None) -> bool:
    if name not in _REFUSALS:
        raise KeyError(f"unknown permission {name!r}")
    return rules.has_perm(name, user, obj)


def refusal(name: str) -> Refused:
    message, code = _REFUSALS.get(name, DEFAULT_REFUSAL)
    return Refused(message, code=code)


def authorise(user: Any, name: str, obj: Any = None) -> None:
    """Raise the permission's Refused (403) unless `user` may `name` on `obj`."""
    if not allowed(user, name, obj):
        raise refusal(name)


def registered_permissions() -> list[str]:
    return sorted(_REFUSALS)


class RulePermission(BasePermission):
    """DRF bridge: a view sets `rule_permission = "app.action"`; objects the view fetches
    with `get_object()` are checked against the same predicate the service enforces."""

    def has_object_permission(self, request, view, obj) -> bool:
        name = getattr(view, "rule_permission", None)
        if name is None:
            return True
        if not allowed(request.user, name, obj):
            raise refusal(name)
        return True
