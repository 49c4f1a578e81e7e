"""A planner edits an inventory entry on a phone: the entry's form loads when its «ویرایش»
opens (the page holds no form until then), and saving links it to a plan item."""

import pytest
from playwright.sync_api import expect

from inventory import services
from inventory.models import InventoryEntry
from planning.models import PlanItem
from tests.e2e.helpers import ARAK_PLANNER, arak_plan_and_planner, shot, sign_in_with_password
from tests.factories import PlanItemFactory


@pytest.fixture
def world(live):
    _arak, plan, planner = arak_plan_and_planner()
    goal = PlanItemFactory(plan=plan, code="1", title="شهری روان")
    strategy = PlanItemFactory(
        plan=plan, parent=goal, kind=PlanItem.Kind.STRATEGY, code="1.1", title="حمل عمومی"
    )
    entries = [
        services.inventory_entry_create(actor=planner, plan=plan, title=title)
        for title in ("ترافیک بلوار امام خمینی", "کمبود فضای سبز")
    ]
    return plan, strategy, entries


def test_the_form_loads_when_opened_and_saves(page, world):
    plan, strategy, (first, second) = world
    sign_in_with_password(page, "planner", ARAK_PLANNER)
    page.goto(f"/planning/{plan.pk}/inventory/?ordering=code")
    card = page.locator(f'[data-testid="inventory-entry"][data-entry-id="{first.pk}"]')
    expect(page.get_by_test_id("entry-edit-form")).to_have_count(0)
    card.locator("summary").filter(has_text="ویرایش و پیوند به بندهای برنامه").click()
    form = card.get_by_test_id("entry-edit-form")
    expect(form).to_be_visible()
    expect(page.get_by_test_id("entry-edit-form")).to_have_count(1)  # only the opened one
    expect(form.get_by_label("عنوان", exact=True)).to_have_value(first.title)
    shot(page, "inventory-edit-form-phone")
    form.get_by_label("شدت (۱ کم تا ۵ بسیار شدید)").select_option("5")
    form.locator(f'input[name="addressed_by"][value="{strategy.pk}"]').check()
    form.get_by_role("button", name="ذخیره").click()
    expect(page.get_by_test_id("notice")).to_contain_text("مسئله‌ی ۰۰۱ ذخیره شد.")
    card = page.locator(f'[data-testid="inventory-entry"][data-entry-id="{first.pk}"]')
    expect(card.locator(".tag-item")).to_contain_text("۱.۱")
    first.refresh_from_db()
    assert first.severity == 5
    assert list(first.addressed_by.all()) == [strategy]
    assert InventoryEntry.objects.get(pk=second.pk).severity == 3


def test_without_script_the_form_is_a_page_of_its_own(page, world):
    plan, strategy, (first, _second) = world
    sign_in_with_password(page, "planner", ARAK_PLANNER)
    page.goto(f"/planning/{plan.pk}/inventory/{first.pk}/form/?ordering=code")
    form = page.get_by_test_id("entry-edit-form")
    expect(form).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    shot(page, "inventory-edit-page-phone")
    form.get_by_role("button", name="ذخیره").click()
    expect(page.get_by_test_id("notice")).to_contain_text("مسئله‌ی ۰۰۱ ذخیره شد.")
    assert page.url.endswith(f"/planning/{plan.pk}/inventory/?ordering=code#entry-{first.pk}")
