import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from participation.models import Endorsement, Proposal
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    PlanFactory,
    PlanItemFactory,
    ProblemFactory,
    ProposalFactory,
)

URL = "/api/v1/proposals/"


def endorse_url(proposal):
    return f"{URL}{proposal.pk}/endorsement/"


@pytest.fixture
def member(organisation):
    return MembershipFactory(organisation=organisation).user


@pytest.mark.django_db
class TestProposals:
    def test_submit_on_problem_and_item(self, as_user, citizen, plan):
        problem = ProblemFactory(plan=plan)
        item = PlanItemFactory(plan=plan)
        response = as_user(citizen).post(
            URL,
            {
                "plan": plan.pk,
                "title": "مسیر ویژه‌ی دوچرخه",
                "body": "پیشنهاد مسیر دوچرخه در بلوار",
                "problem": problem.pk,
                "plan_item": item.pk,
            },
        )
        assert response.status_code == 201, response.json()
        assert response.json()["moderation_state"] == "pending"
        assert response.json()["organisation"] is None

    def test_on_behalf_of_verified_organisation(self, as_user, member, organisation, plan):
        response = as_user(member).post(
            URL,
            {
                "plan": plan.pk,
                "title": "پیشنهاد سمن",
                "body": "شرح",
                "organisation": organisation.pk,
            },
        )
        assert response.status_code == 201
        assert response.json()["organisation"] == {"id": organisation.pk, "name": organisation.name}

    def test_not_on_behalf_of_others(self, as_user, citizen, organisation, plan):
        response = as_user(citizen).post(
            URL, {"plan": plan.pk, "title": "ع", "body": "ش", "organisation": organisation.pk}
        )
        assert response.status_code == 403

    def test_problem_of_another_plan(self, as_user, citizen, plan):
        other = ProblemFactory(plan=PlanFactory(city=plan.city))
        response = as_user(citizen).post(
            URL, {"plan": plan.pk, "title": "ع", "body": "ش", "problem": other.pk}
        )
        assert response.status_code == 400

    def test_list_query_count_constant(self, api_client, plan, organisation):
        counts = []
        for rows in (1, 20):
            Proposal.objects.all().delete()
            for _ in range(rows):
                ProposalFactory(
                    plan=plan, organisation=organisation, problem=ProblemFactory(plan=plan)
                )
            with CaptureQueriesContext(connection) as queries:
                assert len(api_client.get(URL, {"plan": plan.pk}).json()["results"]) == rows
            counts.append(len(queries))
        assert counts[0] == counts[1]


@pytest.mark.django_db
class TestEndorsements:
    def test_member_endorses_for_verified_organisation(
        self, as_user, api_client, member, organisation, plan
    ):
        proposal = ProposalFactory(plan=plan)
        response = as_user(member).post(
            endorse_url(proposal),
            {"organisation": organisation.pk, "statement": "ما حمایت می‌کنیم."},
        )
        assert response.status_code == 201
        detail = api_client.get(f"{URL}{proposal.pk}/").json()
        assert detail["endorsements_count"] == 1
        assert detail["endorsements"][0]["organisation"]["name"] == organisation.name
        assert detail["endorsements"][0]["statement"] == "ما حمایت می‌کنیم."

    def test_one_endorsement_per_organisation(self, as_user, member, organisation, plan):
        proposal = ProposalFactory(plan=plan)
        other_member = MembershipFactory(organisation=organisation).user
        as_user(member).post(
            endorse_url(proposal), {"organisation": organisation.pk, "statement": "الف"}
        )
        response = as_user(other_member).post(
            endorse_url(proposal), {"organisation": organisation.pk, "statement": "ب"}
        )
        assert response.status_code == 409
        proposal.refresh_from_db()
        assert proposal.endorsements_count == 1 == Endorsement.objects.count()

    @pytest.mark.parametrize("status", ["pending", "suspended"])
    def test_unverified_organisation_refused(self, as_user, arak, plan, status):
        organisation = OrganisationFactory(city=arak, status=status)
        member = MembershipFactory(organisation=organisation, role="admin").user
        response = as_user(member).post(
            endorse_url(ProposalFactory(plan=plan)),
            {"organisation": organisation.pk, "statement": "حمایت"},
        )
        assert response.status_code == 403
        assert response.json()["code"] == "organisation_unverified"

    def test_non_member_refused(self, as_user, citizen, organisation, plan):
        response = as_user(citizen).post(
            endorse_url(ProposalFactory(plan=plan)),
            {"organisation": organisation.pk, "statement": "حمایت"},
        )
        assert response.status_code == 403
        assert response.json()["code"] == "not_member"

    @pytest.mark.parametrize(
        "payload",
        [{}, {"organisation": "x"}, {"organisation": 999999, "statement": "s"}],
    )
    def test_bad_input(self, as_user, member, plan, payload):
        response = as_user(member).post(endorse_url(ProposalFactory(plan=plan)), payload)
        assert response.status_code == 400

    def test_statement_required(self, as_user, member, organisation, plan):
        response = as_user(member).post(
            endorse_url(ProposalFactory(plan=plan)),
            {"organisation": organisation.pk, "statement": " "},
        )
        assert response.status_code == 400
        assert response.json()["code"] == "statement_required"

    def test_withdraw(self, as_user, member, organisation, plan):
        proposal = ProposalFactory(plan=plan)
        client = as_user(member)
        client.post(endorse_url(proposal), {"organisation": organisation.pk, "statement": "الف"})
        response = client.delete(f"{endorse_url(proposal)}?organisation={organisation.pk}")
        assert response.status_code == 204
        proposal.refresh_from_db()
        assert proposal.endorsements_count == 0
        again = client.delete(f"{endorse_url(proposal)}?organisation={organisation.pk}")
        assert again.status_code == 404

    def test_pending_proposal_cannot_be_endorsed(self, as_user, member, organisation, plan):
        proposal = ProposalFactory(plan=plan, author=member, moderation_state="pending")
        response = as_user(member).post(
            endorse_url(proposal), {"organisation": organisation.pk, "statement": "الف"}
        )
        assert response.status_code == 409

    def test_organisation_cannot_endorse_its_own_proposal(
        self, as_user, member, organisation, plan
    ):
        proposal = ProposalFactory(plan=plan, organisation=organisation)
        response = as_user(member).post(
            endorse_url(proposal), {"organisation": organisation.pk, "statement": "الف"}
        )
        assert response.status_code == 400
