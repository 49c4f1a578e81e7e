"""The pages are set in Vazirmatn, served from our own static files, in both languages."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import shot


def _loaded_faces(page) -> list[str]:
    page.evaluate("document.fonts.ready")
    return page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )


def test_persian_and_english_pages_use_the_shipped_typeface(page, live):
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
