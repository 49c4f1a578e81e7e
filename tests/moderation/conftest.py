import importlib

import pytest
from django.apps import apps

from tests.factories import ProblemFactory, UserFactory

_defaults = importlib.import_module("moderation.migrations.0003_default_rules")


@pytest.fixture
def default_rules(db):
    """The migration's rules (a transactional test's flush removes migration data)."""
    _defaults.create_rules(apps, None)


@pytest.fixture
def moderator2(arak):
    from tests.factories import StaffRoleFactory

    return StaffRoleFactory(city=arak, role="moderator").user


@pytest.fixture
def submit_problem(plan):
    """A problem posted through the service, so it is queued like a real one."""
    from participation.services import problem_submit

    def _submit(author=None, title="چاله‌های خیابان شریعتی", body="خیابان پر از چاله است."):
        return problem_submit(author=author or UserFactory(), plan=plan, title=title, body=body)

    return _submit


@pytest.fixture
def published_problem(plan):
    return ProblemFactory(plan=plan)
