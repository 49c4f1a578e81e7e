"""Trigram similarity computed the way PostgreSQL's pg_trgm does.

Used on backends without pg_trgm (SQLite) to score candidates, so both backends rank
alike: each word is padded with two spaces in front and one behind, its 3-character
windows form a set, and similarity is shared / (all distinct) of the two sets.
"""

import re

_WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> set[str]:
    grams: set[str] = set()
    for word in _WORD.findall((text or "").lower()):
        padded = f"  {word} "
        grams.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return grams


def similarity(a: str, b: str) -> float:
    first, second = trigrams(a), trigrams(b)
    if not first or not second:
        return 0.0
    shared = len(first & second)
    return shared / (len(first) + len(second) - shared)
