import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from moderation.models import QueueEntry
from tests.factories import CommentFactory, ProblemFactory, StaffRoleFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_rules")]
QUEUE = "/api/v1/moderation/queue/"


def persian(value) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in str(value))


def decide(client, entry_id, **payload):
    return client.post(f"{QUEUE}{entry_id}/decide/", payload, format="json")


class TestRulesAndStats:
    def test_rules_are_public_and_at_least_six_citeable(self, api_client):
        rules = api_client.get("/api/v1/moderation/rules/").json()
        assert len([r for r in rules if r["citeable"]]) >= 6
        assert {"slander", "off-topic", "persian", "insult", "personal-data", "advertising"} <= {
            r["code"] for r in rules
        }
        assert all(persian(r["title"]) and r["version"] >= 1 for r in rules)

    def test_stats_are_public_counts_only(self, api_client, as_user, moderator, submit_problem):
        entry = QueueEntry.objects.get(problem=submit_problem())
        decide(as_user(moderator), entry.pk, outcome="reject", rules=["insult"])
        api_client.credentials()
        stats = api_client.get("/api/v1/moderation/stats/", {"city": "arak"}).json()
        assert stats["decisions"] == 1
        assert stats["median_wait_seconds"] is not None
        month = stats["months"][0]
        assert month["month"].startswith("14")
        assert month["outcomes"] == {"reject": 1}
        assert month["rules"] == {"insult": 1}
        assert moderator.username not in str(stats)
        assert moderator.public_name not in str(stats)
        assert api_client.get("/api/v1/moderation/stats/", {"city": "x"}).status_code == 400

    def test_stats_query_count_does_not_grow(self, as_user, moderator, submit_problem):
        client = as_user(moderator)
        counts = []
        for n in (1, 10):
            for _ in range(n):
                entry = QueueEntry.objects.get(problem=submit_problem())
                decide(client, entry.pk, outcome="reject", rules=["insult", "slander"])
            with CaptureQueriesContext(connection) as queries:
                client.get("/api/v1/moderation/stats/", {"city": "arak"})
            counts.append(len(queries))
        assert counts[0] == counts[1]


class TestQueueApi:
    def test_city_moderators_only(
        self, api_client, as_user, moderator, qom_moderator, submit_problem, citizen
    ):
        submit_problem()
        assert api_client.get(QUEUE, {"city": "arak"}).status_code == 401
        assert as_user(citizen).get(QUEUE, {"city": "arak"}).status_code == 403
        response = as_user(qom_moderator).get(QUEUE, {"city": "arak"})
        assert response.status_code == 403
        assert persian(response.json()["detail"])
        assert as_user(qom_moderator).get(QUEUE, {"city": "qom"}).json()["count"] == 0
        body = as_user(moderator).get(QUEUE, {"city": "arak"}).json()
        assert body["count"] == 1
        entry = body["results"][0]
        assert set(entry) >= {
            "id",
            "content_type",
            "object_id",
            "reason",
            "content",
            "author",
            "waiting_seconds",
            "claimed_by",
            "hints",
        }
        assert entry["content_type"] == "problem"
        assert entry["reason"] == "new"
        assert "phone" not in str(entry["author"])

    @pytest.mark.parametrize("params", [{}, {"city": "nowhere"}])
    def test_city_is_required_and_known(self, as_user, moderator, params):
        response = as_user(moderator).get(QUEUE, params)
        assert response.status_code == 400
        assert persian(response.json())

    def test_oldest_first_with_each_kind(self, as_user, moderator, submit_problem, plan):
        from participation.services import comment_post, proposal_submit

        first = submit_problem()
        proposal_submit(author=UserFactory(), plan=plan, title="پیشنهاد", body="شرح")
        comment_post(author=UserFactory(), problem=ProblemFactory(plan=plan), body="نظر")
        kinds = [
            e["content_type"]
            for e in as_user(moderator).get(QUEUE, {"city": "arak"}).json()["results"]
        ]
        assert kinds == ["problem", "proposal", "comment"]
        assert first.pk

    def test_queue_is_one_batch_for_1_or_50_entries(self, as_user, moderator, plan):
        from moderation.services import content_submitted

        client = as_user(moderator)
        counts = []
        # One query per kind of content listed (a prefetch each): 3 entries hold all three.
        for n in (3, 50):
            QueueEntry.objects.all().delete()
            for i in range(n):
                kind = i % 3
                if kind == 0:
                    content = ProblemFactory(plan=plan, moderation_state="pending")
                elif kind == 1:
                    from tests.factories import ProposalFactory

                    content = ProposalFactory(plan=plan, moderation_state="pending")
                else:
                    content = CommentFactory(
                        problem=ProblemFactory(plan=plan), moderation_state="pending"
                    )
                content_submitted(content=content)
            with CaptureQueriesContext(connection) as queries:
                body = client.get(QUEUE, {"city": "arak", "page_size": 100}).json()
            assert body["count"] == n
            counts.append(len(queries))
        assert counts[0] == counts[1]

    def test_claim_conflict_is_409(self, as_user, moderator, moderator2, submit_problem):
        entry = QueueEntry.objects.get(problem=submit_problem())
        claimed = as_user(moderator).post(f"{QUEUE}{entry.pk}/claim/")
        assert claimed.status_code == 200
        assert claimed.json()["claimed_by"]["id"] == moderator.pk
        response = as_user(moderator2).post(f"{QUEUE}{entry.pk}/claim/")
        assert response.status_code == 409
        assert persian(response.json()["detail"])
        assert as_user(moderator).delete(f"{QUEUE}{entry.pk}/claim/").status_code == 200
        assert as_user(moderator2).post(f"{QUEUE}{entry.pk}/claim/").status_code == 200

    def test_decide_responses(self, as_user, moderator, submit_problem, arak):
        problem = submit_problem()
        entry = QueueEntry.objects.get(problem=problem)
        client = as_user(moderator)
        assert decide(client, entry.pk, outcome="reject").status_code == 400
        assert decide(client, entry.pk, outcome="maybe").status_code == 400
        assert decide(client, entry.pk, outcome="reject", rules="insult").status_code == 400
        assert decide(client, entry.pk, outcome="reject", rules=["nope"]).status_code == 400
        assert decide(client, 999999, outcome="approve").status_code == 404
        response = decide(client, entry.pk, outcome="reject", rules=["insult"], public_note="توضیح")
        assert response.status_code == 201
        body = response.json()
        assert body["id"]
        assert body["outcome"] == "reject"
        assert body["new_state"] == "rejected"
        assert body["rules"] == [
            {"code": "insult", "version": 1, "title": "بدون توهین و نفرت‌پراکنی"}
        ]
        assert "internal_note" not in body
        assert decide(client, entry.pk, outcome="approve").status_code == 409

    def test_self_moderation_is_403(self, as_user, moderator, submit_problem):
        entry = QueueEntry.objects.get(problem=submit_problem(author=moderator))
        assert decide(as_user(moderator), entry.pk, outcome="approve").status_code == 403

    def test_malformed_json(self, as_user, moderator, submit_problem):
        entry = QueueEntry.objects.get(problem=submit_problem())
        response = as_user(moderator).post(
            f"{QUEUE}{entry.pk}/decide/", "{", content_type="application/json"
        )
        assert response.status_code == 400


class TestReportsAndAppealsApi:
    def test_report_flow_and_refusals(
        self, api_client, as_user, published_problem, citizen, settings
    ):
        settings.MODERATION_REPORT_THRESHOLD = 2
        url = "/api/v1/reports/"
        assert (
            api_client.post(url, {"problem": published_problem.pk, "rule": "insult"}).status_code
            == 401
        )
        client = as_user(citizen)
        assert client.post(url, {"rule": "insult"}).status_code == 400
        assert client.post(url, {"problem": published_problem.pk, "rule": "x"}).status_code == 400
        assert client.post(url, {"problem": 999999, "rule": "insult"}).status_code == 400
        assert (
            client.post(url, {"problem": published_problem.pk, "rule": "insult"}).status_code == 201
        )
        again = client.post(url, {"problem": published_problem.pk, "rule": "slander"})
        assert again.status_code == 409
        published_problem.refresh_from_db()
        assert published_problem.moderation_state == "published"
        other = as_user(UserFactory())
        assert (
            other.post(url, {"problem": published_problem.pk, "rule": "slander"}).status_code == 201
        )
        published_problem.refresh_from_db()
        assert published_problem.moderation_state == "hidden"
        # Hidden content is invisible to others: reporting it again is a 404.
        third = as_user(UserFactory())
        assert (
            third.post(url, {"problem": published_problem.pk, "rule": "insult"}).status_code == 404
        )

    def test_appeal_flow(self, as_user, moderator, moderator2, submit_problem, citizen):
        problem = submit_problem(author=citizen)
        entry = QueueEntry.objects.get(problem=problem)
        decision_id = decide(
            as_user(moderator), entry.pk, outcome="reject", rules=["insult"]
        ).json()["id"]
        client = as_user(citizen)
        assert client.post("/api/v1/appeals/", {"decision": decision_id}).status_code == 400
        response = client.post(
            "/api/v1/appeals/", {"decision": decision_id, "message": "لطفاً دوباره ببینید"}
        )
        assert response.status_code == 201
        assert (
            client.post("/api/v1/appeals/", {"decision": decision_id, "message": "باز"}).status_code
            == 409
        )
        appeal_entry = QueueEntry.objects.get(reason="appeal")
        assert decide(as_user(moderator), appeal_entry.pk, outcome="approve").status_code == 403
        assert decide(as_user(moderator2), appeal_entry.pk, outcome="approve").status_code == 201
        public = as_user(UserFactory()).get(f"/api/v1/problems/{problem.pk}/")
        assert public.status_code == 200

    def test_appeal_by_someone_else_is_403(self, as_user, moderator, submit_problem):
        entry = QueueEntry.objects.get(problem=submit_problem())
        decision_id = decide(
            as_user(moderator), entry.pk, outcome="reject", rules=["insult"]
        ).json()["id"]
        response = as_user(UserFactory()).post(
            "/api/v1/appeals/", {"decision": decision_id, "message": "x"}
        )
        assert response.status_code == 403


class TestAudit:
    def test_city_admin_sees_internal_notes_of_own_city_only(
        self, as_user, moderator, submit_problem, arak, qom
    ):
        entry = QueueEntry.objects.get(problem=submit_problem())
        decide(
            as_user(moderator), entry.pk, outcome="reject", rules=["insult"], internal_note="داخلی"
        )
        admin = StaffRoleFactory(city=arak, role="city_admin").user
        rows = (
            as_user(admin).get("/api/v1/moderation/decisions/", {"city": "arak"}).json()["results"]
        )
        assert rows[0]["internal_note"] == "داخلی"
        assert rows[0]["moderator"] == moderator.public_name
        qom_admin = StaffRoleFactory(city=qom, role="city_admin").user
        assert (
            as_user(qom_admin).get("/api/v1/moderation/decisions/", {"city": "arak"}).status_code
            == 403
        )
        assert (
            as_user(UserFactory())
            .get("/api/v1/moderation/decisions/", {"city": "arak"})
            .status_code
            == 403
        )


@pytest.mark.django_db
@pytest.mark.usefixtures("default_rules")
@pytest.mark.parametrize("state", ["pending", "hidden", "rejected"])
def test_reporting_what_one_cannot_see_is_404(as_user, plan, state):
    """Not 409: that would confirm the content exists."""
    from moderation.models import Report
    from tests.factories import ProblemFactory, UserFactory

    problem = ProblemFactory(plan=plan, moderation_state=state)
    response = as_user(UserFactory()).post(
        "/api/v1/reports/", {"problem": problem.pk, "rule": "insult"}
    )
    assert response.status_code == 404
    assert not Report.objects.exists()
