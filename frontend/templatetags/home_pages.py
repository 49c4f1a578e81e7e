"""Filters of the home page: ``{% load home_pages %}``."""

import math
from datetime import timedelta

from django import template
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from backend.persian import to_persian_digits

register = template.Library()


def _digits(value: int) -> str:
    language = get_language()
    text = str(value)
    return text if language and not language.startswith("fa") else to_persian_digits(text)


@register.filter
def time_left(delta: timedelta | None) -> str:
    """A comment window's countdown: «۳ روز مانده», «۵ ساعت مانده», «کمتر از یک ساعت
    مانده» (whole days and hours left, rounded down; digits of the page's language)."""
    if delta is None:
        return ""
    seconds = delta.total_seconds()
    if seconds < 3600:
        return _("کمتر از یک ساعت مانده")
    if seconds < 86400:
        hours = math.floor(seconds / 3600)
        return ngettext("%(n)s ساعت مانده", "%(n)s ساعت مانده", hours) % {"n": _digits(hours)}
    days = math.floor(seconds / 86400)
    return ngettext("%(n)s روز مانده", "%(n)s روز مانده", days) % {"n": _digits(days)}


@register.filter
def closing_soon(delta: timedelta | None) -> bool:
    """«۳ روز مانده» or less: the countdown is shown as urgent."""
    return delta is not None and delta < timedelta(days=4)
