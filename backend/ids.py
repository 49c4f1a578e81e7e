"""Database ids typed by people or clients: any digits, bounded to what the database holds.

An id beyond a 64-bit integer cannot name a row, and passing one to the database fails
(an overflow, not a "not found"); so such input is treated as naming nothing.
"""

import re

from backend.persian import to_latin_digits

MAX_ID = 2**63 - 1
_DIGITS = re.compile(r"^[0-9]{1,19}$")


def parse_id(raw) -> int | None:
    """A positive id written in Persian, Arabic-Indic or Latin digits; None otherwise."""
    text = to_latin_digits(str(raw if raw is not None else "")).strip()
    if not _DIGITS.match(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None
