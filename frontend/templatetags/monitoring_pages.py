"""Monitoring figures in templates: ``{% load monitoring_pages %}``.

`pct` shows a stored share («0.5900») as a percentage («۵۹٪», «59%» in English); the two
tags give the plan item and problem pages their monitoring partials' data from the
monitoring selectors (a constant number of queries each)."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.translation import get_language

from backend.persian import to_persian_digits
from monitoring import selectors

register = template.Library()


def _persian() -> bool:
    language = get_language()
    return not language or language.startswith("fa")


@register.filter
def pct(value: Any) -> str:
    """A share as a whole percentage; «—» when unknown (missing is not zero)."""
    if value in (None, ""):
        return "—"
    number = (Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    if _persian():
        sign = "−" if number < 0 else ""
        return f"{sign}{to_persian_digits(abs(number))}٪"
    return f"{number}%"


@register.filter
def num(value: Any) -> str:
    """A stored decimal without trailing zeros, Persian digits in the Persian UI."""
    if value in (None, ""):
        return "—"
    number = Decimal(str(value)).normalize()
    text = f"{number:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if _persian():
        return to_persian_digits(text).replace(".", "٫").replace("-", "−")
    return text


@register.filter
def is_covered(value: Any) -> bool:
    return value not in (None, "") and Decimal(str(value)) > 0


@register.simple_tag
def plan_item_monitoring(plan_item: Any) -> dict[str, Any]:
    """The plan item's indicators with public weights and realisation."""
    return selectors.plan_item_indicators(plan_item)


@register.simple_tag
def problem_monitoring(problem: Any) -> dict[str, Any] | None:
    """The chain problem → inventory entry → plan items → indicators and realisation."""
    return selectors.problem_chain(problem)
