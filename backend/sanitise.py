"""The one sanitising policy for user text, applied on the way in.

Bodies keep a small set of formatting tags; links get rel="nofollow ugc noopener"; every
other tag is removed with its markup (its text stays), and scripts and styles go entirely.
Titles and other one-line fields are plain text.
"""

import re

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


def plain_text(text: str) -> str:
    """One line of plain text: tags removed, entities kept as typed, whitespace collapsed."""
    stripped = bleach.clean(
        _DROP_WITH_CONTENT.sub("", str(text or "")), tags=set(), strip=True, strip_comments=True
    )
    # bleach escapes &, < and > in what it keeps; templates escape again on output.
    stripped = stripped.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    return " ".join(stripped.split())


def html_to_text(html: str) -> str:
    """The words of a sanitised body, for search and similarity."""
    return plain_text(re.sub(r"<(br|/p|/li)\b[^>]*>", " ", html or ""))
