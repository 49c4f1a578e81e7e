"""Following a problem, a plan item or a plan: the services and their rules, the author's
automatic follow, and the notifications each followed event sends — once per person, never
to the actor, in a constant number of queries."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from accounts.models import Notification
from backend.errors import Missing, Refused
from inventory import services as inventory
from inventory.models import InventoryEntry
from moderation import services as moderation
from moderation.models import QueueEntry
from participation import selectors
from participation.models import Follow
from participation.services import follow, followers_notify, problem_submit, unfollow
from tests.factories import PlanItemFactory, ProblemFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(plan):
    return PlanItemFactory(plan=plan, code="1", kind="goal")


@pytest.fixture
def problem(plan, citizen):
    return ProblemFactory(plan=plan, author=citizen)


def kinds(user):
    return list(Notification.objects.filter(user=user).values_list("kind", flat=True))


# The services and the rules ----------------------------------------------------------------


class TestFollowServices:
    def test_follow_is_idempotent_and_counted(self, citizen2, problem, item, plan):
        for target in (problem, item, plan):
            assert follow(user=citizen2, target=target) is True
            assert follow(user=citizen2, target=target) is False
            assert selectors.follow_count(target=target) >= 1
            assert selectors.is_following(user=citizen2, target=target)
        assert Follow.objects.filter(user=citizen2).count() == 3

    def test_unfollow_is_idempotent(self, citizen2, problem):
        follow(user=citizen2, target=problem)
        assert unfollow(user=citizen2, target=problem) is True
        assert unfollow(user=citizen2, target=problem) is False
        assert not selectors.is_following(user=citizen2, target=problem)

    def test_a_follow_names_exactly_one_target(self, citizen, problem, plan):
        with pytest.raises(IntegrityError), transaction.atomic():
            Follow.objects.create(user=citizen, problem=problem, plan=plan)
        with pytest.raises(IntegrityError), transaction.atomic():
            Follow.objects.create(user=citizen)

    def test_the_author_follows_their_problem_on_submission_and_may_unfollow(self, citizen, plan):
        problem = problem_submit(author=citizen, plan=plan, title="چاله‌ی خیابان", body="عمیق")
        assert selectors.is_following(user=citizen, target=problem)
        assert unfollow(user=citizen, target=problem) is True
        assert not selectors.is_following(user=citizen, target=problem)

    def test_an_open311_service_account_does_not_follow_what_it_posts(self, citizen, plan):
        problem = problem_submit(
            author=citizen, plan=plan, title="چاله", body="عمیق", posting_kind="open311"
        )
        assert not selectors.is_following(user=citizen, target=problem)


class TestFollowRules:
    """Who may follow what: signed in, and the target visible to them."""

    @pytest.mark.parametrize(
        ("state", "who", "allowed"),
        [
            ("published", "author", True),
            ("published", "other", True),
            ("pending", "author", True),
            ("pending", "other", False),
            ("rejected", "other", False),
            ("hidden", "other", False),
            ("pending", "moderator", False),
        ],
    )
    def test_problem_matrix(self, plan, citizen, citizen2, moderator, state, who, allowed):
        problem = ProblemFactory(plan=plan, author=citizen, moderation_state=state)
        user = {"author": citizen, "other": citizen2, "moderator": moderator}[who]
        if allowed:
            assert follow(user=user, target=problem) is True
        else:
            with pytest.raises(Missing) as refused:
                follow(user=user, target=problem)
            assert refused.value.status == 404
            assert "پیدا نشد" in refused.value.message

    def test_plans_and_items_are_open_to_every_signed_in_person(self, citizen2, item, plan):
        assert follow(user=citizen2, target=item) is True
        assert follow(user=citizen2, target=plan) is True

    @pytest.mark.parametrize("target", ["problem", "item", "plan"])
    def test_a_visitor_is_asked_to_sign_in(self, target, problem, item, plan):
        from django.contrib.auth.models import AnonymousUser

        obj = {"problem": problem, "item": item, "plan": plan}[target]
        with pytest.raises(Refused) as refused:
            follow(user=AnonymousUser(), target=obj)
        assert refused.value.code == "sign_in"

    def test_an_inactive_user_may_not_follow(self, plan):
        user = UserFactory(is_active=False)
        with pytest.raises(Refused):
            follow(user=user, target=plan)


class TestFollowList:
    def test_lists_what_the_user_may_see_newest_first(self, citizen2, plan, item, citizen):
        shown = ProblemFactory(plan=plan, author=citizen)
        gone = ProblemFactory(plan=plan, author=citizen)
        for target in (shown, gone, item, plan):
            follow(user=citizen2, target=target)
        gone.moderation_state = "hidden"
        gone.save()
        rows = list(selectors.follow_list(user=citizen2))
        assert [row.target for row in rows] == [plan, item, shown]

    def test_one_query_for_any_number_of_rows(self, django_assert_num_queries, citizen2, plan):
        for problem in ProblemFactory.create_batch(3, plan=plan):
            follow(user=citizen2, target=problem)
        with django_assert_num_queries(1):
            rows = list(selectors.follow_list(user=citizen2))
            [row.target.plan.title for row in rows]
        for problem in ProblemFactory.create_batch(20, plan=plan):
            follow(user=citizen2, target=problem)
        with django_assert_num_queries(1):
            rows = list(selectors.follow_list(user=citizen2))
            [row.target.plan.title for row in rows]


# The notifying events ----------------------------------------------------------------------


def _queued(problem):
    return QueueEntry.objects.create(
        problem=problem, city_id=problem.plan.city_id, reason=QueueEntry.Reason.NEW
    )


class TestPublished:
    def test_followers_hear_a_restored_problem_but_not_the_author_twice(
        self, plan, citizen, citizen2, moderator
    ):
        problem = ProblemFactory(plan=plan, author=citizen, moderation_state="hidden")
        Follow.objects.create(user=citizen, problem=problem)
        Follow.objects.create(user=citizen2, problem=problem)
        Follow.objects.create(user=moderator, problem=problem)
        entry = _queued(problem)
        moderation.decision_apply(moderator=moderator, entry_id=entry.pk, outcome="restore")
        assert kinds(citizen2) == ["follow.published"]
        assert kinds(citizen) == ["moderation.decision"]  # the decision tells the author
        assert kinds(moderator) == []  # the actor
        payload = Notification.objects.get(user=citizen2).payload
        assert payload == {"problem": problem.pk, "summary": problem.title}

    def test_an_approval_tells_followers_and_a_second_look_does_not(
        self, plan, citizen, citizen2, moderator
    ):
        problem = ProblemFactory(plan=plan, author=citizen, moderation_state="pending")
        Follow.objects.create(user=citizen2, problem=problem)  # followed before a re-look
        moderation.decision_apply(
            moderator=moderator, entry_id=_queued(problem).pk, outcome="approve"
        )
        assert kinds(citizen2) == ["follow.published"]
        # approving published content keeps its state: nothing new is published
        moderation.decision_apply(
            moderator=moderator, entry_id=_queued(problem).pk, outcome="approve"
        )
        assert kinds(citizen2) == ["follow.published"]


class TestTriaged:
    @pytest.mark.parametrize("action", ["accept", "merge", "out_of_scope"])
    def test_followers_hear_each_outcome(self, action, plan, planner, citizen, citizen2, problem):
        follow(user=citizen2, target=problem)
        follow(user=planner, target=problem)
        entry = InventoryEntry.objects.create(plan=plan, code="P-1", title="ترافیک")
        arguments = {
            "accept": {"entry": entry},
            "merge": {"entry": entry},
            "out_of_scope": {"reason": "مربوط به شهرداری نیست"},
        }[action]
        inventory.triage(actor=planner, problem_id=problem.pk, action=action, **arguments)
        assert kinds(citizen2) == ["follow.triage"]
        assert kinds(citizen) == ["triage.outcome"]  # the author: one notification
        assert kinds(planner) == []
        payload = Notification.objects.get(user=citizen2).payload
        assert payload["action"] == action
        assert payload["problem"] == problem.pk
        if action != "out_of_scope":
            assert payload["entry"] == {"id": entry.pk, "code": "P-1", "title": "ترافیک"}

    def test_fan_out_costs_the_same_for_1_and_20_followers(self, plan, planner, citizen):
        counts = {}
        for many in (1, 1, 20):  # the first run warms the planner's role cache
            problem = ProblemFactory(plan=plan, author=citizen)
            Follow.objects.bulk_create(
                [Follow(user=user, problem=problem) for user in UserFactory.create_batch(many)]
            )
            with CaptureQueriesContext(connection) as queries:
                inventory.triage(
                    actor=planner, problem_id=problem.pk, action="out_of_scope", reason="نه"
                )
            counts[many] = len(queries)
            assert (
                Notification.objects.filter(
                    kind="follow.triage", payload__problem=problem.pk
                ).count()
                == many
            )
        assert counts[1] == counts[20]


class TestAddressed:
    def test_linking_tells_problem_item_and_plan_followers_once_each(
        self, plan, planner, citizen, citizen2, problem, item
    ):
        entry = InventoryEntry.objects.create(plan=plan, code="P-1", title="ترافیک")
        problem.inventory_entry = entry
        problem.save()
        both = UserFactory()
        item_only = UserFactory()
        plan_only = UserFactory()
        follow(user=citizen2, target=problem)
        follow(user=both, target=problem)
        follow(user=both, target=plan)
        follow(user=item_only, target=item)
        follow(user=plan_only, target=plan)
        follow(user=planner, target=plan)
        inventory.plan_item_addresses_set(actor=planner, item=item, entries=[entry])
        for user in (citizen2, both, item_only, plan_only):
            assert kinds(user) == ["follow.addressed"], user
        assert kinds(planner) == []
        payload = Notification.objects.filter(user=both).get().payload
        assert payload["plan_items"] == [{"id": item.pk, "code": "1", "title": item.title}]
        assert payload["entries"] == [{"id": entry.pk, "code": "P-1", "title": "ترافیک"}]
        # linking again what is linked already tells nobody
        inventory.plan_item_addresses_set(actor=planner, item=item, entries=[entry])
        assert Notification.objects.filter(kind="follow.addressed").count() == 4

    def test_linking_from_the_entry_side_tells_too(self, plan, planner, citizen2, problem, item):
        entry = InventoryEntry.objects.create(plan=plan, code="P-1", title="ترافیک")
        problem.inventory_entry = entry
        problem.save()
        follow(user=citizen2, target=problem)
        inventory.inventory_entry_update(actor=planner, entry=entry, addressed_by=[item, item])
        assert kinds(citizen2) == ["follow.addressed"]

    def test_hidden_problems_tell_nobody(self, plan, planner, citizen2, item):
        entry = InventoryEntry.objects.create(plan=plan, code="P-1", title="ترافیک")
        hidden = ProblemFactory(plan=plan, inventory_entry=entry)
        follow(user=citizen2, target=hidden)
        hidden.moderation_state = "hidden"
        hidden.save()
        inventory.plan_item_addresses_set(actor=planner, item=item, entries=[entry])
        assert kinds(citizen2) == []


class TestFanOut:
    def test_followers_notify_is_two_queries_for_any_number(
        self, django_assert_num_queries, plan, item
    ):
        for many in (1, 20):
            for user in UserFactory.create_batch(many):
                Follow.objects.create(user=user, plan=plan)
            Notification.objects.all().delete()
            with django_assert_num_queries(2):
                sent = followers_notify(kind="follow.addressed", payload={}, plans=[plan.pk])
            assert len(sent) == Follow.objects.filter(plan=plan).count()

    def test_nothing_to_tell_costs_nothing(self, django_assert_num_queries):
        with django_assert_num_queries(0):
            assert followers_notify(kind="x", payload={}) == []

    def test_inactive_followers_are_skipped(self, plan):
        Follow.objects.create(user=UserFactory(is_active=False), plan=plan)
        assert followers_notify(kind="x", payload={}, plans=[plan.pk]) == []
