"""The budget pages in the English UI: left to right, Latin digits, no Persian left in their
own chrome (headings, labels, buttons, navigation) nor in the bars' labels. Every title here
is Latin, so an Arabic-script letter in the chrome is a string missing from the catalogue."""

import re
from types import SimpleNamespace

import pytest

from budget import services
from tests.factories import (
    CityFactory,
    PlanFactory,
    PlanItemFactory,
    StaffRoleFactory,
    UserFactory,
)
from tests.frontend.test_pages_english import (
    ARABIC_LETTERS,
    ARABIC_SCRIPT,
    LANGUAGE_ENDONYM,
    LTR_ENGLISH,
    chrome_text,
)

pytestmark = pytest.mark.django_db
YEAR = 1404


@pytest.fixture
def site():
    city = CityFactory(slug="westbridge", name="Westbridge")
    planner = StaffRoleFactory(
        city=city, role="planner", user=UserFactory(display_name="Pat Planner")
    ).user
    plan = PlanFactory(city=city, title="Second Five-Year Plan")
    goal = PlanItemFactory(plan=plan, code="1", kind="goal", title="Better mobility")
    strategy = PlanItemFactory(plan=plan, parent=goal, code="1.1", kind="strategy", title="Buses")
    policy = PlanItemFactory(plan=plan, parent=strategy, code="1.1.1", kind="policy", title="BRT")
    scheme = PlanItemFactory(plan=plan, parent=policy, code="1.1.1.1", kind="project", title="L1")
    project = services.project_create(
        actor=planner,
        plan=plan,
        scheme=scheme,
        year=YEAR,
        code="P1",
        title="Line one stations",
        planned_cost=9 * 10**9,
        responsible_unit="Transport office",
        planned_start="1404/01/15",
    )
    step = services.milestone_add(
        actor=planner, project=project, title="Design", due_on="1404/03/01"
    )
    services.milestone_add(actor=planner, project=project, title="Build")
    services.milestone_update(actor=planner, milestone=step, done_on="1404/02/28")
    line = services.line_create(
        actor=planner,
        city=city,
        year=YEAR,
        code="100",
        title="Bus lanes",
        approved=10**10,
        spent=96 * 10**8,
    )
    services.line_create(actor=planner, city=city, year=YEAR, code="300", title="Parks", approved=7)
    services.funding_set(actor=planner, line=line, project=project, share="100")
    return SimpleNamespace(
        city=city, planner=planner, plan=plan, goal=goal, scheme=scheme, project=project
    )


def pages(site) -> dict[str, str]:
    plan = site.plan.pk
    return {
        "overview": f"/plans/{plan}/budget/?year={YEAR}",
        "goal": f"/plans/{plan}/budget/goals/{site.goal.pk}/?year={YEAR}",
        "slice": f"/plans/{plan}/budget/slice/{YEAR}/",
        "project": f"/budget/projects/{site.project.pk}/",
        "scheme": f"/plan-items/{site.scheme.pk}/",
        "import": f"/cities/{site.city.pk}/budget/import/?year={YEAR}",
    }


def english(client, user=None):
    if user is not None:
        client.force_login(user)
    assert client.post("/i18n/setlang/", {"language": "en", "next": "/"}).status_code == 302
    return client


@pytest.mark.parametrize("page", ["overview", "goal", "slice", "project", "scheme", "import"])
def test_the_chrome_is_english(client, site, page):
    html = english(client, site.planner).get(pages(site)[page]).content.decode()
    assert LTR_ENGLISH in html
    chrome = chrome_text(html)
    assert chrome
    leftovers = {
        piece: ARABIC_SCRIPT.findall(piece.replace(LANGUAGE_ENDONYM, " "))
        for piece in chrome
        if ARABIC_SCRIPT.search(piece.replace(LANGUAGE_ENDONYM, " "))
    }
    assert not leftovers, f"untranslated UI text on {page}: {leftovers}"


@pytest.mark.parametrize("page", ["overview", "goal", "slice", "project"])
def test_the_bars_and_money_are_english(client, site, page):
    html = english(client).get(pages(site)[page]).content.decode()
    for svg in re.findall(r"<svg.*?</svg>", html, flags=re.S):
        assert 'direction="ltr"' in svg
        assert not ARABIC_LETTERS.search(svg), svg[:300]
    assert "billion rials" in html
    assert not re.search("[۰-۹]", html.split("<main", 1)[1].split("</main>", 1)[0])


def test_english_words_are_used(client, site):
    html = english(client).get(pages(site)["overview"]).content.decode()
    assert "Where does the plan's money go? 1404" in html
    assert "Money spent" in html
    assert "Physical progress" in html
    assert "Indicator realisation" in html
    assert "Warning rule: when at least 90% of a plan item" in html
    assert "Money ahead of work: 96% of the allocation is spent" in html
    html = english(client).get(pages(site)["project"]).content.decode()
    assert "1404/01/15" in html
    assert "Transport office" in html
    assert "From the milestones" in html
