"""The pages are set in Vazirmatn, served from our own static files, in both languages."""

import importlib
import re

from django.apps import apps
from playwright.sync_api import expect

from tests.e2e.helpers import shot


def _loaded_faces(page) -> list[str]:
    page.evaluate("document.fonts.ready")
    return page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )


_defaults = importlib.import_module("moderation.migrations.0003_default_rules")


def test_persian_and_english_pages_use_the_shipped_typeface(page, live):
    # Other browser tests empty the tables after them; the published rules come back here.
    _defaults.create_rules(apps, None)
    fonts = []
    page.on("request", lambda r: fonts.append(r.url) if re.search(r"\.woff2", r.url) else None)
    page.goto(f"{live}/rules/")
    expect(page.locator("h1")).to_be_visible()
    assert any("Vazirmatn" in family for family in _loaded_faces(page))
    assert fonts
    assert all(url.startswith(live) for url in fonts)  # never another host
    shot(page, "fonts-rules-fa")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live}])
    page.goto(f"{live}/rules/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert any("Vazirmatn" in family for family in _loaded_faces(page))
    shot(page, "fonts-rules-en")
    # Persian text in the English interface keeps its own direction: a rule's Persian title
    # ends at the card's right edge, its punctuation where it belongs.
    title = page.locator("h2", has_text="بدون تهمت").first
    assert title.evaluate("el => getComputedStyle(el).unicodeBidi") == "plaintext"
    box = title.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el);"
        " const t = r.getBoundingClientRect(), c = el.getBoundingClientRect();"
        " return {gapRight: c.right - t.right, gapLeft: t.left - c.left}; }"
    )
    assert box["gapRight"] < box["gapLeft"], box
