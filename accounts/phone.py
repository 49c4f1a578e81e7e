"""Iranian mobile numbers: one canonical form (``09XXXXXXXXX``) for storage and lookup."""

from __future__ import annotations

import re

from backend.persian import to_latin_digits

__all__ = ["InvalidPhone", "mask_phone", "normalise_phone"]

INVALID_PHONE_MESSAGE = "شماره همراه نامعتبر است؛ مثلاً ۰۹۱۲۳۴۵۶۷۸۹ بنویسید."


class InvalidPhone(ValueError):
    """Raised for anything that is not one Iranian mobile number; the message is Persian."""

    def __init__(self, message: str = INVALID_PHONE_MESSAGE):
        super().__init__(message)


# What people and keyboards put between digit groups: spaces (incl. NBSP and narrow NBSP),
# hyphen variants that autocorrect produces, ZWNJ from Persian keyboards, and bidi marks
# that copy-paste from RTL apps leaves around numbers.
_SEPARATORS = " \u00a0\u202f\u2009-\u2010\u2011\u2013\u2212\u200c\u200e\u200f"
_SEP = "[" + re.escape(_SEPARATORS) + "]"

# Separators are allowed only between digits; "+" only directly before the first digit.
_SHAPE_RE = re.compile(rf"\+?[0-9](?:{_SEP}*[0-9])*", re.ASCII)
_SEP_RE = re.compile(_SEP)
# Surrounding invisible marks are as harmless as surrounding spaces.
_EDGES_RE = re.compile(r"^[\s\u200b-\u200f\ufeff]+|[\s\u200b-\u200f\ufeff]+$")

_LOCAL_RE = re.compile(r"09[0-9]{9}", re.ASCII)
_INTERNATIONAL_RE = re.compile(r"989[0-9]{9}", re.ASCII)
_DOUBLE_ZERO_RE = re.compile(r"00989[0-9]{9}", re.ASCII)


def normalise_phone(raw: str) -> str:
    """Return ``09XXXXXXXXX`` for an Iranian mobile number or raise ``InvalidPhone``.

    Accepts ``09…``, ``+989…`` and ``00989…`` in Persian, Arabic-Indic or Latin digits,
    with spaces, dashes or ZWNJ between digits.
    """
    if not isinstance(raw, str):
        raise InvalidPhone()
    text = _EDGES_RE.sub("", to_latin_digits(raw))
    if _SHAPE_RE.fullmatch(text) is None:
        raise InvalidPhone()
    digits = _SEP_RE.sub("", text)
    if text.startswith("+"):
        if _INTERNATIONAL_RE.fullmatch(digits[1:]):
            return "0" + digits[3:]
        raise InvalidPhone()
    if _LOCAL_RE.fullmatch(digits):
        return digits
    if _DOUBLE_ZERO_RE.fullmatch(digits):
        return "0" + digits[4:]
    raise InvalidPhone()


def mask_phone(phone: str) -> str:
    """``0912***6789``: enough for a user to recognise their own number, no more.

    Empty input gives ``""`` (no number on file); anything else must be a valid number.
    """
    if phone is None or phone == "":
        return ""
    canonical = normalise_phone(phone)
    return f"{canonical[:4]}***{canonical[-4:]}"
