"""Persian text helpers.

`normalise` builds the single comparison key used for search, similarity and uniqueness
checks. Display text is never rewritten with it: the key is lossy on purpose.
"""

from __future__ import annotations

import string
import unicodedata

__all__ = [
    "normalise",
    "persian_letter_share",
    "to_latin_digits",
    "to_persian_digits",
]

PERSIAN_DIGITS = "۰۱۲۳۴۵۶۷۸۹"
ARABIC_INDIC_DIGITS = "٠١٢٣٤٥٦٧٨٩"
LATIN_DIGITS = "0123456789"

_TO_LATIN = str.maketrans(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2)
_TO_PERSIAN = str.maketrans(LATIN_DIGITS + ARABIC_INDIC_DIGITS, PERSIAN_DIGITS * 2)

# Invisible bidi controls come along with copy-paste from RTL editors and messaging apps.
# They sit inside words, so they are dropped rather than turned into a word break.
_BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

# Joiners and invisible breaks: writers disagree on "برنامه‌ریزی" vs "برنامه ریزی",
# so every such mark becomes an ordinary word break.
_INVISIBLE_BREAKS = "\u200b\u200c\u200d\ufeff\u00ad"

_DIACRITICS = (
    [chr(c) for c in range(0x064B, 0x0660)] + ["\u0670"] + [chr(c) for c in range(0x06D6, 0x06EE)]
)


def _build_key_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for ch in "\u064a\u0649":  # Arabic yeh, alef maksura
        table[ord(ch)] = "\u06cc"
    table[0x0643] = "\u06a9"  # Arabic kaf -> Persian keheh
    for ch in "\u0629\u06c0\u06d5":  # teh marbuta, heh with yeh above, ae
        table[ord(ch)] = "\u0647"
    for ch in "\u0623\u0625\u0671":  # alef with hamza above/below, alef wasla (not madda)
        table[ord(ch)] = "\u0627"
    table[0x0624] = "\u0648"  # waw with hamza
    table[0x0640] = None  # kashida only stretches a word visually
    for ch in _DIACRITICS + list(_BIDI_CONTROLS):
        table[ord(ch)] = None
    for ch in _INVISIBLE_BREAKS + string.punctuation + "،؛؟«»":
        table[ord(ch)] = " "
    for src, dst in zip(PERSIAN_DIGITS + ARABIC_INDIC_DIGITS, LATIN_DIGITS * 2, strict=True):
        table[ord(src)] = dst
    return table


_KEY_TABLE = _build_key_table()


def normalise(text: str) -> str:
    """Return the comparison key for ``text`` (idempotent; never use it for display)."""
    if not text:
        return ""
    # NFKC first so presentation forms (ﻙ ﻱ ﻻ from PDFs) and odd spaces reach the plain
    # letters the table below knows about.
    key = unicodedata.normalize("NFKC", text).translate(_KEY_TABLE)
    # Remaining Unicode punctuation (curly quotes, dashes, ٪ ٫ …) is a word break as well.
    key = "".join(" " if unicodedata.category(ch).startswith("P") else ch for ch in key)
    return " ".join(key.split()).lower()


def _as_text(value: object) -> str:
    return "" if value is None else str(value)


def to_latin_digits(text: object) -> str:
    """Write every Persian or Arabic-Indic digit as 0-9; other characters are untouched."""
    return _as_text(text).translate(_TO_LATIN)


def to_persian_digits(text: object) -> str:
    """Write every Latin or Arabic-Indic digit as ۰-۹; other characters are untouched."""
    return _as_text(text).translate(_TO_PERSIAN)


def _is_arabic_script(ch: str) -> bool:
    cp = ord(ch)
    return 0x0600 <= cp <= 0x06FF or 0xFB50 <= cp <= 0xFDFF or 0xFE70 <= cp <= 0xFEFF


def persian_letter_share(text: str) -> float:
    """Share of letters written in Arabic script; 0.0 when ``text`` has no letters."""
    letters = [ch for ch in (text or "") if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(1 for ch in letters if _is_arabic_script(ch)) / len(letters)
