"""`{% form_token %}`: a one-time token in a creating form, so a double tap or a browser
retry makes one row (idempotency.middleware)."""

import secrets

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def form_token() -> str:
    return format_html(
        '<input type="hidden" name="form_token" value="{}">', secrets.token_urlsafe(24)
    )
