from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from accounts.models import Notification
from backend.errors import Conflict, DomainError, Missing, Refused
from moderation import services
from moderation.models import Appeal, Decision, QueueEntry, Report
from tests.factories import CommentFactory, ProblemFactory, StaffRoleFactory, UserFactory

pytestmark = pytest.mark.usefixtures("default_rules")


def entry_of(content) -> QueueEntry:
    return QueueEntry.objects.get(problem=content, closed_at__isnull=True)


@pytest.mark.django_db
class TestQueueAndClaims:
    def test_new_post_is_queued_with_hints(self, submit_problem):
        problem = submit_problem(
            title="Buy cheap phones now", body="call 0912 345 6789 or visit www.shop.com"
        )
        entry = entry_of(problem)
        assert entry.reason == "new"
        assert entry.city_id == problem.plan.city_id
        assert entry.hints["likely_not_persian"] is True
        assert entry.hints["links"]
        assert entry.hints["phone_numbers"]

    def test_duplicate_hint(self, submit_problem, plan, django_capture_on_commit_callbacks):
        ProblemFactory(plan=plan, title="ترافیک سنگین بلوار امام خمینی")
        with django_capture_on_commit_callbacks(execute=True):
            problem = submit_problem(title="ترافيك سنگين بلوار امام خميني")
        assert entry_of(problem).hints["similar_problem"]["score"] >= 0.5

    def test_duplicate_hint_waits_for_the_commit(
        self, submit_problem, plan, django_capture_on_commit_callbacks
    ):
        """The search for a duplicate runs after the commit (and after the author's answer):
        until then the entry holds the text's own hints only; a rolled-back post runs none."""
        ProblemFactory(plan=plan, title="ترافیک سنگین بلوار امام خمینی")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            problem = submit_problem(title="ترافيك سنگين بلوار امام خميني")
            assert "similar_problem" not in entry_of(problem).hints
            assert "persian_share" in entry_of(problem).hints
        for callback in callbacks:
            callback()
        assert entry_of(problem).hints["similar_problem"]["id"] != problem.pk

    def test_no_late_hint_for_an_entry_closed_in_between(
        self, submit_problem, plan, django_capture_on_commit_callbacks
    ):
        from participation.services import problem_withdraw

        ProblemFactory(plan=plan, title="ترافیک سنگین بلوار امام خمینی")
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            problem = submit_problem(title="ترافيك سنگين بلوار امام خميني")
        problem_withdraw(actor=problem.author, problem=problem)
        for callback in callbacks:
            callback()
        entry = QueueEntry.objects.get(problem=problem)
        assert entry.hints["closed_by_author"] == "withdraw"
        assert "similar_problem" not in entry.hints

    def test_claim_conflict_until_released_or_expired(self, submit_problem, moderator, moderator2):
        entry = entry_of(submit_problem())
        services.queue_claim(moderator=moderator, entry_id=entry.pk)
        services.queue_claim(moderator=moderator, entry_id=entry.pk)  # renewing is fine
        with pytest.raises(Conflict) as error:
            services.queue_claim(moderator=moderator2, entry_id=entry.pk)
        assert error.value.code == "claimed"
        with pytest.raises(Conflict):
            services.decision_apply(moderator=moderator2, entry_id=entry.pk, outcome="approve")
        services.queue_release(moderator=moderator, entry_id=entry.pk)
        services.queue_claim(moderator=moderator2, entry_id=entry.pk)
        QueueEntry.objects.filter(pk=entry.pk).update(
            claimed_until=timezone.now() - timedelta(seconds=1)
        )
        services.queue_claim(moderator=moderator, entry_id=entry.pk)  # expired claim

    def test_other_city_moderator_cannot_claim_or_decide(self, submit_problem, qom_moderator):
        entry = entry_of(submit_problem())
        with pytest.raises(Refused):
            services.queue_claim(moderator=qom_moderator, entry_id=entry.pk)
        with pytest.raises(Refused):
            services.decision_apply(moderator=qom_moderator, entry_id=entry.pk, outcome="approve")

    def test_unknown_entry(self, moderator):
        with pytest.raises(Missing):
            services.queue_claim(moderator=moderator, entry_id=999999)


@pytest.mark.django_db
class TestDecisions:
    def test_reject_cites_rules_and_tells_the_author(self, submit_problem, moderator):
        author = UserFactory()
        problem = submit_problem(author=author)
        entry = entry_of(problem)
        decision = services.decision_apply(
            moderator=moderator,
            entry_id=entry.pk,
            outcome="reject",
            rule_codes=["insult", "insult", "off-topic"],
            public_note="لطفاً بدون توهین بنویسید.",
        )
        problem.refresh_from_db()
        assert problem.moderation_state == "rejected"
        assert sorted(r.code for r in decision.rules.all()) == ["insult", "off-topic"]
        assert decision.previous_state == "pending"
        assert decision.new_state == "rejected"
        entry.refresh_from_db()
        assert entry.closed_at is not None
        note = Notification.objects.get(user=author, kind="moderation.decision")
        assert note.payload["outcome"] == "reject"
        assert note.payload["can_appeal"] is True
        assert {"code": "insult", "version": 1, "title": "بدون توهین و نفرت‌پراکنی"} in note.payload[
            "rules"
        ]
        assert note.payload["public_note"] == "لطفاً بدون توهین بنویسید."

    @pytest.mark.parametrize("outcome", ["reject", "hide"])
    def test_reject_and_hide_need_a_rule(self, submit_problem, moderator, outcome):
        entry = entry_of(submit_problem())
        with pytest.raises(DomainError) as error:
            services.decision_apply(moderator=moderator, entry_id=entry.pk, outcome=outcome)
        assert error.value.code == "rule_required"
        with pytest.raises(DomainError) as error:
            services.decision_apply(
                moderator=moderator,
                entry_id=entry.pk,
                outcome="reject",
                rule_codes=["review-first"],
            )
        assert error.value.code == "not_citeable"
        with pytest.raises(DomainError):
            services.decision_apply(
                moderator=moderator, entry_id=entry.pk, outcome="reject", rule_codes=["nope"]
            )
        assert Decision.objects.count() == 0

    def test_no_self_moderation(self, submit_problem, moderator):
        entry = entry_of(submit_problem(author=moderator))
        with pytest.raises(Refused) as error:
            services.decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
        assert error.value.code == "own_content"

    def test_a_closed_entry_cannot_be_decided_again(self, submit_problem, moderator, moderator2):
        entry = entry_of(submit_problem())
        services.decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
        with pytest.raises(Conflict):
            services.decision_apply(moderator=moderator2, entry_id=entry.pk, outcome="approve")

    def test_decisions_cannot_be_changed_or_deleted(self, submit_problem, moderator):
        entry = entry_of(submit_problem())
        decision = services.decision_apply(
            moderator=moderator, entry_id=entry.pk, outcome="reject", rule_codes=["insult"]
        )
        decision.public_note = "changed"
        with pytest.raises(PermissionError):
            decision.save()
        with pytest.raises(PermissionError):
            decision.delete()
        with pytest.raises(PermissionError):
            Decision.objects.filter(pk=decision.pk).update(outcome="approve")
        with pytest.raises(PermissionError):
            Decision.objects.filter(pk=decision.pk).delete()
        assert Decision.objects.get(pk=decision.pk).public_note == ""

    def test_database_refuses_changes_on_postgresql(self, submit_problem, moderator):
        if connection.vendor != "postgresql":
            pytest.skip("the append-only trigger is installed on PostgreSQL")
        from django.db import DatabaseError, transaction

        entry = entry_of(submit_problem())
        decision = services.decision_apply(
            moderator=moderator, entry_id=entry.pk, outcome="reject", rule_codes=["insult"]
        )
        for sql in (
            "UPDATE moderation_decision SET outcome = 'approve' WHERE id = %s",
            "DELETE FROM moderation_decision WHERE id = %s",
            "DELETE FROM moderation_decision_rules WHERE decision_id = %s",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as c:
                c.execute(sql, [decision.pk])
        assert Decision.objects.filter(pk=decision.pk, outcome="reject").exists()
        assert decision.rules.count() == 1


@pytest.mark.django_db
class TestReports:
    def test_threshold_hides_and_queues_once(self, published_problem, settings):
        settings.MODERATION_REPORT_THRESHOLD = 3
        reporters = [UserFactory() for _ in range(3)]
        services.report_submit(reporter=reporters[0], content=published_problem, rule_code="insult")
        with pytest.raises(Conflict):  # the same person again counts once
            services.report_submit(
                reporter=reporters[0], content=published_problem, rule_code="slander"
            )
        services.report_submit(reporter=reporters[1], content=published_problem, rule_code="insult")
        published_problem.refresh_from_db()
        assert published_problem.moderation_state == "published"
        services.report_submit(
            reporter=reporters[2], content=published_problem, rule_code="slander"
        )
        published_problem.refresh_from_db()
        assert published_problem.moderation_state == "hidden"
        entry = QueueEntry.objects.get(problem=published_problem, reason="reported")
        assert entry.closed_at is None
        assert Report.objects.filter(problem=published_problem).count() == 3

    def test_reporting_own_or_unpublished(self, plan):
        problem = ProblemFactory(plan=plan)
        with pytest.raises(DomainError):
            services.report_submit(reporter=problem.author, content=problem, rule_code="insult")
        pending = ProblemFactory(plan=plan, moderation_state="pending")
        with pytest.raises(Conflict):
            services.report_submit(reporter=UserFactory(), content=pending, rule_code="insult")

    def test_report_needs_a_citeable_rule(self, published_problem):
        for code in ("review-first", "unknown"):
            with pytest.raises(DomainError):
                services.report_submit(
                    reporter=UserFactory(), content=published_problem, rule_code=code
                )

    def test_moderator_restores_reported_content(self, published_problem, moderator, settings):
        settings.MODERATION_REPORT_THRESHOLD = 1
        services.report_submit(
            reporter=UserFactory(), content=published_problem, rule_code="insult"
        )
        entry = QueueEntry.objects.get(problem=published_problem, reason="reported")
        services.decision_apply(moderator=moderator, entry_id=entry.pk, outcome="restore")
        published_problem.refresh_from_db()
        assert published_problem.moderation_state == "published"

    def test_comments_are_reportable(self, plan):
        comment = CommentFactory(problem=ProblemFactory(plan=plan))
        report = services.report_submit(reporter=UserFactory(), content=comment, rule_code="insult")
        assert report.comment == comment


@pytest.mark.django_db
class TestAppeals:
    def rejected(self, submit_problem, moderator):
        author = UserFactory()
        problem = submit_problem(author=author)
        decision = services.decision_apply(
            moderator=moderator,
            entry_id=entry_of(problem).pk,
            outcome="reject",
            rule_codes=["insult"],
        )
        return author, problem, decision

    def test_appeal_goes_back_to_queue_for_another_moderator(
        self, submit_problem, moderator, moderator2
    ):
        author, problem, decision = self.rejected(submit_problem, moderator)
        appeal = services.appeal_submit(author=author, decision=decision, message="توهینی نبود.")
        problem.refresh_from_db()
        assert problem.moderation_state == "pending"
        entry = QueueEntry.objects.get(appeal=appeal)
        assert entry.reason == "appeal"
        assert entry.closed_at is None
        with pytest.raises(Refused) as error:
            services.decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
        assert error.value.code == "same_moderator"
        services.decision_apply(moderator=moderator2, entry_id=entry.pk, outcome="approve")
        problem.refresh_from_db()
        assert problem.moderation_state == "published"

    def test_one_appeal_per_rejection_and_final_after_it(
        self, submit_problem, moderator, moderator2
    ):
        author, problem, decision = self.rejected(submit_problem, moderator)
        appeal = services.appeal_submit(author=author, decision=decision, message="بازبینی کنید")
        with pytest.raises(Conflict):
            services.appeal_submit(author=author, decision=decision, message="دوباره")
        upheld = services.decision_apply(
            moderator=moderator2,
            entry_id=QueueEntry.objects.get(appeal=appeal).pk,
            outcome="reject",
            rule_codes=["insult"],
        )
        with pytest.raises(Conflict) as error:
            services.appeal_submit(author=author, decision=upheld, message="باز هم")
        assert error.value.code == "appeal_final"
        assert Appeal.objects.count() == 1

    def test_only_the_author_appeals_a_rejection(self, submit_problem, moderator):
        author, problem, decision = self.rejected(submit_problem, moderator)
        with pytest.raises(Refused):
            services.appeal_submit(author=UserFactory(), decision=decision, message="x")
        with pytest.raises(DomainError):
            services.appeal_submit(author=author, decision=decision, message="  ")

    def test_approvals_cannot_be_appealed(self, submit_problem, moderator):
        author = UserFactory()
        problem = submit_problem(author=author)
        decision = services.decision_apply(
            moderator=moderator, entry_id=entry_of(problem).pk, outcome="approve"
        )
        with pytest.raises(DomainError):
            services.appeal_submit(author=author, decision=decision, message="x")


@pytest.mark.django_db
def test_post_moderation_publishes_and_still_queues(plan):
    from participation.services import problem_submit

    plan.moderation_mode = "post"
    plan.save()
    problem = problem_submit(author=UserFactory(), plan=plan, title="عنوان", body="شرح")
    assert problem.moderation_state == "published"
    assert QueueEntry.objects.filter(problem=problem, reason="new").exists()


@pytest.mark.django_db
def test_city_admin_is_not_a_moderator(submit_problem, arak):
    admin = StaffRoleFactory(city=arak, role="city_admin").user
    with pytest.raises(Refused):
        services.queue_claim(moderator=admin, entry_id=entry_of(submit_problem()).pk)


@pytest.mark.django_db
def test_post_moderation_look_can_keep_published_content(plan, moderator):
    from participation.services import problem_submit

    plan.moderation_mode = "post"
    plan.save()
    problem = problem_submit(author=UserFactory(), plan=plan, title="عنوان", body="شرح")
    decision = services.decision_apply(
        moderator=moderator, entry_id=entry_of(problem).pk, outcome="approve"
    )
    assert (decision.previous_state, decision.new_state) == ("published", "published")
    assert not QueueEntry.objects.filter(problem=problem, closed_at__isnull=True).exists()


@pytest.mark.django_db
def test_author_is_told_when_reports_hide_the_post(published_problem, settings):
    settings.MODERATION_REPORT_THRESHOLD = 1
    services.report_submit(reporter=UserFactory(), content=published_problem, rule_code="insult")
    note = Notification.objects.get(user=published_problem.author)
    assert note.kind == "moderation.hidden_by_reports"
    assert note.payload["state"] == "hidden"


@pytest.mark.django_db
def test_admin_cannot_change_or_delete_a_decision(client, submit_problem, moderator):
    root = UserFactory(is_staff=True, is_superuser=True)
    decision = services.decision_apply(
        moderator=moderator,
        entry_id=entry_of(submit_problem()).pk,
        outcome="reject",
        rule_codes=["insult"],
        public_note="اصلی",
    )
    client.force_login(root)
    url = f"/admin/moderation/decision/{decision.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    assert (
        'type="submit"'
        not in page.content.decode().split('id="decision_form"')[-1].split("</form>")[0]
    )
    assert client.post(url, {"public_note": "تغییر"}).status_code == 403
    assert (
        client.post(
            f"/admin/moderation/decision/{decision.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    decision = Decision.objects.get(pk=decision.pk)
    assert decision.public_note == "اصلی"
