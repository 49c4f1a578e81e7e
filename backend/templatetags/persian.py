"""Template filters for Persian digits and Jalali dates: ``{% load persian %}``."""

from __future__ import annotations

import re

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from backend.jalali import jalali_date_str, jalali_datetime_str, jalali_long
from backend.persian import to_persian_digits

register = template.Library()

# In HTML, digits inside tags (href="/p/12") and character references (&#39;) are markup,
# not text; rewriting them would break links and escaping.
_MARKUP_RE = re.compile(r"(<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);)")


_DECIMAL_RE = re.compile(r"^-?\d+\.\d+$")


def _persian_digits_in_html(html: str) -> str:
    parts = _MARKUP_RE.split(html)
    # re.split with one group alternates text, markup, text, ...
    return "".join(part if i % 2 else to_persian_digits(part) for i, part in enumerate(parts))


@register.filter(needs_autoescape=True)
def fa_digits(value, autoescape=True):
    """Show digits as ۰-۹ (left alone in the English UI). Plain text stays unsafe, so Django
    still escapes it."""
    if value is None:
        return ""
    language = get_language()
    if language and not language.startswith("fa"):
        return value
    if _DECIMAL_RE.match(str(value)):
        # A lone decimal number (as floatformat gives): Persian decimal separator too.
        text = to_persian_digits(str(value)).replace(".", "٫")
        return mark_safe(text) if isinstance(value, SafeData) else text
    if isinstance(value, SafeData):
        return mark_safe(_persian_digits_in_html(str(value)))
    if not autoescape:
        # With autoescaping off the string is emitted as HTML, so treat it as HTML.
        return _persian_digits_in_html(str(value))
    return to_persian_digits(value)


@register.filter
def fa_code(value) -> str:
    """A code (plan item «1.1.2», inventory «T-3», budget line «12-03-001») with Persian
    digits in the Persian UI; its dots stay dots (fa_digits reads «1.1» as a decimal)."""
    return _digits_for_language(str(value if value is not None else ""))


def _lenient(func, value) -> str:
    # Filters must not raise while rendering a page; Django's own |date does the same.
    try:
        return func(value)
    except (TypeError, ValueError, OverflowError):
        return ""


def _digits_for_language(text: str) -> str:
    language = get_language()
    return text if language and not language.startswith("fa") else to_persian_digits(text)


@register.filter(is_safe=True)
def jdate(value) -> str:
    """``۱۴۰۴/۰۱/۰۵`` (Latin digits in the English UI; the calendar stays Jalali)."""
    return _digits_for_language(_lenient(jalali_date_str, value))


@register.filter(name="jdatetime", is_safe=True)
def jdatetime_filter(value) -> str:
    """``۱۴۰۴/۰۱/۰۵ ۱۴:۳۰``."""
    return _digits_for_language(_lenient(jalali_datetime_str, value))


@register.filter(is_safe=True)
def jlong(value) -> str:
    """``۵ فروردین ۱۴۰۴، ساعت ۱۴:۳۰``."""
    return _lenient(jalali_long, value)


@register.filter(is_safe=True)
def metres(value) -> str:
    """A distance for people: «۱۲۰ متر» rounded to ten metres, «۱٫۴ کیلومتر» from a
    kilometre up; in the page language's digits."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        return ""
    if value >= 1000:
        language = get_language() or "fa"
        km = f"{value / 1000:.1f}"
        text = _("%(km)s کیلومتر") % {"km": km.replace(".", "٫") if language[:2] == "fa" else km}
    else:
        text = _("%(m)s متر") % {"m": max(10, int(round(value / 10)) * 10)}
    return _digits_for_language(str(text))


@register.filter
def bdi(value):
    """A person's text set inside a translated sentence, isolated so its direction does not
    scramble the sentence around it (a Persian name in an English sentence, and back):
    ``{% blocktranslate with name=org.name|bdi %}``. Escaped, then wrapped; not for
    attributes or <title>."""
    if value is None or value == "":
        return ""
    return format_html("<bdi>{}</bdi>", value)
