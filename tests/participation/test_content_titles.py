"""Titles must show letters; entities stay as typed; a plan in drafting takes no problems
(issue 9, findings 11 and 16)."""

import pytest

from planning.models import Plan
from tests.factories import PlanFactory

URL = "/api/v1/problems/"
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "title",
    ["\u200b\u200b", "\u200d", "\ufeff", "\u3164\u3164", "\u2800", "\u202e", "\u2066\u2067"],
)
def test_an_invisible_problem_title_is_refused(as_user, citizen, plan, title):
    response = as_user(citizen).post(
        URL, {"plan": plan.pk, "title": title, "body": "شرح"}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] in ("title_required", "invalid", "blank")


def test_an_invisible_proposal_title_is_refused(as_user, citizen, plan):
    response = as_user(citizen).post(
        "/api/v1/proposals/",
        {"plan": plan.pk, "title": "\u3164\u200b", "body": "شرح"},
        format="json",
    )
    assert response.status_code == 400


def test_overrides_are_removed_from_a_title(as_user, citizen, plan):
    response = as_user(citizen).post(
        URL,
        {"plan": plan.pk, "title": "\u202eچاله\u202c \u2067خیابان", "body": "شرح"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["title"] == "چاله خیابان"


def test_a_title_typed_with_entities_is_stored_and_returned_as_typed(as_user, citizen, plan):
    typed = "&lt;img src=x onerror=alert(1)&gt; چاله"
    response = as_user(citizen).post(
        URL, {"plan": plan.pk, "title": typed, "body": "شرح"}, format="json"
    )
    assert response.status_code == 201
    assert response.json()["title"] == typed
    assert "<img" not in as_user(citizen).get(f"{URL}{response.json()['id']}/").content.decode()


def test_zwnj_inside_a_title_stays(as_user, citizen, plan):
    response = as_user(citizen).post(
        URL, {"plan": plan.pk, "title": "برنامه\u200cریزی", "body": "شرح"}, format="json"
    )
    assert response.json()["title"] == "برنامه\u200cریزی"


def test_a_plan_in_drafting_takes_no_problem(as_user, citizen, arak):
    drafting = PlanFactory(city=arak, phase=Plan.Phase.DRAFTING)
    response = as_user(citizen).post(
        URL, {"plan": drafting.pk, "title": "عنوان", "body": "شرح"}, format="json"
    )
    assert response.status_code in (403, 409)
    assert response.json()["code"] in ("not_accepting_problems", "cannot_submit_problem")


INVISIBLE = ["\u200b\u200c\u200d", "\ufeff\u2060", "\u3164\u115f\u1160\uffa0", "\u2800", "\u0301"]


@pytest.mark.parametrize("title", INVISIBLE)
def test_an_invisible_inventory_title_is_refused(planner, plan, title):
    from backend.errors import DomainError
    from inventory.services import inventory_entry_create

    with pytest.raises(DomainError) as error:
        inventory_entry_create(actor=planner, plan=plan, title=title)
    assert error.value.code == "title_required"


@pytest.mark.parametrize("name", INVISIBLE)
def test_an_invisible_organisation_name_is_refused(citizen, arak, name):
    from accounts import services
    from backend.errors import DomainError

    with pytest.raises(DomainError) as error:
        services.organisation_register(
            actor=citizen, city=arak, name=name, registration_number="1403-5"
        )
    assert error.value.code == "name_required"


@pytest.mark.parametrize("name", INVISIBLE)
def test_an_invisible_display_name_is_no_name(citizen, name):
    from accounts import services

    services.profile_update(user=citizen, display_name=f"{name}\u202e")
    assert citizen.display_name == ""
    assert citizen.public_name.strip()
