"""User text keeps its own direction in both interfaces.

Every page template is read and each place that prints something a person wrote — a title,
a body, a name, a statement, a note — must sit in an element that takes its direction from
that text: a <bdi>, an element with dir="auto", or one of the block elements the English
interface sets to `unicode-bidi: plaintext` (app.css: h1–h4, p, li, td, th, dt, dd,
blockquote, figcaption, summary), whose first letter decides, or — in a translated
sentence — a value passed through the `bdi` filter. Text in an attribute (value,
aria-label, title) is not displayed text and is skipped.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = sorted(
    [*ROOT.glob("frontend/templates/**/*.html"), *ROOT.glob("open311/templates/**/*.html")]
)
# The last part of a variable that holds what a person wrote.
USER_TEXT = re.compile(
    r"\{\{\s*([\w.]*?\b(title|body|name|display_name|description|statement|public_note|"
    r"message|excerpt|terms)\b)(\s*\|[^}]*)?\s*\}\}"
)
# Not user text: our own names and labels that happen to share a word.
OURS = re.compile(
    r"(get_\w+_display|\.label|verbose_name|field\.name|site_name|url_name|\bcity\.name|"
    r"district\.name|axis\.title|committee\.title|plan\.title|rule\.title|r\.title|"
    r"kind_title|version\.title|item\.title|entry\.title|term\.|month\.name|year\.name)"
)
ISOLATING = {
    "bdi",
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "li",
    "td",
    "th",
    "dt",
    "dd",
    "blockquote",
    "figcaption",
    "summary",
    "textarea",
    "option",
    "title",
}
VOID = {"br", "img", "input", "meta", "link", "hr", "source", "wbr", "col", "area", "base"}
TAG = re.compile(r"<(/?)([a-zA-Z][\w-]*)([^>]*)>")


def _open_elements(text: str) -> list[tuple[str, str]]:
    """The elements open at the end of `text` (name, attributes), outermost first."""
    stack: list[tuple[str, str]] = []
    for closing, name, attrs in TAG.findall(text):
        name = name.lower()
        if name in VOID or attrs.rstrip().endswith("/"):
            continue
        if closing:
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == name:
                    del stack[depth:]
                    break
        else:
            stack.append((name, attrs))
    return stack


def _in_attribute(text: str) -> bool:
    """Whether the end of `text` is inside a tag (an attribute value)."""
    return text.rfind("<") > text.rfind(">")


def _isolated_by_bdi_filter(before: str, expression: str) -> bool:
    """Inside `{% blocktranslate with name=…|bdi %}`: the value comes wrapped in <bdi>
    (backend.templatetags.persian.bdi), so the sentence's markup is left as translated."""
    start = before.rfind("{% blocktranslate")
    if start < 0 or "{% endblocktranslate" in before[start:]:
        return False
    head = before[start : before.index("%}", start)]
    return re.search(rf"\b{re.escape(expression)}=\S+\|bdi\b", head) is not None


def unisolated(template: Path) -> list[str]:
    source = template.read_text()
    # Template comments and tags cannot hold markup that matters here.
    source = re.sub(r"\{#.*?#\}", lambda m: " " * len(m.group(0)), source, flags=re.DOTALL)
    misses = []
    for match in USER_TEXT.finditer(source):
        expression = match.group(1)
        if OURS.search(match.group(0)):
            continue
        before = source[: match.start()]
        if _in_attribute(before) or _isolated_by_bdi_filter(before, expression):
            continue
        stack = _open_elements(before)
        if not stack:
            continue  # a partial's top level: its includer's element decides
        name, attrs = stack[-1]
        if name in ISOLATING or re.search(r'\bdir="auto"', attrs):
            continue
        line = source.count("\n", 0, match.start()) + 1
        misses.append(f"{template.relative_to(ROOT)}:{line} {{{{ {expression} }}}} in <{name}>")
    return misses


def test_every_template_isolates_user_text():
    misses = [miss for template in TEMPLATES for miss in unisolated(template)]
    assert not misses, "\n".join(misses)


def test_bdi_filter_escapes_and_isolates_a_name_in_a_sentence():
    from django.template import Context, Template
    from django.utils import translation

    template = Template(
        "{% load i18n %}{% blocktranslate with name=org|bdi trimmed %}"
        "از طرف {{ name }}{% endblocktranslate %}"
    )
    with translation.override("en"):
        html = template.render(Context({"org": "انجمن <سبز>"}))
    assert "<bdi>انجمن &lt;سبز&gt;</bdi>" in html
    assert Template("{{ v|bdi }}").render(Context({"v": ""})) == ""
