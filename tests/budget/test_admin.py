"""The budget's admin screens open and are read-only: writes go through the services."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def project_and_line(planner, scheme, make_project, make_line):
    from budget import services

    project, line = make_project(scheme, "P-1"), make_line("101", 1_000)
    services.funding_set(actor=planner, line=line, project=project, share=50)
    services.milestone_add(actor=planner, project=project, title="طراحی")
    return project, line


@pytest.mark.parametrize("model", ["project", "budgetline", "importmapping"])
def test_lists_open(admin_client, project_and_line, model):
    assert admin_client.get(reverse(f"admin:budget_{model}_changelist")).status_code == 200


def test_a_project_and_a_line_are_shown_read_only(admin_client, project_and_line):
    project, line = project_and_line
    for url in (
        reverse("admin:budget_project_change", args=[project.pk]),
        reverse("admin:budget_budgetline_change", args=[line.pk]),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        assert b'name="title"' not in response.content
    response = admin_client.post(
        reverse("admin:budget_budgetline_change", args=[line.pk]), {"spent": "999"}
    )
    assert response.status_code == 403
    line.refresh_from_db()
    assert line.spent == 0
