"""Every moderation change writes its activity entry: actor, object, action, before/after
and the content's city."""

import pytest

from accounts.models import Activity
from backend.errors import Refused
from moderation import services
from moderation.models import QueueEntry
from tests.factories import ProblemFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("default_rules")]


def entry_of(problem) -> QueueEntry:
    return QueueEntry.objects.get(problem=problem, closed_at__isnull=True)


def logged(action: str) -> Activity:
    return Activity.objects.get(action=action)


def test_claim_and_release(submit_problem, moderator):
    problem = submit_problem()
    entry = entry_of(problem)
    services.queue_claim(moderator=moderator, entry_id=entry.pk)
    claim = logged("moderation.claim")
    assert claim.actor == moderator
    assert claim.city_id == problem.plan.city_id
    assert (claim.object_type, claim.object_id) == ("queueentry", entry.pk)
    assert claim.before["claimed_by"] is None
    assert claim.after["claimed_by"] == moderator.pk
    services.queue_release(moderator=moderator, entry_id=entry.pk)
    release = logged("moderation.release")
    assert release.actor == moderator
    assert release.city_id == problem.plan.city_id
    assert release.before["claimed_by"] == moderator.pk
    assert release.after["claimed_by"] is None


def test_decision_and_its_state_move(submit_problem, moderator):
    problem = submit_problem()
    decision = services.decision_apply(
        moderator=moderator,
        entry_id=entry_of(problem).pk,
        outcome="reject",
        rule_codes=["insult"],
    )
    decide = logged("moderation.decide")
    assert decide.actor == moderator
    assert decide.city_id == problem.plan.city_id
    assert (decide.object_type, decide.object_id) == ("decision", decision.pk)
    assert decide.before == {"state": "pending"}
    assert decide.after["state"] == "rejected"
    assert decide.after["outcome"] == "reject"
    assert decide.after["rules"] == ["insult@1"]
    move = logged("content.state")
    assert move.actor == moderator
    assert (move.object_type, move.object_id) == ("problem", problem.pk)
    assert move.before == {"state": "pending"}
    assert move.after == {"state": "rejected", "move": "reject"}
    assert move.city_id == problem.plan.city_id


def test_a_refused_decision_writes_nothing(submit_problem, moderator):
    problem = submit_problem(author=moderator)
    with pytest.raises(Refused):  # own content
        services.decision_apply(
            moderator=moderator, entry_id=entry_of(problem).pk, outcome="approve"
        )
    assert not Activity.objects.exists()


def test_report_and_hiding_by_reports(plan, settings):
    settings.MODERATION_REPORT_THRESHOLD = 1
    problem = ProblemFactory(plan=plan)
    reporter = UserFactory()
    report = services.report_submit(reporter=reporter, content=problem, rule_code="insult")
    entry = logged("moderation.report")
    assert entry.actor == reporter
    assert entry.city_id == plan.city_id
    assert (entry.object_type, entry.object_id) == ("report", report.pk)
    assert entry.after["rule"] == "insult@1"
    assert entry.after["object_id"] == problem.pk
    hidden = logged("moderation.hide_by_reports")
    assert hidden.actor is None
    assert hidden.city_id == plan.city_id
    assert (hidden.object_type, hidden.object_id) == ("problem", problem.pk)
    assert hidden.before == {"state": "published"}
    assert hidden.after["state"] == "hidden"
    move = logged("content.state")
    assert move.actor is None
    assert move.after == {"state": "hidden", "move": "hide_by_reports"}


def test_appeal(submit_problem, moderator):
    author = UserFactory()
    problem = submit_problem(author=author)
    decision = services.decision_apply(
        moderator=moderator,
        entry_id=entry_of(problem).pk,
        outcome="reject",
        rule_codes=["insult"],
    )
    appeal = services.appeal_submit(author=author, decision=decision, message="توهینی نبود.")
    entry = logged("moderation.appeal")
    assert entry.actor == author
    assert entry.city_id == problem.plan.city_id
    assert (entry.object_type, entry.object_id) == ("appeal", appeal.pk)
    assert entry.before == {"state": "rejected"}
    assert entry.after == {"state": "pending", "decision": decision.pk}
    move = Activity.objects.filter(action="content.state").latest("pk")
    assert move.actor == author
    assert move.after == {"state": "pending", "move": "appeal"}


def test_restore(plan, moderator, settings):
    settings.MODERATION_REPORT_THRESHOLD = 1
    problem = ProblemFactory(plan=plan)
    services.report_submit(reporter=UserFactory(), content=problem, rule_code="insult")
    entry = QueueEntry.objects.get(problem=problem, reason="reported")
    services.decision_apply(moderator=moderator, entry_id=entry.pk, outcome="restore")
    move = Activity.objects.filter(action="content.state").latest("pk")
    assert move.actor == moderator
    assert move.before == {"state": "hidden"}
    assert move.after == {"state": "published", "move": "restore"}
