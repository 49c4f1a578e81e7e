"""A problem of a list, drawn in Python: `{% problem_row problem %}`.

The problem list (and a search's page) draws 20 rows; as an included template each cost
~0.3 ms, most of it the include itself, a `{% url %}` per row and the date filters. The
markup is the one the template had."""

from django import template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from frontend.drawing import drawing

register = template.Library()

HAVE = gettext_lazy("%(n)s نفر این مسئله را دارند")
SAID = gettext_lazy("%(n)s نظر")
SUPPORTERS = gettext_lazy("پشتیبان")
_MARK = 999_999_937  # a stand-in key: the problem URL is made once per page, then filled in


def _problem_url(context, pk: int) -> str:
    made = context.render_context.get("problem_row_url")
    if made is None:
        made = reverse("frontend:problem", args=[_MARK])
        context.render_context["problem_row_url"] = made
    return made.replace(str(_MARK), str(pk))


@register.simple_tag(takes_context=True)
def problem_row(context, problem) -> SafeString:
    escape = conditional_escape
    page = drawing(context)
    tags = []
    if not problem.is_published:
        state = escape(problem.moderation_state)
        label = escape(problem.get_moderation_state_display())
        tags.append(f'<span class="state state-{state}">{label}</span>')
    if problem.axis:
        tags.append(f'<span class="tag">{escape(problem.axis.title)}</span>')
    if problem.district:
        tags.append(f'<span class="tag tag-place">{escape(problem.district.name)}</span>')
    tags.append(f'<span class="tag tag-city">{escape(problem.plan.city.name)}</span>')
    supports = escape(page.digits(problem.supports_count))
    comments = escape(page.digits(problem.comments_count))
    moment = problem.created_at
    have, said = page.label("have", HAVE), page.label("said", SAID)
    meta = [
        f'<span class="count supports-inline">{have % {"n": supports}}</span>',
        f'<span class="count">{said % {"n": comments}}</span>',
        f"<span>{escape(page.public_name(problem.author))}</span>",
        f'<time datetime="{page.iso(moment)}">{escape(page.jalali_day(moment))}</time>',
    ]
    url = escape(_problem_url(context, problem.pk))
    return mark_safe(  # noqa: S308 — every value is escaped
        '<li class="problem-row card" data-testid="problem-row">\n'
        f'  <h3><a dir="auto" href="{url}">{escape(problem.title)}</a></h3>\n'
        '  <p class="tags">\n    ' + "\n    ".join(tags) + "\n  </p>\n"
        '  <p class="meta">\n    ' + "\n    ".join(meta) + "\n  </p>\n"
        f'  <p class="row-count"><strong>{supports}</strong> '
        f"<span>{escape(page.label('supporters', SUPPORTERS))}</span></p>\n"
        "</li>"
    )
