"""Hints for moderators: they help, they never decide."""

import re

from backend.persian import persian_letter_share, to_latin_digits

LINK = re.compile(r"(https?://|www\.)\S+|\b[\w-]+\.(ir|com|net|org|info|xyz)\b", re.IGNORECASE)
# Iranian mobiles and landlines, written with any digits and separators.
PHONE = re.compile(
    r"(?<!\d)(?:\+98|0098|0)?9\d(?:[\s-]?\d){8}(?!\d)|(?<!\d)0\d{2}[\s-]?\d{8}(?!\d)"
)
NATIONAL_ID = re.compile(r"(?<!\d)\d{3}-?\d{6}-?\d(?!\d)")
LOW_PERSIAN_SHARE = 0.5


def text_hints(text: str) -> dict:
    """Language, links and personal numbers in a post's words."""
    latin = to_latin_digits(text or "")
    share = persian_letter_share(text or "")
    hints: dict[str, object] = {"persian_share": round(share, 2)}
    if share < LOW_PERSIAN_SHARE:
        hints["likely_not_persian"] = True
    links = [m.group(0) for m in LINK.finditer(latin)][:5]
    if links:
        hints["links"] = links
    phones = [m.group(0) for m in PHONE.finditer(latin)][:5]
    if phones:
        hints["phone_numbers"] = phones
    if NATIONAL_ID.search(latin) and not phones:
        hints["possible_national_id"] = True
    return hints
