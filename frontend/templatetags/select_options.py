"""The problem pages' select options, drawn in Python: `{% plan_options plans chosen %}` and
`{% options_by_city rows "title" chosen %}`.

The search page draws every plan, and the chosen city's axes and districts, as options on
every request; as template loops (a `{% regroup %}`, an `{% if %}` and a filter per option)
they cost ~2 ms of a page. The markup is the one the template had."""

from itertools import groupby

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from frontend.drawing import drawing

register = template.Library()


def _options(rows, label, chosen: str) -> str:
    escape = conditional_escape
    return "".join(
        f'<option value="{row.pk}"{" selected" if str(row.pk) == chosen else ""}>'
        f"{escape(label(row))}</option>"
        for row in rows
    )


@register.simple_tag
def plan_options(plans, chosen) -> SafeString:
    """An option per plan, «city — title», the chosen one (a key as typed) selected."""
    drawn = _options(plans, lambda p: f"{p.city.name} — {p.title}", str(chosen or ""))
    return mark_safe(drawn)  # noqa: S308 — every value is escaped


@register.simple_tag
def options_by_city(rows, attribute: str, chosen) -> SafeString:
    """An optgroup per city (consecutive rows of one city, as `{% regroup %}` makes them),
    an option per row labelled by its `attribute`."""
    picked = str(chosen or "")
    groups = []
    for _city, members in groupby(rows, key=lambda row: row.city_id):
        members = list(members)
        name = conditional_escape(members[0].city.name)
        drawn = _options(members, lambda row: getattr(row, attribute), picked)
        groups.append(f'<optgroup label="{name}">{drawn}</optgroup>')
    return mark_safe("".join(groups))  # noqa: S308 — every value is escaped


SIMILAR_GROUP = gettext_lazy("مشابه این مسئله")
ALL_GROUP = gettext_lazy("همه‌ی مسائل فهرست")
LIKENESS = gettext_lazy("%(n)s٪ شبیه")


def _entry_option(entry, selected: bool, page) -> str:
    code = conditional_escape(page.digits(entry["code"]))
    mark = " selected" if selected else ""
    return f'<option value="{entry["id"]}"{mark}>{code} — {conditional_escape(entry["title"])}'


@register.simple_tag(takes_context=True)
def entry_options(context, suggestions, entries, chosen) -> SafeString:
    """An entry picker's options: the entries like this problem first (the first selected
    when nothing is chosen and it is at least half alike), then every entry of the plan.

    The triage board draws two pickers per problem, each with every entry: the second group
    is drawn once per page when nothing is chosen in it (the usual case), as the 40 rows ×
    2 pickers × every entry made most of the board's time."""
    page = drawing(context)
    picked = str(chosen or "")
    drawn = []
    if suggestions:
        options = []
        for n, s in enumerate(suggestions):
            chosen_here = picked == str(s["id"])
            first_alike = not picked and n == 0 and s["score"] >= 0.5
            percent = page.digits(round(float(s["score"]) * 100))
            likeness = page.label("likeness", LIKENESS) % {"n": percent}
            options.append(
                _entry_option(s, chosen_here or first_alike, page)
                + f" ({conditional_escape(likeness)})</option>"
            )
        label = conditional_escape(page.label("similar group", SIMILAR_GROUP))
        drawn.append(f'<optgroup label="{label}">{"".join(options)}</optgroup>')
    if entries:
        keys = {str(e["id"]) for e in entries} if picked else set()
        memo = context.render_context.dicts[0].setdefault("entry_options_all", {})
        key = (id(entries), picked if picked in keys else "")
        group = memo.get(key)
        if group is None:
            label = conditional_escape(page.label("all group", ALL_GROUP))
            options = "".join(
                _entry_option(e, picked == str(e["id"]), page) + "</option>" for e in entries
            )
            group = memo[key] = f'<optgroup label="{label}">{options}</optgroup>'
        drawn.append(group)
    return mark_safe("\n".join(drawn))  # noqa: S308 — every value is escaped
