import csv
import io
import json

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from inventory import services
from inventory.models import InventoryEntry, InventoryFigures
from inventory.priority import priority
from participation.models import Endorsement, Support
from tests.factories import (
    CommentFactory,
    CommitteeFactory,
    ExpertFactory,
    MembershipFactory,
    OrganisationFactory,
    PlanItemFactory,
    ProblemFactory,
    ProposalFactory,
    UserFactory,
)

URL = "/api/v1/inventory/"


def support(problem, user):
    Support.objects.create(problem=problem, user=user)


@pytest.fixture
def entry_with_evidence(planner, plan, axis, committee, districts, arak):
    """Two merged problems sharing a supporter, in two districts, with an NGO endorsement
    and an expert comment."""
    first = ProblemFactory(plan=plan, district=districts[0], title="ترافیک بلوار امام")
    second = ProblemFactory(plan=plan, district=districts[1], title="ترافيك بلوار امام")
    services.triage_accept(
        actor=planner,
        problem_id=first.pk,
        axis=axis,
        committee=committee,
        new_entry={"title": "ترافیک بلوار امام خمینی", "severity": 4},
    )
    first.refresh_from_db()
    entry = first.inventory_entry
    services.triage_merge(actor=planner, problem_id=second.pk, entry=entry)
    shared, a, b = UserFactory(), UserFactory(), UserFactory()
    for user in (shared, a):
        support(first, user)
    for user in (shared, b):
        support(second, user)
    organisation = OrganisationFactory(city=arak)
    proposal = ProposalFactory(plan=plan, problem=first)
    Endorsement.objects.create(
        proposal=proposal,
        organisation=organisation,
        endorsed_by=MembershipFactory(organisation=organisation).user,
        statement="حمایت",
    )
    CommentFactory(problem=second, author=ExpertFactory(), is_expert=True)
    CommentFactory(problem=second, is_expert=True, moderation_state="pending")
    return entry


@pytest.mark.django_db
class TestEvidence:
    def test_distinct_supporters_across_merged_problems(self, api_client, entry_with_evidence):
        body = api_client.get(f"{URL}{entry_with_evidence.pk}/").json()
        assert body["problems_count"] == 2
        assert body["supporters_count"] == 3  # the shared supporter counts once
        assert body["districts_count"] == 2
        assert body["endorsements_count"] == 1
        assert body["expert_comments_count"] == 1
        assert {p["triage_state"] for p in body["problems"]} == {"accepted", "merged"}

    def test_score_breakdown_adds_up(self, api_client, entry_with_evidence):
        body = api_client.get(f"{URL}{entry_with_evidence.pk}/").json()
        points = [term["points"] for term in body["score_breakdown"]]
        assert round(sum(points), 2) == body["priority_score"]
        assert {t["term"] for t in body["score_breakdown"]} == {
            "severity",
            "supporters_count",
            "problems_count",
            "districts_count",
            "endorsements_count",
            "expert_comments_count",
        }
        severity = next(t for t in body["score_breakdown"] if t["term"] == "severity")
        assert severity["points"] == 16.0

    @pytest.mark.parametrize(
        "evidence",
        [
            {},
            {
                "severity": 5,
                "supporters_count": 1000,
                "problems_count": 12,
                "districts_count": 4,
                "endorsements_count": 3,
                "expert_comments_count": 7,
            },
        ],
    )
    def test_formula_terms_sum(self, evidence):
        score, breakdown = priority(evidence)
        assert score == round(sum(row["points"] for row in breakdown), 2)

    def test_traceability(self, api_client, as_user, planner, plan, entry_with_evidence):
        item = PlanItemFactory(plan=plan, title="ساخت تقاطع غیرهمسطح")
        response = as_user(planner).patch(
            f"{URL}{entry_with_evidence.pk}/",
            {"addressed_by": [item.pk], "status": "addressed", "severity": 5},
            format="json",
        )
        assert response.status_code == 200, response.json()
        api_client.credentials()
        item_body = api_client.get(f"/api/v1/plan-items/{item.pk}/").json()
        assert [a["id"] for a in item_body["addresses"]] == [entry_with_evidence.pk]
        problem = entry_with_evidence.problems.first()
        problem_body = api_client.get(f"/api/v1/problems/{problem.pk}/").json()
        assert problem_body["inventory_entry"]["id"] == entry_with_evidence.pk
        assert problem_body["inventory_entry"]["addressed_by"][0]["id"] == item.pk

    def test_patch_refusals(
        self, as_user, api_client, planner, qom_planner, plan, entry_with_evidence, qom
    ):
        url = f"{URL}{entry_with_evidence.pk}/"
        assert api_client.patch(url, {"severity": 1}, format="json").status_code == 401
        assert as_user(qom_planner).patch(url, {"severity": 1}, format="json").status_code == 403
        client = as_user(planner)
        assert client.patch(url, {"severity": 6}, format="json").status_code == 400
        assert client.patch(url, {"status": "done"}, format="json").status_code == 400
        from tests.factories import PlanFactory

        other_item = PlanItemFactory(plan=PlanFactory(city=plan.city))
        assert (
            client.patch(url, {"addressed_by": [other_item.pk]}, format="json").status_code == 400
        )
        assert client.patch(url, {"title": ""}, format="json").status_code == 400
        entry_with_evidence.refresh_from_db()
        assert entry_with_evidence.severity == 4

    def test_create_entry_api(self, as_user, planner, plan, axis):
        response = as_user(planner).post(
            URL, {"plan": plan.pk, "title": "کمبود فضای سبز", "axis": axis.pk, "severity": 2}
        )
        assert response.status_code == 201
        assert response.json()["code"] == "001"
        assert as_user(UserFactory()).post(URL, {"plan": plan.pk, "title": "x"}).status_code == 403


def counted(read) -> tuple[int, int]:
    """Queries of `read()` when the plan's figures are computed, then when they are read."""
    InventoryFigures.objects.all().delete()
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            read()
        counts.append(len(queries))
    return counts[0], counts[1]


def many_entries(planner, plan, n):
    for i in range(n):
        entry = InventoryEntry.objects.create(plan=plan, code=f"{i + 1:03d}", title=f"مسئله {i}")
        ProblemFactory(plan=plan, inventory_entry=entry, triage_state="accepted")


@pytest.mark.django_db
class TestListsAndExports:
    def test_list_query_count_constant_for_hundreds(self, api_client, planner, plan):
        counts = []
        for n in (1, 300):
            InventoryEntry.objects.all().delete()
            many_entries(planner, plan, n)

            def read(n=n):
                body = api_client.get(URL, {"plan": plan.pk, "page_size": 100}).json()
                assert body["count"] == n
                assert body["results"][0]["problems_count"] == 1

            counts.append(counted(read))
        assert counts[0] == counts[1]
        assert counts[0][1] < counts[0][0]  # the stored figures: one query, not a dozen

    def test_list_ordered_by_priority(self, api_client, planner, plan):
        low = services.inventory_entry_create(actor=planner, plan=plan, title="کم", severity=1)
        high = services.inventory_entry_create(actor=planner, plan=plan, title="زیاد", severity=5)
        ids = [e["id"] for e in api_client.get(URL, {"plan": plan.pk}).json()["results"]]
        assert ids == [high.pk, low.pk]
        assert api_client.get(URL, {"plan": plan.pk, "ordering": "x"}).status_code == 400
        assert api_client.get(URL).status_code == 400
        assert api_client.get(URL, {"plan": 999999}).status_code == 400

    def test_csv_streams_with_bom_and_persian(self, client, planner, plan, entry_with_evidence):
        response = client.get(f"{URL}export/", {"plan": plan.pk, "format": "csv"})
        assert isinstance(response, StreamingHttpResponse)
        raw = b"".join(response.streaming_content)
        assert raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert rows[0]["عنوان"] == "ترافیک بلوار امام خمینی"
        assert rows[0]["پشتیبانان یکتا"] == "3"
        assert rows[0]["زمان ایجاد (شمسی)"].startswith("14")
        assert "T" in rows[0]["زمان ایجاد (ISO)"]

    def test_json_streams_and_loads(self, client, plan, entry_with_evidence):
        response = client.get(f"{URL}export/", {"plan": plan.pk, "format": "json"})
        assert response.streaming
        data = json.loads(b"".join(response.streaming_content))
        assert data["plan"]["id"] == plan.pk
        assert data["entries"][0]["title"] == "ترافیک بلوار امام خمینی"

    def test_xlsx_is_rtl_and_opens(self, client, plan, entry_with_evidence):
        response = client.get(f"{URL}export/", {"plan": plan.pk, "format": "xlsx"})
        assert response.streaming
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
        sheet = book.active
        assert sheet.sheet_view.rightToLeft is True
        assert sheet.cell(row=1, column=2).value == "عنوان"
        assert sheet.cell(row=2, column=2).value == "ترافیک بلوار امام خمینی"

    @pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
    def test_export_query_count_constant(self, client, planner, plan, fmt):
        counts = []
        for n in (1, 250):
            InventoryEntry.objects.all().delete()
            many_entries(planner, plan, n)

            def read():
                response = client.get(f"{URL}export/", {"plan": plan.pk, "format": fmt})
                b"".join(response.streaming_content)

            counts.append(counted(read))
        assert counts[0] == counts[1]

    def test_csv_arrives_in_many_chunks(self, client, planner, plan):
        many_entries(planner, plan, 50)
        response = client.get(f"{URL}export/", {"plan": plan.pk, "format": "csv"})
        assert len(list(response.streaming_content)) == 51

    @pytest.mark.parametrize("params", [{}, {"plan": "x"}, {"plan": 1, "format": "pdf"}])
    def test_export_bad_input(self, client, plan, params):
        assert client.get(f"{URL}export/", params).status_code == 400


@pytest.mark.django_db
class TestAggregatesAndCommittee:
    def test_stats(self, api_client, plan, entry_with_evidence, axis):
        stats = api_client.get(f"{URL}stats/", {"plan": plan.pk}).json()
        assert stats["entries_total"] == 1
        assert stats["problems_total"] == 2
        assert stats["entries_per_axis"] == [{"id": axis.pk, "label": axis.title, "count": 1}]
        assert sum(r["count"] for r in stats["problems_per_district"]) == 2
        assert stats["entries_per_month"][0]["month"].startswith("14")

    def test_committee_view_for_members_and_planners(
        self, as_user, planner, qom_planner, committee, entry_with_evidence
    ):
        url = f"/api/v1/committees/{committee.pk}/inventory/"
        member = UserFactory()
        committee.members.add(member)
        rows = as_user(member).get(url).json()
        assert rows[0]["id"] == entry_with_evidence.pk
        assert rows[0]["supporters_count"] == 3
        assert as_user(planner).get(url).status_code == 200
        assert as_user(qom_planner).get(url).status_code == 403
        assert as_user(UserFactory()).get(url).status_code == 403
        other = CommitteeFactory(city=committee.city)
        assert as_user(member).get(f"/api/v1/committees/{other.pk}/inventory/").status_code == 403
