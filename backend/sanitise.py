"""The one sanitising policy for user text, applied on the way in.

Bodies keep a small set of formatting tags; links get rel="nofollow ugc noopener"; every
other tag is removed with its markup (its text stays), and scripts and styles go entirely.
Titles and other one-line fields are plain text.
"""

import html
import re
import unicodedata

import bleach
from bleach.linkifier import LinkifyFilter

ALLOWED_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "ul", "ol", "li", "a", "blockquote"})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

_DROP_WITH_CONTENT = re.compile(
    r"<(script|style|iframe|object|embed|template|noscript)\b[^>]*>.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL,
)


def _set_rel(attrs, new=False):  # noqa: ARG001 — bleach's callback signature
    attrs[(None, "rel")] = LINK_REL
    attrs.pop((None, "target"), None)
    return attrs


_cleaner = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[lambda source: LinkifyFilter(source, callbacks=[_set_rel], skip_tags={"pre"})],
)


_BLOCK_TAG = re.compile(r"<(p|ul|ol|blockquote|br)\b", re.IGNORECASE)


def clean_html(text: str) -> str:
    """Sanitised HTML for a body. Text typed without paragraph tags keeps its paragraphs
    (blank lines) and line breaks."""
    text = _DROP_WITH_CONTENT.sub("", str(text or "")).replace("\r\n", "\n")
    if not _BLOCK_TAG.search(text):
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
        text = "".join("<p>" + "<br>".join(p.splitlines()) + "</p>" for p in paragraphs)
    return _cleaner.clean(text).strip()


# Characters that show nothing: format controls (bidi embeddings, overrides and isolates,
# LRM/RLM/ALM, zero-width space, word joiner, BOM, soft hyphen, tag characters …) are
# removed; ZWNJ and ZWJ are kept inside words (Persian needs ZWNJ: «می‌روم»), but not
# alone or at a word's edge. Blank-looking letters (Hangul fillers) and the braille blank
# are no text either.
_KEEP_FORMAT = frozenset("\u200c\u200d")
_JOINERS = "\u200c\u200d"
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
_BLANK_SPACES = frozenset("\u2800")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # bleach would show them as «?»


def _shows_nothing(ch: str, category: str) -> bool:
    if ch in _BLANK_LETTERS or category in ("Cc", "Cs", "Co", "Cn"):
        return True
    return category == "Cf" and ch not in _KEEP_FORMAT


def _visible_chars(text: str) -> str:
    """Drop invisible and blank-looking characters, turn odd spaces into one space, and drop
    combining marks with nothing to combine with; ZWNJ/ZWJ stay only inside words."""
    kept: list[str] = []
    for ch in text:
        category = unicodedata.category(ch)
        if ch in _BLANK_SPACES or ch.isspace():
            kept.append(" ")
        elif _shows_nothing(ch, category):
            continue
        elif category in ("Mn", "Me") and (not kept or kept[-1] == " "):
            continue  # a mark on nothing (or on a space) shows as a stray dot or nothing
        else:
            kept.append(ch)
    words = ("".join(kept)).split()
    return " ".join(w for w in (word.strip(_JOINERS) for word in words) if w)


def plain_text(text: str) -> str:
    """One line of plain text: tags removed, invisible characters and bidi controls
    removed, whitespace collapsed. Entities stay exactly as typed: `&lt;b&gt;` is stored
    as those eight characters (never turned into markup); templates escape on output."""
    raw = _CONTROLS.sub("", _DROP_WITH_CONTENT.sub("", str(text or "")))
    # `&` is escaped first so bleach reads every typed entity as text; its output is then
    # a serialisation of exactly the text kept, which unescape() turns back into it.
    stripped = bleach.clean(raw.replace("&", "&amp;"), tags=set(), strip=True, strip_comments=True)
    return _visible_chars(html.unescape(stripped))


def has_visible_text(text: str) -> bool:
    """Whether `text` holds at least one visible letter or digit."""
    return any(
        unicodedata.category(ch)[0] in "LN" and ch not in _BLANK_LETTERS for ch in text or ""
    )


def plain_title(text: str) -> str:
    """A title, a name: plain_text() that must show letters or digits; "" when it shows
    none (so the caller's «write a title» refusal answers zero-width-only, filler-only or
    punctuation-only input)."""
    title = plain_text(text)
    return title if has_visible_text(title) else ""


def html_to_text(html_text: str) -> str:
    """The words of a sanitised body, for search and similarity (entities decoded)."""
    spaced = re.sub(r"<(br|/p|/li)\b[^>]*>", " ", html_text or "")
    stripped = bleach.clean(
        _CONTROLS.sub("", _DROP_WITH_CONTENT.sub("", spaced)),
        tags=set(),
        strip=True,
        strip_comments=True,
    )
    return _visible_chars(html.unescape(stripped))
