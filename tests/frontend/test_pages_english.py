"""The English UI: with the language cookie set to English, the main public pages render
left-to-right with no Persian left in their own chrome.

Every title and name created here is Latin, so any Arabic-script character found in the page's
<header>, <nav>, <footer>, <h1>, <h2>, <label> or <button> is a UI string that is either missing
from locale/en/LC_MESSAGES/django.po or not marked for translation. The only Arabic-script text
allowed is content the test did not write: the Persian endonym in the language switcher and the
titles of the default moderation rules (their wording comes from a migration, in Persian only).
"""

import datetime
import importlib
import re
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.utils import timezone

from accounts.models import User
from inventory import services
from moderation.models import Rule
from participation.models import Endorsement, Support
from planning.models import Plan, PlanItem
from tests.factories import (
    AxisFactory,
    CityFactory,
    CommentFactory,
    CommitteeFactory,
    DistrictFactory,
    ExpertFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    ProposalFactory,
    StaffRoleFactory,
    UserFactory,
)

_defaults = importlib.import_module("moderation.migrations.0003_default_rules")

LTR_ENGLISH = '<html lang="en" dir="ltr">'
# Arabic, Arabic Supplement, Arabic Extended-A and the presentation forms: Persian letters,
# Persian digits (۰-۹), «٪» and «،» all fall in here.
ARABIC_SCRIPT = re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+")
ARABIC_LETTERS = re.compile(
    "[\u0621-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff\u0750-\u077f\u08a0-\u08ff"
    "\ufb50-\ufdff\ufe70-\ufeff]+"
)
# Elements whose text is the page's own chrome.
CHROME_TAGS = frozenset({"header", "nav", "footer", "h1", "h2", "label", "button"})
# Void elements never get an end tag, so they must not be pushed on the open-element stack.
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
# The language switcher names each language in itself (settings.LANGUAGES): «فارسی» stays.
LANGUAGE_ENDONYM = "فارسی"


class ChromeText(HTMLParser):
    """Collects the text inside CHROME_TAGS, one string per outermost chrome element, plus
    the aria-label of those elements (the nav landmarks' names are chrome too)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.depth = 0  # how many of the open elements are chrome elements
        self.pieces: list[str] = []
        self.current: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.current.append(" ")  # a tag boundary separates words: <br>, <a>One</a><a>…
        if tag in VOID_TAGS:
            return
        self.stack.append(tag)
        if tag in CHROME_TAGS:
            self.depth += 1
            label = dict(attrs).get("aria-label")
            if label:
                self.current.append(f" {label} ")

    def handle_endtag(self, tag):
        if tag not in self.stack:
            return
        self.current.append(" ")
        while self.stack:
            opened = self.stack.pop()
            if opened in CHROME_TAGS:
                self.depth -= 1
                if self.depth == 0:
                    self.pieces.append(" ".join("".join(self.current).split()))
                    self.current = []
            if opened == tag:
                break

    def handle_data(self, data):
        if self.depth:
            self.current.append(data)


def chrome_text(html: str) -> list[str]:
    parser = ChromeText()
    parser.feed(html)
    parser.close()
    return [piece for piece in parser.pieces if piece]


def without_allowed(text: str, allowed: list[str]) -> str:
    for content in sorted(allowed, key=len, reverse=True):
        text = text.replace(content, " ")
    return text


@pytest.fixture
def default_rules(db):
    """The migration's rules (a transactional test's flush removes migration data)."""
    _defaults.create_rules(apps, None)


@pytest.fixture
def site(db, default_rules):
    """A small city with a plan, its tree, a triaged problem with evidence, a proposal and
    comments, every title and name in Latin letters."""
    city = CityFactory(slug="westbridge", name="Westbridge", province="Northshire")
    transport = AxisFactory(city=city, title="Transport")
    AxisFactory(city=city, title="Green spaces")
    committee = CommitteeFactory(city=city, title="Infrastructure Committee")
    committee.axes.add(transport)
    district = DistrictFactory(city=city, name="Riverside", number=1)
    DistrictFactory(city=city, name="Old Town", number=2)
    plan = PlanFactory(
        city=city,
        title="Second Five-Year Plan",
        summary="A plan for a city that works for everyone.",
        phase=Plan.Phase.CONSULTATION,
    )
    now = timezone.now()
    goal = PlanItemFactory(
        plan=plan,
        kind=PlanItem.Kind.GOAL,
        code="1",
        title="Better mobility",
        body="<p>Streets that are safe for everyone.</p>",
        status=PlanItem.Status.OPEN,
        committee=committee,
        comment_opens_at=now - datetime.timedelta(days=1),
        comment_closes_at=now + datetime.timedelta(days=30),
    )
    goal.axes.add(transport)
    strategy = PlanItemFactory(
        plan=plan,
        parent=goal,
        kind=PlanItem.Kind.STRATEGY,
        code="1.1",
        title="Safer junctions",
        body="<p>Redesign the busiest junctions.</p>",
        status=PlanItem.Status.DRAFT,
    )
    planner = StaffRoleFactory(
        city=city, role="planner", user=UserFactory(display_name="Pat Planner")
    ).user
    StaffRoleFactory(city=city, role="moderator", user=planner)
    StaffRoleFactory(city=city, role="city_admin", user=planner)  # every staff link in the nav
    alice = UserFactory(display_name="Alice Walker")
    problem = ProblemFactory(
        plan=plan,
        author=alice,
        axis=transport,
        district=district,
        title="Potholes on Main Street",
        body="<p>The road surface is broken near the school.</p>",
    )
    services.triage_accept(
        actor=planner,
        problem_id=problem.pk,
        axis=transport,
        committee=committee,
        new_entry={"title": "Damaged road surfaces", "severity": 4},
    )
    problem.refresh_from_db()
    entry = problem.inventory_entry
    services.plan_item_addresses_set(actor=planner, item=strategy, entries=[entry])
    ProblemFactory(
        plan=plan,
        author=UserFactory(display_name="Bob Stone"),
        district=district,
        title="No bus shelter at the station",
        body="<p>People wait in the rain.</p>",
    )
    Support.objects.create(problem=problem, user=UserFactory(display_name="Carol King"))
    organisation = OrganisationFactory(
        city=city, name="Friends of Westbridge", registration_number="1400-99999"
    )
    proposal = ProposalFactory(
        plan=plan,
        problem=problem,
        author=alice,
        organisation=organisation,
        title="Resurface Main Street",
        body="<p>Resurface the whole street before winter.</p>",
    )
    Endorsement.objects.create(
        proposal=proposal,
        organisation=organisation,
        endorsed_by=MembershipFactory(
            organisation=organisation, user=UserFactory(display_name="Dana Reed")
        ).user,
        statement="We support this.",
    )
    CommentFactory(
        problem=problem,
        author=ExpertFactory(display_name="Erin Expert", expertise="Civil engineering"),
        is_expert=True,
        body="<p>The base layer needs repair too.</p>",
    )
    CommentFactory(
        problem=None,
        plan_item=goal,
        author=UserFactory(display_name="Frank Moss"),
        stance="for",
        body="<p>Yes, please.</p>",
    )
    citizen = UserFactory(display_name="Gina Hall")
    return {
        "plan": plan,
        "goal": goal,
        "strategy": strategy,
        "problem": problem,
        "entry": entry,
        "planner": planner,
        "citizen": citizen,
    }


def pages(site) -> dict[str, str]:
    plan, problem = site["plan"], site["problem"]
    return {
        "home": "/",
        "plans": "/plans/",
        "plan": f"/plans/{plan.pk}/",
        "goal": f"/plan-items/{site['goal'].pk}/",
        "strategy": f"/plan-items/{site['strategy'].pk}/",
        "problems": "/problems/",
        "problem": f"/problems/{problem.pk}/",
        "rules": "/rules/",
        "transparency": "/transparency/",
        "inventory": f"/plans/{plan.pk}/inventory/",
        "signin": "/signin/",
    }


PAGES = [
    "home",
    "plans",
    "plan",
    "goal",
    "strategy",
    "problems",
    "problem",
    "rules",
    "transparency",
    "inventory",
    "signin",
]


def english_client(client, site, viewer: str):
    if viewer != "anonymous":
        client.force_login(site[viewer])
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def allowed_content() -> list[str]:
    return [LANGUAGE_ENDONYM, *Rule.objects.values_list("title", flat=True)]


@pytest.mark.django_db
def test_the_planners_inventory_and_an_entrys_own_form_page_are_english(client, site):
    from inventory.models import InventoryEntry

    english_client(client, site, "planner")
    plan = site["plan"]
    entry = InventoryEntry.objects.filter(plan=plan).first()
    allowed = [*allowed_content(), entry.title, plan.title]
    for url in (
        f"/planning/{plan.pk}/inventory/",
        f"/planning/{plan.pk}/inventory/{entry.pk}/form/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert LTR_ENGLISH in html
        leftovers = [
            piece
            for piece in chrome_text(html)
            if ARABIC_LETTERS.search(without_allowed(piece, allowed))
        ]
        assert not leftovers, f"untranslated UI text on {url}: {leftovers}"
    page = client.get(f"/planning/{plan.pk}/inventory/").content.decode()
    slot = page[page.index('data-testid="entry-form-slot"') :]
    assert "This problem's edit form</a>" in slot[: slot.index("</div>")]


@pytest.mark.django_db
@pytest.mark.parametrize("viewer", ["anonymous", "citizen", "planner"])
@pytest.mark.parametrize("page", PAGES)
def test_page_chrome_is_english(client, site, viewer, page):
    english_client(client, site, viewer)
    response = client.get(pages(site)[page])
    assert response.status_code == 200
    html = response.content.decode()
    assert LTR_ENGLISH in html
    chrome = chrome_text(html)
    assert chrome, "no header, nav, footer, heading, label or button found"
    allowed = allowed_content()
    leftovers = {
        piece: ARABIC_LETTERS.findall(without_allowed(piece, allowed))
        for piece in chrome
        if ARABIC_LETTERS.search(without_allowed(piece, allowed))
    }
    assert not leftovers, f"untranslated UI text on {page}: {leftovers}"


@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES)
def test_page_chrome_has_no_arabic_script_at_all(client, site, page):
    """Stricter than letters: no Persian digits, «٪» or «،» in the chrome either."""
    english_client(client, site, "citizen")
    html = client.get(pages(site)[page]).content.decode()
    allowed = allowed_content()
    leftovers = {
        piece: ARABIC_SCRIPT.findall(without_allowed(piece, allowed))
        for piece in chrome_text(html)
        if ARABIC_SCRIPT.search(without_allowed(piece, allowed))
    }
    assert not leftovers, f"Arabic-script characters in the chrome of {page}: {leftovers}"


@pytest.mark.django_db
def test_hidden_author_name_is_english(client, site):
    """A citizen who keeps their name private is shown as «Citizen» in English."""
    User.objects.filter(pk=site["problem"].author_id).update(show_name_publicly=False)
    english_client(client, site, "anonymous")
    html = client.get(f"/problems/{site['problem'].pk}/").content.decode()
    assert "By Citizen" in html
    leftovers = [
        piece
        for piece in chrome_text(html)
        if ARABIC_LETTERS.search(without_allowed(piece, allowed_content()))
    ]
    assert not leftovers, leftovers


@pytest.mark.django_db
def test_english_strings_are_used(client, site):
    """A few translations that must show, so a missing or stale django.mo is caught."""
    english_client(client, site, "anonymous")
    html = client.get("/").content.decode()
    assert "Skip to content" in html
    assert "Problems" in html
    assert "Posting rules" in html
    html = client.get(f"/problems/{site['problem'].pk}/").content.decode()
    assert "Proposals for this problem" in html
    assert "I have this problem too" not in html  # anonymous: asked to sign in instead
    assert "Sign in to support" in html
    html = client.get(f"/plans/{site['plan'].pk}/inventory/").content.decode()
    assert "Problems by priority" in html


@pytest.mark.django_db
def test_persian_stays_the_default(client, site):
    html = client.get("/").content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "پرش به محتوا" in html


def test_chrome_parser_keeps_only_chrome():
    html = (
        "<html><header><a>Brand</a><nav aria-label='Main'><a>One</a></nav></header>"
        "<main><p>Body text</p><h1>Title<br>here</h1><label>Field</label><input name=x>"
        "<button>Go</button></main><footer><p>Foot</p></footer></html>"
    )
    assert chrome_text(html) == ["Brand Main One", "Title here", "Field", "Go", "Foot"]
