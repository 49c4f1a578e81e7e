"""Small helpers shared by the browser journeys."""

import re
from pathlib import Path

from django.conf import settings

# Under the repository root and gitignored, so CI can upload it as an artifact.
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"


def shot(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/e2e/<name>.png and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Parametrised test ids contain brackets and slashes; keep file names portable.
    path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in_with_password(page, username: str, name: str | None = None) -> None:
    """The staff password form (every demo and test account's password is «demo»); waits
    until the header names the person (or, without `name`, shows someone signed in)."""
    from playwright.sync_api import expect

    page.goto("/signin/")
    page.get_by_text("ورود کارکنان با رمز عبور").click()
    form = page.get_by_test_id("password-form")
    form.get_by_label("نام کاربری").fill(username)
    form.get_by_label("رمز عبور").fill("demo")
    form.get_by_role("button", name="ورود").click()
    current = page.get_by_test_id("current-user")
    if name is None:
        expect(current).to_be_visible()
    else:
        expect(current).to_have_text(name)


ARAK_PLANNER = "برنامه‌ریز اراک"


def arak_plan_and_planner():
    """Arak, its second development plan and its planner (username «planner»), as several
    journeys start."""
    from tests.factories import CityFactory, PlanFactory, StaffRoleFactory

    arak = CityFactory(slug="arak", name="اراک")
    plan = PlanFactory(city=arak, title="برنامه‌ی دوم توسعه‌ی اراک")
    planner = StaffRoleFactory(
        city=arak, role="planner", user__username="planner", user__display_name=ARAK_PLANNER
    ).user
    return arak, plan, planner
