"""The problem pages' select options, drawn in Python: `{% plan_options plans chosen %}` and
`{% options_by_city rows "title" chosen %}`.

The search page draws every plan, and the chosen city's axes and districts, as options on
every request; as template loops (a `{% regroup %}`, an `{% if %}` and a filter per option)
they cost ~2 ms of a page. The markup is the one the template had."""

from itertools import groupby

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

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
