"""The demo loader's own behaviour, each test on a fresh database: refusal and idempotence."""

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


def test_second_load_adds_nothing(db, settings):
    settings.DEBUG = True
    loaded = load_demo()
    first = counts()
    assert first["Problem"]
    assert first["Comment"]
    again = load_demo()
    assert counts() == first
    assert again["created"] == {}
    assert again["plans"]["arak"] == loaded["plans"]["arak"]
