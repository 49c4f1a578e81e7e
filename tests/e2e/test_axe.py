"""Every page of the README's page table, as each role that sees it, on the demo:

- axe-core finds no `serious` or `critical` violation (the failure lists them);
- no page asks any host but ours for anything;
- charts and the priority formula are legible on a 390 px phone.

axe-core comes from the npm registry (scripts/fetch-axe, run by `make setup`) into a
gitignored folder and is added to each page as an init script: nothing is loaded from another
host. The demo is loaded once for the module (tests/e2e/pages.py); each role's pages are
walked once, and both the axe test and the other-host test read that walk.
"""

import json
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e import pages
from tests.e2e.helpers import shot
from tests.e2e.pages import ROLES, as_pattern, readme_page_patterns, signed_in_context

demo_site = pages.demo_site

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}

RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary),
  }));
}"""

_walks: dict[str, dict] = {}


def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing ({AXE}): run scripts/fetch-axe (or make setup)")
    return AXE.read_text()


def walk(browser, site, role: str) -> dict:
    """Visit every page of `role` once: axe's blocking violations and every request's
    host, per page. Kept for the module, so the tests below share one walk per role."""
    if role in _walks:
        return _walks[role]
    source = axe_source()
    context, page = signed_in_context(browser, site.live, role)
    ours = urlsplit(site.live).netloc
    foreign: dict[str, list[str]] = {}
    current = {"path": "(sign-in)"}

    def record(request):
        host = urlsplit(request.url).netloc
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and host != ours:
            foreign.setdefault(current["path"], []).append(request.url)

    page.on("request", record)
    context.add_init_script(source)
    violations = {}
    try:
        for path in site.pages[role]:
            current["path"] = path
            response = page.goto(path)
            assert response is not None, path
            assert response.status < 400, (path, response.status)
            found = [v for v in page.evaluate(RUN_AXE) if v["impact"] in BLOCKING]
            if found:
                violations[path] = found
                shot(page, f"axe-{role}-{path}")
    finally:
        context.close()
    _walks[role] = {"violations": violations, "foreign": foreign}
    return _walks[role]


def test_the_walk_covers_the_readme_table(db, demo_site):
    # Asking for `db` makes pytest create the test database this module's walk reads.
    visited = {as_pattern(path) for paths in demo_site.pages.values() for path in paths}
    missing = [path for path in readme_page_patterns() if path not in visited]
    assert not missing, missing


@pytest.mark.parametrize("role", list(ROLES))
def test_no_serious_or_critical_violations(browser, demo_site, role):
    violations = walk(browser, demo_site, role)["violations"]
    assert not violations, json.dumps(violations, ensure_ascii=False, indent=1)


@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_asks_another_host(browser, demo_site, role):
    foreign = walk(browser, demo_site, role)["foreign"]
    assert not foreign, json.dumps(foreign, ensure_ascii=False, indent=1)


# The size a text is drawn at on screen: its font size times the SVG's scale (a viewBox
# wider than the phone draws everything smaller, text included).
SHOWN_SIZES = """(selector) => [...document.querySelectorAll(selector)]
  .filter(el => el.getBoundingClientRect().height > 0)
  .map(el => ({text: el.textContent.trim().slice(0, 30),
               px: parseFloat(getComputedStyle(el).fontSize) * el.getScreenCTM().a}))"""


def test_charts_and_formula_are_legible_on_a_phone(browser, demo_site):
    """Chart labels render at least ~12 px tall at 390 px (an SVG scaled down with its
    viewBox shrinks its text), and the priority formula is Persian and wraps."""
    plan_id = demo_site.pages["visitor"][2].strip("/").split("/")[1]
    context, page = signed_in_context(browser, demo_site.live, "visitor")
    indicator = next(p for p in demo_site.pages["visitor"] if p.startswith("/indicators/"))
    try:
        for path in (f"/plans/{plan_id}/inventory/", indicator, f"/plans/{plan_id}/budget/"):
            page.goto(path)
            labels = page.evaluate(SHOWN_SIZES, "svg text")
            assert labels, f"no chart on {path}"
            small = [label for label in labels if label["px"] < 11.9]
            assert not small, (path, small[:5])
            shot(page, f"legible-{path}")
        page.goto(f"/plans/{plan_id}/inventory/")
        formula = page.get_by_test_id("formula-text")
        formula.scroll_into_view_if_needed()
        assert "امتیاز اولویت" in formula.inner_text()
        assert "severity" not in formula.inner_text()
        fits = formula.evaluate("el => el.scrollWidth <= el.clientWidth + 1")
        width = formula.evaluate("el => el.getBoundingClientRect().right")
        assert fits
        assert width <= 390
        shot(page, "legible-formula")
    finally:
        context.close()
