"""The admin reads supports and endorsements but never adds, changes or deletes them: the
problem's and the proposal's counters move with them in the services only."""

import pytest

from participation.models import Endorsement, Support
from participation.services import problem_support, proposal_endorse
from tests.factories import MembershipFactory, ProblemFactory, ProposalFactory, UserFactory


@pytest.fixture
def root(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.mark.django_db
def test_supports_are_read_only(client, root, plan, citizen):
    problem = ProblemFactory(plan=plan)
    problem_support(user=citizen, problem=problem)
    support = Support.objects.get()
    client.force_login(root)
    assert client.get("/admin/participation/support/").status_code == 200
    assert client.get(f"/admin/participation/support/{support.pk}/change/").status_code == 200
    assert client.get("/admin/participation/support/add/").status_code == 403
    delete = f"/admin/participation/support/{support.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    response = client.post(
        "/admin/participation/support/",
        {"action": "delete_selected", "_selected_action": [support.pk], "post": "yes"},
    )
    assert response.status_code in (200, 302)
    problem.refresh_from_db()
    assert Support.objects.count() == 1 == problem.supports_count


@pytest.mark.django_db
def test_endorsements_are_read_only(client, root, plan, organisation):
    proposal = ProposalFactory(plan=plan)
    member = MembershipFactory(organisation=organisation).user
    proposal_endorse(user=member, proposal=proposal, organisation=organisation, statement="بله")
    endorsement = Endorsement.objects.get()
    client.force_login(root)
    url = f"/admin/participation/endorsement/{endorsement.pk}/change/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"statement": "تغییر"}).status_code == 403
    delete = f"/admin/participation/endorsement/{endorsement.pk}/delete/"
    assert client.post(delete, {"post": "yes"}).status_code == 403
    endorsement.refresh_from_db()
    proposal.refresh_from_db()
    assert endorsement.statement == "بله"
    assert proposal.endorsements_count == 1
