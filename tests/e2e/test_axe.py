"""axe-core on every page of the README's page table, as each role that sees it.

axe-core comes from the npm registry (scripts/fetch-axe, run by `make setup`) into a
gitignored folder and is added to each page as an init script: nothing is loaded from another
host. A page fails on any violation axe rates `serious` or `critical`; the failure lists them.
"""

import json
from pathlib import Path

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
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " + n.failureSummary),
    count: v.nodes.length,
  }));
}"""


def axe_source() -> str:
    if not AXE.is_file():
        pytest.fail(f"axe-core is missing ({AXE}): run scripts/fetch-axe (or make setup)")
    return AXE.read_text()


def violations_on(page, path: str) -> list[dict]:
    response = page.goto(path)
    assert response is not None, path
    assert response.status < 400, (path, response.status)
    page.wait_for_load_state("load")
    found = page.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in BLOCKING]


def test_the_walk_covers_the_readme_table(db, demo_site):
    # Asking for `db` makes pytest create the test database this module's walk reads.
    visited = {as_pattern(path) for paths in demo_site.pages.values() for path in paths}
    missing = [path for path in readme_page_patterns() if path not in visited]
    assert not missing, missing


@pytest.mark.parametrize("role", list(ROLES))
def test_no_serious_or_critical_violations(browser, demo_site, role):
    source = axe_source()
    context, page = signed_in_context(browser, demo_site.live, role)
    context.add_init_script(source)
    failures = {}
    try:
        for path in demo_site.pages[role]:
            found = violations_on(page, path)
            if found:
                failures[path] = found
                shot(page, f"axe-{role}-{path}")
    finally:
        context.close()
    assert not failures, json.dumps(failures, ensure_ascii=False, indent=1)
