"""Budget figures in templates: ``{% load budget_pages %}``.

Money is stored in whole rials; `money` shows it in rials or tomans (settings.BUDGET_CURRENCY;
a toman is ten rials) with Persian digits and the Persian thousands separator
(«۱۲٬۳۴۰٬۰۰۰ ریال»), and `money_short` compactly («۱۲٫۳ میلیارد ریال») with the exact amount
in its title. `three_figures` draws a row's money spent %, physical progress % and indicator
realisation % as bars (backend.charts.figure_bars_svg) with the published gap rule's
thresholds marked; `flag_text` says a gap flag in words. Nothing here raises while a page
renders: what cannot be read shows as «—»."""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template
from django.utils import translation
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, get_language_bidi, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from backend.charts import figure_bars_svg
from backend.persian import to_persian_digits
from budget import figures, selectors
from budget.models import FinancingSource, Project
from frontend.templatetags.monitoring_pages import pct
from monitoring.selectors import jalali_year
from planning.models import PlanItem

register = template.Library()

UNKNOWN = "—"
MINUS = "−"  # U+2212, as the monitoring pages write a negative share
LRI, PDI = "\u2066", "\u2069"  # keep «−۱۲٬۰۰۰» in that order inside right-to-left text
TOMAN = 10  # rials

SPENT_COLOUR, PHYSICAL_COLOUR, RESULT_COLOUR = "#b35c00", "#1f5c99", "#0f6e5e"

# The compact units, largest first: (rials or tomans, Persian word).
SCALES = [
    (10**12, gettext_lazy("هزار میلیارد")),
    (10**9, gettext_lazy("میلیارد")),
    (10**6, gettext_lazy("میلیون")),
]

FLAG_TEXTS = {
    figures.MONEY_AHEAD_OF_RESULTS: gettext_lazy(
        "پول جلوتر از نتیجه: %(spent)s اعتبار هزینه شده ولی تحقق شاخص‌ها %(value)s است "
        "(کمتر از %(result)s)."
    ),
    figures.MONEY_AHEAD_OF_WORK: gettext_lazy(
        "پول جلوتر از کار: %(spent)s اعتبار هزینه شده ولی پیشرفت فیزیکی %(value)s است "
        "(کمتر از %(result)s)."
    ),
}
FLAG_FIGURE = {
    figures.MONEY_AHEAD_OF_RESULTS: "realisation",
    figures.MONEY_AHEAD_OF_WORK: "physical",
}


def _persian() -> bool:
    language = get_language()
    return not language or language.startswith("fa")


def _digits(text: str) -> str:
    return to_persian_digits(text) if _persian() else text


@functools.lru_cache(maxsize=32)
def _words(language: str, toman: bool) -> tuple[str, tuple[tuple[int, str], ...]]:
    """The unit word and the compact scales' words in a language, translated once (an
    amount on a busy page would otherwise look each of them up again)."""
    with translation.override(language):
        unit = _("تومان") if toman else _("ریال")
        return unit, tuple((scale, str(word)) for scale, word in SCALES)


class _Style:
    """How amounts are written on this request's page, read once per amount: the digits
    (Persian or Latin), the currency and its unit word, the decimal mark."""

    __slots__ = ("persian", "toman", "unit", "mark", "scales")

    def __init__(self) -> None:
        language = get_language() or "fa"
        self.persian = language.startswith("fa")
        self.toman = selectors.currency() == "toman"
        self.unit, self.scales = _words(language, self.toman)
        self.mark = "٫" if self.persian else "."

    def digits(self, text: str) -> str:
        return to_persian_digits(text) if self.persian else text

    def grouped(self, number: int) -> str:
        """A non-negative whole number with thousands grouped: «۱۲٬۳۴۰» (12,340 in English)."""
        text = f"{number:,}"
        return to_persian_digits(text.replace(",", "٬")) if self.persian else text

    def signed(self, body: str, negative: bool) -> str:
        if not negative:
            return body
        return f"{LRI}{MINUS}{body}{PDI}" if self.persian else f"-{body}"


def _signed(body: str, negative: bool) -> str:
    return _Style().signed(body, negative)


def _rials(value: Any) -> int | None:
    if isinstance(value, bool) or value in (None, ""):
        return None
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or number != number.to_integral_value():
        return None
    return int(number)


def _decimal_mark() -> str:
    return "٫" if _persian() else "."


def money_text(rials: int, style: _Style | None = None) -> str:
    """The exact amount in the page's currency, with its unit."""
    style = style or _Style()
    whole, tenth = abs(rials), 0
    if style.toman:
        whole, tenth = divmod(whole, TOMAN)
    body = style.grouped(whole) + (f"{style.mark}{style.digits(str(tenth))}" if tenth else "")
    return f"{style.signed(body, rials < 0)} {style.unit}"


@register.filter
def money(value: Any) -> str:
    """Whole rials as «۱۲٬۳۴۰٬۰۰۰ ریال» (or «۱٬۲۳۴٬۰۰۰ تومان»); «—» when unknown."""
    rials = _rials(value)
    return UNKNOWN if rials is None else money_text(rials)


def _tenths(amount: int, unit: int) -> int:
    return (amount * 10 + unit // 2) // unit


def _compact(rials: int, style: _Style | None = None) -> str | None:
    """«۱۲٫۳ میلیارد ریال» for amounts of a million units and more, else None: the largest
    unit the amount reaches, rounded half up to one decimal in integers (never a float); a
    rounding that reaches a thousand of a unit («۱٬۰۰۰ میلیون») is said in the next one."""
    style = style or _Style()
    amount, per_unit = abs(rials), TOMAN if style.toman else 1
    for index, (scale, word) in enumerate(style.scales):
        if amount < scale * per_unit:
            continue
        tenths = _tenths(amount, scale * per_unit)
        if tenths >= 10_000 and index > 0:
            scale, word = style.scales[index - 1]
            tenths = _tenths(amount, scale * per_unit)
        whole, tenth = divmod(tenths, 10)
        body = style.grouped(whole) + (f"{style.mark}{style.digits(str(tenth))}" if tenth else "")
        return f"{style.signed(body, rials < 0)} {word} {style.unit}"
    return None


@register.filter
def money_short(value: Any) -> SafeString | str:
    """A compact amount for a phone («۲٫۹ میلیارد ریال») in a <data> element whose value is
    the rials and whose title is the exact amount; small amounts stay exact. (Every part is
    digits, signs and the unit words of our own catalogue, escaped once.)"""
    rials = _rials(value)
    if rials is None:
        return UNKNOWN
    style = _Style()
    exact = escape(money_text(rials, style))
    short = _compact(rials, style)
    if short is None:
        return mark_safe(f'<data class="money" value="{rials}">{exact}</data>')  # noqa: S308
    return mark_safe(  # noqa: S308 - escaped above
        f'<data class="money" value="{rials}" title="{exact}" aria-label="{exact}">'
        f"{escape(short)}</data>"
    )


@register.filter
def share_pct(points: Any) -> str:
    """A share in basis points (3750) as a percentage («۳۷٫۵٪»)."""
    if isinstance(points, bool) or not isinstance(points, int):
        return UNKNOWN
    whole, rest = divmod(points, 100)
    text = str(whole) + (f".{rest:02d}".rstrip("0") if rest else "")
    return _digits(text).replace(".", _decimal_mark()) + ("٪" if _persian() else "%")


@register.filter
def change_pct(value: Any) -> str:
    """A change (a fraction, «0.1500») as «+۱۵٪» or «−۱۵٪»; «—» with nothing to compare."""
    if value in (None, ""):
        return UNKNOWN
    try:
        number = (Decimal(str(value)) * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return UNKNOWN
    body = _digits(str(abs(number))) + ("٪" if _persian() else "%")
    if number > 0:
        return f"{LRI}+{body}{PDI}" if _persian() else f"+{body}"
    return _signed(body, number < 0)


@register.filter
def figure_pct(value: Any) -> str:
    """A share as a percentage, «نامعلوم» when it is not known (missing is not zero)."""
    return _("نامعلوم") if value in (None, "") else pct(value)


@register.filter
def progress_pct(value: Any) -> str:
    """A project's physical progress, stored in percent (0–100), as «۴۵٪»."""
    if value in (None, ""):
        return UNKNOWN
    try:
        return pct(Decimal(str(value)) / 100)
    except InvalidOperation:
        return UNKNOWN


@register.filter
def project_status(value: Any) -> str:
    try:
        return str(Project.Status(value).label)
    except ValueError:
        return str(value or UNKNOWN)


@register.filter
def item_kind(value: Any) -> str:
    try:
        return str(PlanItem.Kind(value).label)
    except ValueError:
        return str(value or UNKNOWN)


@register.filter
def source_label(value: Any) -> str:
    try:
        return str(FinancingSource(value).label)
    except ValueError:
        return str(value or UNKNOWN)


def _fraction(value: Any) -> float | None:
    """A stored share for drawing only (the figure shown is the exact text)."""
    if value in (None, ""):
        return None
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


@register.simple_tag
def three_figures(row: dict[str, Any], title: str = "") -> SafeString:
    """The three figures of a plan item or group as bars, each with its number; the dashed
    line on each bar is the gap rule's threshold for that figure."""
    rule = selectors.gap_rule()
    spent_mark = _("آستانه‌ی هزینه در قاعده‌ی هشدار: %(p)s") % {"p": pct(rule["spent"])}
    result_mark = _("آستانه‌ی نتیجه در قاعده‌ی هشدار: %(p)s") % {"p": pct(rule["result"])}
    shown = [
        (_("پول هزینه‌شده"), "spent", SPENT_COLOUR, rule["spent"], spent_mark),
        (_("پیشرفت فیزیکی"), "physical", PHYSICAL_COLOUR, rule["result"], result_mark),
        (_("تحقق شاخص‌ها"), "realisation", RESULT_COLOUR, rule["result"], result_mark),
    ]
    rows = [
        {
            "label": label,
            "value": _fraction(row.get(key)),
            "text": figure_pct(row.get(key)),
            "colour": colour,
            "mark": float(mark),
            "mark_title": mark_title,
        }
        for label, key, colour, mark, mark_title in shown
    ]
    return mark_safe(figure_bars_svg(rows, title=title, rtl=get_language_bidi()))  # noqa: S308


def _html(message: str, **values: Any) -> SafeString:
    """A translated message with %(name)s placeholders, escaped, its values filled in
    (each escaped unless it is already safe HTML, like money_short's)."""
    return mark_safe(  # noqa: S308 - the message and every value are escaped
        conditional_escape(message) % {key: conditional_escape(v) for key, v in values.items()}
    )


@register.simple_tag
def figures_block(row: dict[str, Any], title: str = "", testid: str = "figures") -> SafeString:
    """A row's three figures side by side (bars with numbers), its money and its gap flags:
    what a plan item, goal or group shows. Written here rather than in an included template
    because a goal's page shows dozens of rows and this is the page's hot loop."""
    money = row.get("money") or {}
    parts = [
        _html(
            _("هزینه‌شده %(spent)s از %(current)s اعتبار جاری"),
            spent=money_short(money.get("spent")),
            current=money_short(money.get("current")),
        )
    ]
    if money.get("planned"):
        parts.append(_html(_("پیش‌بینی برنامه %(planned)s"), planned=money_short(money["planned"])))
    projects = row.get("projects") or 0
    if projects:
        shown = _Style().digits(str(projects))
        text = _html(ngettext("%(shown)s پروژه", "%(shown)s پروژه", projects), shown=shown)
        if row.get("projects_counted") != projects:
            counted = _Style().digits(str(row.get("projects_counted") or 0))
            note = _("(%(c)s در میانگین پیشرفت؛ لغوشده‌ها بیرون)")
            text = mark_safe(f"{text} {_html(note, c=counted)}")  # noqa: S308 - both escaped
        parts.append(text)
    spans = "".join(f"<span>{part}</span>" for part in parts)
    flags = ""
    if row.get("flags"):
        flags = (
            '<ul class="bud-flags">'
            + "".join(
                f'<li class="bud-flag" data-testid="gap-flag" data-flag="{escape(flag)}">'
                f"{escape(flag_text(flag, row))}</li>"
                for flag in row["flags"]
            )
            + "</ul>"
        )
    return mark_safe(  # noqa: S308 - every part above is escaped
        f'<div class="bud-figures" data-testid="{escape(testid)}">'
        f"{three_figures(row, title)}"
        f'<p class="bud-money bud-meta small" data-testid="money">{spans}</p>{flags}</div>'
    )


@register.simple_tag
def progress_bar(percent: Any, title: str = "") -> SafeString:
    """One project's physical progress (stored in percent, 0–100) as a bar."""
    value = _fraction(percent)
    share = None if value is None else value / 100
    text = progress_pct(percent)
    row = {"label": _("پیشرفت فیزیکی"), "value": share, "text": text, "colour": PHYSICAL_COLOUR}
    return mark_safe(figure_bars_svg([row], title=title, rtl=get_language_bidi()))  # noqa: S308


@register.simple_tag
def flag_text(flag: str, row: dict[str, Any]) -> str:
    """A gap flag in words, with the figures that raised it and the rule's threshold."""
    rule = selectors.gap_rule()
    template_text = FLAG_TEXTS.get(flag)
    if template_text is None:
        return str(flag)
    return str(template_text) % {
        "spent": pct(row.get("spent")),
        "value": pct(row.get(FLAG_FIGURE[flag])),
        "result": pct(rule["result"]),
    }


@register.simple_tag
def scheme_projects(scheme: Any) -> dict[str, Any]:
    """A scheme's projects year by year (the newest first) for its plan item page, and the
    current Jalali year within the plan's years. One query."""
    return {"year": jalali_year(scheme.plan), "projects": selectors.scheme_projects(scheme)}
