"""The admin speaks Persian: every registered model's changelist and change page, as a
superuser on the demo data, has Persian column headers and field labels, Jalali dates only,
and problem text rendered (sanitised) rather than shown as raw tags. The demo is the one
tests/conftest.py loads once for every test that reads it (`demo_once`)."""

import html
import re

from django.contrib import admin
from django.urls import reverse

PERSIAN = re.compile(r"[\u0600-\u06FF]")
# A Gregorian date: a year (Jalali years here are 13xx/14xx) with its month, either way
# round, or an English month name. A lone number is not one: objects are named by their
# keys («2074 → 1081»), and the keys reach 19xx and 20xx in a long test run.
GREGORIAN = re.compile(
    r"\b(19|20)\d\d[-/.]\d{1,2}\b|\b\d{1,2}[-/.]\d{1,2}[-/.](19|20)\d\d\b"
    r"|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d",
)
# Labels that are proper names or codes in every language.
NEUTRAL = {"ID", "Open311", "URL", "SMS", "CSV", "XLSX", "JSON", "API"}


def admin_urls():
    urls = []
    for model in sorted(admin.site._registry, key=lambda m: m._meta.label):  # noqa: SLF001
        opts = model._meta
        urls.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk])
            )
    return urls


def _english_only(text: str) -> bool:
    text = " ".join(text.split())
    return bool(text) and not PERSIAN.search(text) and text.strip(":* ") not in NEUTRAL


TAG = re.compile(r"<[^>]+>")
HIDDEN = re.compile(
    r"<(script|select|textarea|template)\b.*?</\1>|<input\b[^>]*>|<[^>]*\bhidden\b[^>]*>[^<]*"
    # A read-only JSON column shows its data as stored (ISO timestamps included).
    r'|<div class="readonly">\s*[\[{].*?</div>',
    re.DOTALL,
)


def _text(fragment: str) -> str:
    return html.unescape(TAG.sub(" ", fragment))


def problems_on(page: str) -> list[str]:
    content = page.split('id="content"', 1)[-1]
    found = []
    head = re.search(r'<table id="result_list">\s*<thead>(.*?)</thead>', content, re.DOTALL)
    for th in re.findall(r"<th\b([^>]*)>(.*?)</th>", head.group(1) if head else "", re.DOTALL):
        label = _text(th[1])
        if "action-checkbox-column" not in th[0] and _english_only(label):
            found.append(f"column «{' '.join(label.split())}»")
    # Field labels, and the headings of fieldsets and inlines (not the object's own name).
    labels = re.findall(r"<label\b[^>]*>(.*?)</label>", content, re.DOTALL)
    labels += re.findall(r'<h2\b[^>]*class="[^"]*heading[^"]*"[^>]*>(.*?)</h2>', content, re.DOTALL)
    for inner in labels:
        if _english_only(_text(inner)):
            found.append(f"label «{' '.join(_text(inner).split())}»")
    shown = HIDDEN.sub(" ", content)
    visible = " ".join(_text(shown).split())
    for match in GREGORIAN.finditer(visible):
        found.append(f"Gregorian date «{visible[max(0, match.start() - 30) : match.end() + 10]}»")
    if re.search(r"&lt;/?(p|strong|em|ul|li)&gt;", shown):
        found.append("raw HTML tags shown as text")
    return found


def test_every_admin_page_is_persian(admin_client, demo_once):
    failures = {}
    for url in admin_urls():
        response = admin_client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        found = problems_on(response.content.decode())
        if found:
            failures[url] = sorted(set(found))
    assert not failures, "\n".join(f"{url}: {found}" for url, found in failures.items())


def test_problem_text_is_rendered_not_escaped(admin_client, demo_once):
    from participation.models import Problem

    problem = Problem.objects.filter(body__contains="<p>").order_by("pk").first()
    assert problem is not None
    response = admin_client.get(reverse("admin:participation_problem_change", args=[problem.pk]))
    html = response.content.decode()
    assert "&lt;p&gt;" not in html
    assert "<p>" in html
