"""Findings 4 and 8 of the citizen's-experience review, at phone size.

4. While a citizen reports a problem, the similar list leaves out their own problem and
   shows a duplicate planners merged as its inventory entry, with no «I have it too»
   button that would lead to a refusal.
8. The English interface keeps a Persian title right-to-left: its own direction, not the
   page's.
Screenshots: test-artifacts/e2e/finding4-suggestions.png, finding8-english-problem.png.
"""

import pytest
from playwright.sync_api import expect

from inventory.models import InventoryEntry
from participation.models import Problem
from tests.e2e.helpers import shot, sign_in_with_password
from tests.factories import CityFactory, PlanFactory, ProblemFactory, UserFactory

OWN = "آب‌گرفتگی کوچه‌های شهرک صنعتی بعد از باران"
MERGED = "آب‌گرفتگی خیابان‌های شهرک صنعتی بعد از باران"
ENTRY = "آب‌گرفتگی معابر شهرک صنعتی"


@pytest.fixture
def world(live):
    city = CityFactory(slug="arak", name="اراک")
    plan = PlanFactory(city=city, title="برنامه‌ی دوم اراک")
    citizen = UserFactory(username="citizen", display_name="مریم احمدی")
    own = ProblemFactory(plan=plan, author=citizen, title=OWN)
    entry = InventoryEntry.objects.create(plan=plan, code="۱-۱", title=ENTRY)
    merged = ProblemFactory(
        plan=plan, title=MERGED, triage_state=Problem.Triage.MERGED, inventory_entry=entry
    )
    return plan, citizen, own, entry, merged


def test_suggestions_leave_out_ones_own_and_show_the_entry_of_a_merged_duplicate(page, world):
    plan, citizen, own, entry, merged = world
    sign_in_with_password(page, citizen.username, citizen.display_name)
    page.goto(f"/problems/new/?plan={plan.pk}")
    page.get_by_test_id("problem-title").press_sequentially("آب‌گرفتگی شهرک صنعتی بعد از باران ")
    suggestions = page.get_by_test_id("similar-suggestions")
    expect(suggestions).to_be_visible()
    items = suggestions.get_by_test_id("similar-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text(ENTRY)
    expect(items.first.get_by_test_id("similar-entry")).to_be_visible()
    # Neither the citizen's own problem nor the merged copy, nor a support button for them.
    expect(suggestions).not_to_contain_text(OWN)
    expect(suggestions).not_to_contain_text(MERGED)
    expect(suggestions.get_by_test_id("support-similar")).to_have_count(0)
    shot(page, "finding4-suggestions")


def test_a_persian_title_keeps_its_direction_on_english_pages(page, live, world):
    plan, citizen, own, entry, merged = world
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live}])
    page.goto(f"/problems/{own.pk}/")
    assert page.evaluate("document.documentElement.dir") == "ltr"
    title = page.get_by_role("heading", level=1)
    expect(title).to_have_text(OWN)
    # Its text starts at the right edge of its box, as Persian does (the page is LTR).
    box = title.bounding_box()
    text_right = title.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el); "
        "return r.getBoundingClientRect().right; }"
    )
    assert abs((box["x"] + box["width"]) - text_right) < 24
    shot(page, "finding8-english-problem")
