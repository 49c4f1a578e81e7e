"""The demo loader's own behaviour: refusal on a fresh database, and idempotence (a second
load over the first, the load tests/conftest.py makes once on a fresh database, adds nothing)."""

import pytest

from accounts.models import Membership, Organisation, User
from budget.models import BudgetLine, Funding, Milestone, Project
from demo.loader import DemoRefused, load_demo
from participation.models import Comment, Endorsement, Problem, Proposal, Support
from planning.models import Plan, PlanItem

MODELS = [
    User,
    Organisation,
    Membership,
    Plan,
    PlanItem,
    Problem,
    Support,
    Proposal,
    Endorsement,
    Comment,
    BudgetLine,
    Project,
    Milestone,
    Funding,
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_refuses_without_debug(db, settings):
    settings.DEBUG = False
    with pytest.raises(DemoRefused):
        load_demo()
    assert not Plan.objects.exists()


def test_second_load_adds_nothing(db, demo_once, settings):
    # The first load is the shared one (tests/conftest.py), made on a fresh database too.
    loaded = demo_once
    settings.DEBUG = True
    first = counts()
    assert first["Problem"]
    assert first["Comment"]
    again = load_demo()
    assert counts() == first
    assert again["created"] == {}
    assert again["plans"]["arak"] == loaded["plans"]["arak"]
