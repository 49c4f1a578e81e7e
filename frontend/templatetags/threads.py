"""A comment of a thread, drawn in Python: `{% comment_article comment %}`.

A thread page draws up to a page of top-level comments with their replies (~30 on a busy
plan item). As an included template each one cost ~0.4 ms (a dozen nodes, the context
pushed and popped, two date filters, lazy labels): most of a plan item's page. The markup
is the same as it was; the report button, for a signed-in person the rules allow, still
comes from its template."""

from django import template
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from frontend.drawing import drawing

register = template.Library()

REPORT_BUTTON = "frontend/moderation/partials/report_button.html"
EXPERT_TITLE = gettext_lazy("نظر کارشناس تأییدشده")
EXPERT = gettext_lazy("کارشناس")


def _report_button(context, comment) -> str:
    """The «گزارش» button under someone else's published comment, for a signed-in person the
    rules allow (a visitor never: tests/frontend/test_comment_thread_visitor.py)."""
    user = context.get("user")
    if user is None or not user.is_authenticated or not user.has_perm("moderation.report", comment):
        return ""
    url = reverse("frontend:report", args=["comment", comment.pk])
    with context.push(comment=comment, report_url=url):
        return get_template(REPORT_BUTTON).template.render(context)


@register.simple_tag(takes_context=True)
def comment_article(context, comment) -> SafeString:
    escape = conditional_escape
    page = drawing(context)
    classes = "comment"
    if comment.is_expert:
        classes += " is-expert"
    published = comment.is_published
    if not published:
        classes += " is-unpublished"
    moment = comment.created_at
    head = [f'<strong class="author">{escape(page.public_name(comment.author))}</strong>']
    if comment.is_expert:
        title = escape(page.label("expert title", EXPERT_TITLE))
        badge = escape(page.label("expert", EXPERT))
        head.append(
            f'<span class="expert-badge" data-testid="expert-badge" title="{title}">{badge}</span>'
        )
    stance = escape(comment.stance)
    stance_label = escape(page.label(("stance", comment.stance), lambda: comment.stance_label))
    head.append(f'<span class="stance stance-{stance}">{stance_label}</span>')
    if not published:
        state = escape(comment.moderation_state)
        label = escape(comment.get_moderation_state_display())
        head.append(f'<span class="state state-{state}" data-testid="comment-state">{label}</span>')
    iso, shown = page.iso(moment), page.jalali_moment(moment)
    head.append(f'<time datetime="{iso}">{escape(shown)}</time>')
    return mark_safe(  # noqa: S308 — every value above is escaped; the body is sanitised HTML
        f'<article class="{classes}" id="comment-{comment.pk}" data-testid="comment">\n'
        f'  <header class="comment-head">\n    {chr(10).join("    " + h for h in head).lstrip()}\n'
        "  </header>\n"
        f'  <div dir="auto" class="prose">{comment.body}</div>\n'
        f"  {_report_button(context, comment)}\n"
        "</article>"
    )
