"""Jalali (Solar Hijri) date helpers on top of ``jdatetime``.

Django is imported lazily so the module can be imported (and the pure parts used)
before settings exist.
"""

from __future__ import annotations

import datetime
import re
import zoneinfo
from functools import lru_cache

import jdatetime

from backend.persian import to_latin_digits, to_persian_digits

__all__ = [
    "INVALID_DATE_MESSAGE",
    "MONTHS_FA",
    "jalali_date_str",
    "jalali_datetime_str",
    "jalali_long",
    "jalali_year_bounds",
    "parse_date",
    "to_jalali",
]

INVALID_DATE_MESSAGE = "تاریخ نامعتبر است؛ مثلاً ۱۴۰۴/۰۱/۰۵ یا 2025-03-25 بنویسید."

MONTHS_FA = (
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
)

# Below this a four-digit year cannot be a Gregorian date anyone types today,
# while every Jalali year in use (14xx) stays well under it.
_JALALI_YEAR_LIMIT = 1700
# Dates a filter may name: one day inside date.min/date.max either side, so that «the day
# after» and the move from Tehran time to UTC never overflow (9999-12-31 was a 500).
DATE_MIN = datetime.date(1, 1, 2)
DATE_MAX = datetime.date(9998, 12, 31)
OUT_OF_RANGE_MESSAGE = "تاریخ خارج از بازه‌ی پذیرفتنی است."

# The project's TIME_ZONE; used only when Django settings are not configured.
_FALLBACK_TZ = "Asia/Tehran"

_DATE_RE = re.compile(r"([0-9]{4})([/-])([0-9]{1,2})\2([0-9]{1,2})", re.ASCII)

# Copy-paste from RTL apps wraps dates in invisible direction marks.
_BIDI_CONTROLS = str.maketrans(dict.fromkeys("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def _localtime(value: datetime.datetime) -> datetime.datetime:
    from django.conf import settings

    if settings.configured:
        from django.utils import timezone

        return timezone.localtime(value)
    return value.astimezone(zoneinfo.ZoneInfo(_FALLBACK_TZ))


@lru_cache(maxsize=8192)
def _jalali_day(year: int, month: int, day: int) -> tuple[int, int, int]:
    """A Gregorian day's Jalali year, month and day (a page shows a few hundred days at
    most, again and again; jdatetime's conversion is ~10 µs)."""
    j = jdatetime.date.fromgregorian(year=year, month=month, day=day)
    return j.year, j.month, j.day


def to_jalali(value):
    """Convert a Gregorian date/datetime to ``jdatetime``; ``None`` stays ``None``.

    Aware datetimes are first moved to the current Django time zone so the Jalali day matches
    what a user in Tehran sees; naive ones are taken as already local.
    """
    if value is None:
        return None
    if isinstance(value, jdatetime.date):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None and value.utcoffset() is not None:
            value = _localtime(value)
        year, month, day = _jalali_day(value.year, value.month, value.day)
        return jdatetime.datetime(
            year,
            month,
            day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond,
            tzinfo=value.tzinfo,
            locale="fa_IR",
        )
    if isinstance(value, datetime.date):
        year, month, day = _jalali_day(value.year, value.month, value.day)
        return jdatetime.date(year, month, day, locale="fa_IR")
    raise TypeError(f"expected a date or datetime, got {type(value).__name__}")


def _has_time(value) -> bool:
    return isinstance(value, jdatetime.datetime)


def jalali_date_str(value) -> str:
    """``1404/01/05`` with Latin digits; ``""`` for ``None``."""
    j = to_jalali(value)
    if j is None:
        return ""
    return f"{j.year:04d}/{j.month:02d}/{j.day:02d}"


def jalali_datetime_str(value) -> str:
    """``1404/01/05 14:30``; a plain date has no time to show, so only the date is given."""
    j = to_jalali(value)
    if j is None:
        return ""
    text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    if _has_time(j):
        text += f" {j.hour:02d}:{j.minute:02d}"
    return text


def jalali_long(value) -> str:
    """``۵ فروردین ۱۴۰۴`` (plus ``، ساعت ۱۴:۳۰`` for a datetime); ``""`` for ``None``."""
    j = to_jalali(value)
    if j is None:
        return ""
    text = f"{j.day} {MONTHS_FA[j.month - 1]} {j.year}"
    if _has_time(j):
        text += f"، ساعت {j.hour:02d}:{j.minute:02d}"
    return to_persian_digits(text)


def parse_date(text: str) -> datetime.date:
    """Parse a Jalali (``1404/01/05``, ``۱۴۰۴-۱-۵``) or ISO Gregorian date.

    A year below 1700 is read as Jalali. Anything else raises ``ValueError`` with a
    Persian message that can be shown to the user as is.
    """
    if not isinstance(text, str):
        raise ValueError(INVALID_DATE_MESSAGE)
    match = _DATE_RE.fullmatch(to_latin_digits(text.translate(_BIDI_CONTROLS)).strip())
    if match is None:
        raise ValueError(INVALID_DATE_MESSAGE)
    year, month, day = int(match[1]), int(match[3]), int(match[4])
    try:
        if year < _JALALI_YEAR_LIMIT:
            found = jdatetime.date(year, month, day).togregorian()
        else:
            found = datetime.date(year, month, day)
    except (ValueError, OverflowError):
        raise ValueError(INVALID_DATE_MESSAGE) from None
    if not DATE_MIN <= found <= DATE_MAX:
        raise ValueError(OUT_OF_RANGE_MESSAGE)
    return found


def jalali_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    """First and last Gregorian day of Jalali ``year`` (e.g. for a yearly report filter)."""
    first = jdatetime.date(year, 1, 1).togregorian()
    last = jdatetime.date(year + 1, 1, 1).togregorian() - datetime.timedelta(days=1)
    return first, last
