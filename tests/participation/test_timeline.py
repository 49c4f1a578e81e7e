"""A problem's status timeline (inventory.selectors.problem_timeline and its partial on
/problems/<id>/): public steps for everyone, the author's own pending/rejected steps for the
author only, Jalali dates, rule titles not codes."""

import importlib

import pytest
from django.apps import apps

from inventory import selectors as inventory_selectors
from inventory.services import (
    inventory_entry_create,
    inventory_entry_update,
    triage_accept,
    triage_merge,
    triage_out_of_scope,
)
from moderation.models import QueueEntry
from moderation.services import appeal_submit, decision_apply
from participation import selectors, services
from tests.factories import PlanItemFactory, ProblemFactory, UserFactory

_defaults = importlib.import_module("moderation.migrations.0003_default_rules")


@pytest.fixture
def rules_loaded(db):
    _defaults.create_rules(apps, None)


@pytest.fixture
def submitted(plan, citizen):
    return services.problem_submit(
        author=citizen, plan=plan, title="چاله‌های خیابان شریعتی", body="خیابان پر از چاله است."
    )


def entry_of(problem):
    return QueueEntry.objects.get(problem=problem, closed_at__isnull=True)


def keys(problem, user):
    fresh = selectors.problem_get(pk=problem.pk, user=user) or problem
    return [step["key"] for step in inventory_selectors.problem_timeline(problem=fresh, user=user)]


@pytest.mark.django_db
class TestSteps:
    def test_pending_is_the_authors_alone(self, submitted, citizen):
        assert keys(submitted, citizen) == ["submitted", "waiting_review"]
        assert keys(submitted, UserFactory()) == []
        assert keys(submitted, None) == []

    def test_rejection_with_the_rules_titles_then_appeal(
        self, submitted, citizen, moderator, rules_loaded
    ):
        decision = decision_apply(
            moderator=moderator,
            entry_id=entry_of(submitted).pk,
            outcome="reject",
            rule_codes=["off-topic"],
            public_note="به برنامه‌ی شهر ربطی ندارد.",
        )
        fresh = selectors.problem_get(pk=submitted.pk, user=citizen)
        steps = inventory_selectors.problem_timeline(problem=fresh, user=citizen)
        rejected = steps[-1]
        assert rejected["key"] == "rejected"
        assert rejected["status"] == "refused"
        assert rejected["private"] is True
        assert rejected["rules"] == [decision.rules.get().title]
        assert "off-topic" not in rejected["rules"]
        assert rejected["note"] == "به برنامه‌ی شهر ربطی ندارد."
        appeal_submit(author=citizen, decision=decision, message="مرتبط است.")
        assert keys(submitted, citizen) == ["submitted", "rejected", "appealed", "waiting_review"]

    def test_published_then_planners_then_the_plan(
        self, submitted, citizen, moderator, planner, plan, rules_loaded
    ):
        decision_apply(moderator=moderator, entry_id=entry_of(submitted).pk, outcome="approve")
        assert keys(submitted, None) == ["submitted", "published", "waiting_triage"]
        entry = inventory_entry_create(actor=planner, plan=plan, title="خرابی آسفالت")
        triage_accept(actor=planner, problem_id=submitted.pk, entry=entry)
        assert keys(submitted, None) == [
            "submitted",
            "published",
            "triage_accept",
            "in_inventory",
            "waiting_plan",
        ]
        item = PlanItemFactory(plan=plan, title="نوسازی آسفالت معابر")
        inventory_entry_update(actor=planner, entry=entry, addressed_by=[item])
        fresh = selectors.problem_get(pk=submitted.pk, user=None)
        steps = inventory_selectors.problem_timeline(problem=fresh, user=None)
        assert [s["key"] for s in steps][-1] == "addressed"
        assert steps[-1]["plan_items"] == [item]
        assert steps[-1]["at"] is not None
        assert all(not step["private"] for step in steps)

    def test_merge_and_out_of_scope(self, plan, citizen, planner):
        entry = inventory_entry_create(actor=planner, plan=plan, title="ترافیک میدان")
        merged = ProblemFactory(plan=plan, author=citizen)
        triage_merge(actor=planner, problem_id=merged.pk, entry=entry)
        assert "triage_merge" in keys(merged, None)
        outside = ProblemFactory(plan=plan, author=citizen)
        triage_out_of_scope(actor=planner, problem_id=outside.pk, reason="کار دولت است.")
        outside = selectors.problem_get(pk=outside.pk, user=None)
        public = inventory_selectors.problem_timeline(problem=outside, user=None)
        assert public[-1]["key"] == "triage_out_of_scope"
        assert public[-1]["reason"] == ""  # the reason is the author's
        own = inventory_selectors.problem_timeline(problem=outside, user=citizen)
        assert own[-1]["reason"] == "کار دولت است."

    def test_edit_and_withdraw_are_shown_to_the_author(self, submitted, citizen):
        services.problem_edit(actor=citizen, problem=submitted, body="متن تازه")
        assert keys(submitted, citizen) == ["submitted", "edited", "waiting_review"]
        services.problem_withdraw(actor=citizen, problem=submitted)
        assert keys(submitted, citizen) == ["submitted", "edited", "withdrawn"]

    def test_published_at_once_has_a_published_step(self, plan):
        problem = ProblemFactory(plan=plan)
        assert keys(problem, None) == ["submitted", "published", "waiting_triage"]

    def test_queries_do_not_grow_with_history(
        self, submitted, citizen, moderator, rules_loaded, django_assert_max_num_queries
    ):
        for _ in range(5):
            services.problem_edit(actor=citizen, problem=submitted, body="متن دیگر")
        with django_assert_max_num_queries(5):
            inventory_selectors.problem_timeline(problem=submitted, user=citizen)


@pytest.mark.django_db
class TestPage:
    def test_public_page_shows_public_steps_in_jalali(
        self, client, submitted, moderator, rules_loaded
    ):
        decision_apply(moderator=moderator, entry_id=entry_of(submitted).pk, outcome="approve")
        html = client.get(f"/problems/{submitted.pk}/").content.decode()
        assert 'data-testid="problem-timeline"' in html
        assert "ناظران تأیید کردند و منتشر شد" in html
        assert "در انتظار بررسی برنامه‌ریزان" in html
        assert "۱۴" in html[html.index('data-testid="problem-timeline"') :]
        assert "فقط شما می‌بینید" not in html

    def test_the_author_sees_their_pending_step(self, client, submitted, citizen):
        client.force_login(citizen)
        html = client.get(f"/problems/{submitted.pk}/").content.decode()
        assert 'data-step="waiting_review"' in html
        assert "فقط شما می‌بینید" in html

    def test_rejection_names_the_rule_by_title(
        self, client, submitted, citizen, moderator, rules_loaded
    ):
        decision = decision_apply(
            moderator=moderator,
            entry_id=entry_of(submitted).pk,
            outcome="reject",
            rule_codes=["off-topic"],
        )
        client.force_login(citizen)
        html = client.get(f"/problems/{submitted.pk}/").content.decode()
        timeline = html[html.index('data-testid="problem-timeline"') :]
        assert f"«{decision.rules.get().title}»" in timeline
        assert "off-topic" not in timeline
