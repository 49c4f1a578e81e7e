"""The demo load: plans, citizen input and their moderation states.

The demo is loaded once (tests/conftest.py's `demo_once`, shared with the other modules that
only read it: a load takes many seconds on PostgreSQL) and every test here only reads it; the
loader's own behaviour (idempotent reload, refusal without DEBUG) is tested with a fresh load
per test in test_demo_loader.py.
"""

import json
import os
from pathlib import Path

import pytest
from django.db.models import Count, F

from accounts.models import Membership, Organisation, User
from demo import content_plan
from moderation.models import ModerationState
from participation.models import Comment, Endorsement, Problem, Proposal, Support
from participation.similarity import similar_problems
from planning.models import Axis, PlanItem

TITLES = {row[0]: row[6] for row in content_plan.PROBLEMS}


@pytest.fixture
def loaded(db, demo_once):
    return demo_once


@pytest.fixture
def arak_plan(loaded):
    return loaded["plans"]["arak"]


def test_arak_plan_tree(arak_plan):
    assert arak_plan.city.slug == "arak"
    assert (arak_plan.start_year, arak_plan.end_year, arak_plan.phase) == (
        1404,
        1408,
        "consultation",
    )
    items = list(arak_plan.items.prefetch_related("axes"))
    assert len(items) >= 30
    covered = {axis.pk for item in items for axis in item.axes.all()}
    assert covered == set(Axis.objects.filter(city=arak_plan.city).values_list("pk", flat=True))
    assert len(covered) == 7
    statuses = {item.status for item in items}
    assert {"open", "draft", "closed", "adopted"} <= statuses
    for item in items:
        assert item.committee is not None
        assert item.committee.city_id == arak_plan.city_id
        assert item.sort_key
        if item.status == "open":
            assert item.is_open_for_comment()
        else:
            assert not item.is_open_for_comment()
    kinds = {item.kind for item in items}
    assert kinds == set(PlanItem.Kind.values)


def test_qom_plan(loaded):
    plan = loaded["plans"]["qom"]
    assert plan.title == "برنامه‌ی قم ۱۴۰۴"
    assert plan.phase == "drafting"
    assert 3 <= plan.items.count() <= 4


def test_problems_published_and_untriaged(arak_plan):
    problems = Problem.objects.filter(plan=arak_plan)
    assert problems.count() >= 40
    assert problems.filter(moderation_state=ModerationState.PUBLISHED).count() >= 30
    assert problems.filter(moderation_state=ModerationState.PENDING).exists()
    # One rejected advert stays rejected; the other rejection is under appeal (pending).
    assert problems.filter(moderation_state=ModerationState.REJECTED).count() == 1
    # A planner has started: the main near-duplicate groups are in the inventory, most
    # problems still wait for triage.
    states = list(problems.values_list("triage_state", flat=True))
    assert set(states) == {"new", "accepted", "merged"}
    assert states.count("new") >= 25
    assert problems.values("axis").distinct().count() == 7
    assert problems.exclude(district=None).values("district").distinct().count() == 4


def test_supports_vary_and_match_counters(arak_plan):
    problems = Problem.objects.filter(plan=arak_plan).annotate(n=Count("supports"))
    supports = sorted(p.supports_count for p in problems)
    assert supports[0] == 0
    assert supports[-1] >= 15
    assert all(p.supports_count == p.n for p in problems)
    assert not Support.objects.filter(problem__moderation_state=ModerationState.PENDING).exists()
    residents = User.objects.filter(username__startswith="resident")
    assert residents.count() == 25
    assert not any(user.has_usable_password() for user in residents)
    assert Support.objects.filter(user__in=residents).exists()


@pytest.mark.parametrize("group", sorted(content_plan.DUPLICATE_GROUPS))
def test_near_duplicates_rank_together(arak_plan, group):
    variants = Problem.objects.filter(
        plan=arak_plan,
        title__in=[TITLES[key] for key in content_plan.DUPLICATE_GROUPS[group]],
        moderation_state=ModerationState.PUBLISHED,
    )
    assert variants.count() >= 2
    for variant in variants:
        found = similar_problems(
            plan_id=arak_plan.pk, text=variant.title, limit=3, exclude_id=variant.pk
        )
        others = {p.pk for p in variants} - {variant.pk}
        # Another variant, as itself or (once merged) as the inventory entry it stands for.
        assert others & {s.id for s in found}, variant.title


def test_mixed_encodings_present(arak_plan):
    titles = list(Problem.objects.filter(plan=arak_plan).values_list("title", flat=True))
    assert any("ي" in t or "ك" in t for t in titles)  # Arabic yeh / kaf
    assert any(ch in t for t in titles for ch in "٠١٢٣٤٥٦٧٨٩")  # Arabic-Indic digits
    assert any(ch in t for t in titles for ch in "0123456789")  # Latin digits
    assert "نميشود" in TITLES["renewal_fee_online_arabic"]  # no ZWNJ
    assert "نمی\u200cشود" in TITLES["renewal_fee_online"]


def test_proposals_and_endorsements(loaded, arak_plan):
    proposals = Proposal.objects.filter(plan=arak_plan)
    assert proposals.count() >= 8
    assert set(proposals.values_list("moderation_state", flat=True)) == {"published"}
    assert proposals.filter(organisation=loaded["organisation"]).count() >= 2
    endorsements = Endorsement.objects.filter(proposal__plan=arak_plan)
    assert endorsements.values("organisation").distinct().count() >= 2
    assert not endorsements.filter(proposal__organisation=F("organisation")).exists()
    assert not endorsements.filter(statement="").exists()
    for proposal in proposals.annotate(n=Count("endorsements")):
        assert proposal.endorsements_count == proposal.n


def test_second_ngo(loaded):
    organisation = loaded["organisation2"]
    assert organisation.status == Organisation.Status.VERIFIED
    assert organisation.status_changed_by.username == "cityadmin"
    admin = loaded["users"]["ngo2"]
    assert admin.phone == "09120000006"
    assert admin.check_password("demo")
    assert admin.public_name == content_plan.NGO2_ADMIN[2]
    assert Membership.objects.filter(
        user=admin, organisation=organisation, role=Membership.Role.ADMIN
    ).exists()


def test_comments(arak_plan):
    comments = Comment.objects.filter(plan=arak_plan)
    assert comments.count() >= 40
    assert comments.filter(moderation_state=ModerationState.PENDING).exists()
    assert comments.filter(moderation_state=ModerationState.PUBLISHED).count() >= 35
    expert = comments.filter(author__username="expert")
    assert expert.count() >= 3
    assert all(c.is_expert for c in expert)
    assert not comments.exclude(author__username="expert").filter(is_expert=True).exists()
    assert set(comments.values_list("stance", flat=True)) == {"for", "against", "neutral"}
    replies = comments.exclude(parent=None)
    assert replies.exists()
    assert not replies.exclude(parent__parent=None).exists()
    for field in ("plan_item", "problem", "proposal"):
        assert comments.filter(**{f"{field}__isnull": False}).exists()


def test_moderation_history(loaded):
    from moderation.models import Appeal, Decision, QueueEntry, Report

    assert Decision.objects.filter(outcome="reject").count() == 2
    assert Decision.objects.filter(outcome="approve").count() >= 80
    assert Appeal.objects.count() == 1
    assert QueueEntry.objects.filter(reason="appeal", closed_at__isnull=True).count() == 1
    assert Report.objects.count() == 2
    # Pending demo posts wait in Arak's queue; published ones were approved and closed.
    open_new = QueueEntry.objects.filter(reason="new", closed_at__isnull=True)
    assert open_new.count() >= 6
    assert not open_new.filter(problem__moderation_state="published").exists()


def test_inventory_started(arak_plan):
    from inventory.models import InventoryEntry
    from inventory.selectors import inventory_ranked

    entries = InventoryEntry.objects.filter(plan=arak_plan)
    assert entries.count() == 4
    assert all(entry.addressed_by.exists() for entry in entries)
    ranked = inventory_ranked(plan_id=arak_plan.pk)
    assert all(entry.problems_count >= 2 for entry in ranked)
    assert ranked[0].priority_score >= ranked[-1].priority_score


DEMO_GOLDEN = Path(__file__).with_name("similarity_demo_golden.json")


def test_both_backends_rank_the_demo_alike(arak_plan):
    """Every published demo problem's title, looked up with the problem itself left out:
    the top three (by title, with scores) must be what demo_golden records, on SQLite and on
    PostgreSQL alike. Write it again after a deliberate change with
    SIMILARITY_GOLDEN_WRITE=1 and let CI confirm the other backend."""
    answers = {}
    published = Problem.objects.filter(
        plan=arak_plan, moderation_state=ModerationState.PUBLISHED
    ).order_by("title")
    for problem in published:
        found = similar_problems(
            plan_id=arak_plan.pk, text=problem.title, limit=3, exclude_id=problem.pk
        )
        answers[problem.title] = [[f.title, round(f.score, 2)] for f in found]
    assert len(answers) >= 30
    if os.environ.get("SIMILARITY_GOLDEN_WRITE"):
        DEMO_GOLDEN.write_text(json.dumps(answers, ensure_ascii=False, indent=1) + "\n", "utf-8")
    recorded = json.loads(DEMO_GOLDEN.read_text("utf-8"))
    differ = {t: (recorded.get(t), got) for t, got in answers.items() if recorded.get(t) != got}
    assert not differ, json.dumps(differ, ensure_ascii=False, indent=1)
