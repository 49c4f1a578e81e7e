"""A problem of a list, drawn in Python: `{% problem_row problem %}`.

The problem list (and a search's page) draws 20 rows; as an included template each cost
~0.3 ms, most of it the include itself, a `{% url %}` per row and the date filters. The
markup is the one the template had."""

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from backend.templatetags.persian import fa_digits, jdate

register = template.Library()

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
    supports = escape(fa_digits(problem.supports_count))
    comments = escape(fa_digits(problem.comments_count))
    moment = problem.created_at
    iso = (timezone.localtime(moment) if timezone.is_aware(moment) else moment).isoformat()
    meta = [
        '<span class="count supports-inline">'
        f"{gettext('%(n)s نفر این مسئله را دارند') % {'n': supports}}</span>",
        f'<span class="count">{gettext("%(n)s نظر") % {"n": comments}}</span>',
        f"<span>{escape(problem.author.public_name)}</span>",
        f'<time datetime="{iso}">{escape(jdate(moment))}</time>',
    ]
    url = escape(_problem_url(context, problem.pk))
    return mark_safe(  # noqa: S308 — every value is escaped
        '<li class="problem-row card" data-testid="problem-row">\n'
        f'  <h3><a dir="auto" href="{url}">{escape(problem.title)}</a></h3>\n'
        '  <p class="tags">\n    ' + "\n    ".join(tags) + "\n  </p>\n"
        '  <p class="meta">\n    ' + "\n    ".join(meta) + "\n  </p>\n"
        f'  <p class="row-count"><strong>{supports}</strong> '
        f"<span>{escape(gettext('پشتیبان'))}</span></p>\n"
        "</li>"
    )
