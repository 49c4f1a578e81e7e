"""What the rows drawn in Python (frontend/templatetags/threads.py, problem_rows.py) look up
once per page instead of once per row: the language, the time zone and translated labels.
Each of those is a context-local lookup in Django (asgiref's Local), a few µs apiece, and a
thread page asked for them ~5 times per comment."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from accounts.models import PUBLIC_NAME_FALLBACK
from backend.jalali import jalali_date_str, jalali_datetime_str
from backend.persian import to_persian_digits


class Drawing:
    def __init__(self):
        language = get_language()
        self.persian = not language or language.startswith("fa")
        self.zone = timezone.get_current_timezone()
        self.labels: dict[Any, str] = {}

    def label(self, key: Any, source) -> str:
        """A translated text, once per page for each key (a plain value: a lazy text would be
        translated to be hashed): `source` is a lazy translation or a function giving it."""
        found = self.labels.get(key)
        if found is None:
            found = self.labels[key] = str(source() if callable(source) else source)
        return found

    def digits(self, value: object) -> str:
        """As `|fa_digits` writes a whole number."""
        text = str(value)
        return to_persian_digits(text) if self.persian else text

    def local(self, moment: datetime.datetime) -> datetime.datetime:
        return moment.astimezone(self.zone) if timezone.is_aware(moment) else moment

    def iso(self, moment: datetime.datetime) -> str:
        """As `|date:'c'` writes a moment."""
        return self.local(moment).isoformat()

    def jalali_moment(self, moment: datetime.datetime) -> str:
        """As `|jdatetime` writes a moment."""
        return self.digits(jalali_datetime_str(self.local(moment).replace(tzinfo=None)))

    def jalali_day(self, moment: datetime.datetime) -> str:
        """As `|jdate` writes a moment."""
        return self.digits(jalali_date_str(self.local(moment).replace(tzinfo=None)))

    def public_name(self, user) -> str:
        """User.public_name, with its fallback translated once per page."""
        return user.chosen_public_name or self.label("public name", PUBLIC_NAME_FALLBACK)


def drawing(context) -> Drawing:
    """The page's Drawing (one per template render)."""
    made = context.render_context.get("frontend_drawing")
    if made is None:
        made = context.render_context["frontend_drawing"] = Drawing()
    return made
