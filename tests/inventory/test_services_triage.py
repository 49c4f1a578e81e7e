import pytest

from accounts.models import Notification
from backend.errors import Conflict, DomainError, Refused
from inventory import services
from inventory.models import InventoryEntry, TriageRecord
from participation.models import Problem
from tests.factories import PlanFactory, ProblemFactory, StaffRoleFactory, UserFactory

URL = "/api/v1/triage/"


@pytest.mark.django_db
class TestTriageServices:
    def test_accept_into_new_entry_records_provenance_and_tells_author(
        self, planner, plan, axis, committee
    ):
        problem = ProblemFactory(plan=plan)
        services.triage_accept(
            actor=planner,
            problem_id=problem.pk,
            axis=axis,
            committee=committee,
            new_entry={"title": "ترافیک محورهای اصلی", "statement": "بیان", "severity": 4},
        )
        problem.refresh_from_db()
        entry = problem.inventory_entry
        assert problem.triage_state == "accepted"
        assert problem.axis == axis
        assert (entry.code, entry.severity, entry.committee) == ("001", 4, committee)
        record = TriageRecord.objects.get(problem=problem)
        assert (record.actor, record.action, record.previous_state) == (planner, "accept", "new")
        note = Notification.objects.get(user=problem.author, kind="triage.outcome")
        assert note.payload["entry"]["title"] == "ترافیک محورهای اصلی"

    def test_merge_and_out_of_scope(self, planner, plan):
        entry = services.inventory_entry_create(actor=planner, plan=plan, title="آلودگی هوا")
        dup = ProblemFactory(plan=plan)
        advert = ProblemFactory(plan=plan)
        services.triage_merge(actor=planner, problem_id=dup.pk, entry=entry)
        services.triage_out_of_scope(
            actor=planner, problem_id=advert.pk, reason="آگهی است و به برنامه ربطی ندارد."
        )
        dup.refresh_from_db()
        advert.refresh_from_db()
        assert (dup.triage_state, dup.inventory_entry) == ("merged", entry)
        assert advert.triage_state == "out_of_scope"
        assert advert.triage_reason == "آگهی است و به برنامه ربطی ندارد."
        note = Notification.objects.get(user=advert.author, kind="triage.outcome")
        assert note.payload["reason"] == advert.triage_reason

    def test_retriage_keeps_history(self, planner, plan):
        first = services.inventory_entry_create(actor=planner, plan=plan, title="الف")
        second = services.inventory_entry_create(actor=planner, plan=plan, title="ب")
        problem = ProblemFactory(plan=plan)
        services.triage_accept(actor=planner, problem_id=problem.pk, entry=first)
        services.triage_merge(actor=planner, problem_id=problem.pk, entry=second, retriage=True)
        services.triage_out_of_scope(
            actor=planner, problem_id=problem.pk, reason="دلیل", retriage=True
        )
        history = list(
            TriageRecord.objects.filter(problem=problem).values_list(
                "action", "previous_state", "previous_entry", "entry"
            )
        )
        assert history == [
            ("accept", "new", None, first.pk),
            ("merge", "accepted", first.pk, second.pk),
            ("out_of_scope", "merged", second.pk, None),
        ]

    def test_qom_planner_cannot_triage_arak(self, qom_planner, plan):
        problem = ProblemFactory(plan=plan)
        with pytest.raises(Refused):
            services.triage_out_of_scope(actor=qom_planner, problem_id=problem.pk, reason="x")
        with pytest.raises(Refused):
            services.inventory_entry_create(actor=qom_planner, plan=plan, title="x")
        problem.refresh_from_db()
        assert problem.triage_state == "new"

    @pytest.mark.parametrize("role", ["moderator", "city_admin"])
    def test_other_roles_cannot_triage(self, arak, plan, role):
        user = StaffRoleFactory(city=arak, role=role).user
        with pytest.raises(Refused):
            services.triage_out_of_scope(
                actor=user, problem_id=ProblemFactory(plan=plan).pk, reason="x"
            )

    def test_refusals(self, planner, plan, qom):
        problem = ProblemFactory(plan=plan)
        with pytest.raises(DomainError):
            services.triage_out_of_scope(actor=planner, problem_id=problem.pk, reason="  ")
        with pytest.raises(DomainError):
            services.triage_accept(actor=planner, problem_id=problem.pk)
        other_plan_entry = services.inventory_entry_create(
            actor=planner, plan=PlanFactory(city=plan.city), title="دیگر"
        )
        with pytest.raises(DomainError):
            services.triage_merge(actor=planner, problem_id=problem.pk, entry=other_plan_entry)
        pending = ProblemFactory(plan=plan, moderation_state="pending")
        with pytest.raises(Conflict):
            services.triage_out_of_scope(actor=planner, problem_id=pending.pk, reason="x")

    def test_bulk_is_all_or_nothing(self, planner, plan):
        problems = [ProblemFactory(plan=plan) for _ in range(3)]
        pending = ProblemFactory(plan=plan, moderation_state="pending")
        with pytest.raises(Conflict):
            services.triage_bulk(
                actor=planner,
                problem_ids=[p.pk for p in problems] + [pending.pk],
                action="accept",
                new_entry={"title": "گروهی"},
            )
        assert InventoryEntry.objects.count() == 0
        assert set(Problem.objects.values_list("triage_state", flat=True)) == {"new"}
        done = services.triage_bulk(
            actor=planner,
            problem_ids=[p.pk for p in problems],
            action="accept",
            new_entry={"title": "گروهی"},
        )
        assert len({p.inventory_entry_id for p in done}) == 1
        assert InventoryEntry.objects.count() == 1


@pytest.mark.django_db
class TestTriageApi:
    def test_queue_for_planners_of_the_city(self, as_user, planner, qom_planner, plan, axis):
        ProblemFactory(plan=plan, axis=axis, supports_count=5)
        ProblemFactory(plan=plan)
        ProblemFactory(plan=plan, moderation_state="pending")
        ProblemFactory(plan=plan, triage_state="accepted")
        body = as_user(planner).get(URL, {"plan": plan.pk}).json()
        assert body["count"] == 2
        assert as_user(planner).get(URL, {"plan": plan.pk, "axis": axis.pk}).json()["count"] == 1
        assert as_user(planner).get(URL, {"plan": plan.pk, "min_supports": 3}).json()["count"] == 1
        assert as_user(qom_planner).get(URL, {"plan": plan.pk}).status_code == 403
        assert as_user(UserFactory()).get(URL, {"plan": plan.pk}).status_code == 403
        assert as_user(planner).get(URL).status_code == 400

    def test_committee_filter(self, as_user, planner, plan, axis, committee):
        ProblemFactory(plan=plan, axis=axis)
        ProblemFactory(plan=plan)
        response = as_user(planner).get(URL, {"plan": plan.pk, "committee": committee.pk})
        assert response.json()["count"] == 1

    def test_actions_through_the_api(self, as_user, planner, plan, axis, committee):
        client = as_user(planner)
        problem = ProblemFactory(plan=plan)
        response = client.post(
            f"{URL}{problem.pk}/",
            {
                "action": "accept",
                "axis": axis.pk,
                "committee": committee.pk,
                "new_entry": {"title": "ترافیک"},
            },
            format="json",
        )
        assert response.status_code == 200, response.json()
        entry_id = response.json()["inventory_entry"]
        dup = ProblemFactory(plan=plan)
        assert (
            client.post(f"{URL}{dup.pk}/", {"action": "merge", "entry": entry_id}).json()[
                "triage_state"
            ]
            == "merged"
        )

    @pytest.mark.parametrize(
        "payload",
        [
            {},
            {"action": "delete"},
            {"action": "merge"},
            {"action": "out_of_scope"},
            {"action": "accept", "entry": 999999},
            {"action": "accept", "new_entry": {"title": ""}},
            {"action": "accept", "new_entry": {"title": "x", "severity": 9}},
        ],
    )
    def test_bad_input_is_400(self, as_user, planner, plan, payload):
        problem = ProblemFactory(plan=plan)
        response = as_user(planner).post(f"{URL}{problem.pk}/", payload, format="json")
        assert response.status_code == 400
        problem.refresh_from_db()
        assert problem.triage_state == "new"

    def test_unknown_problem_and_qom_planner(self, as_user, planner, qom_planner, plan):
        assert (
            as_user(planner)
            .post(f"{URL}999999/", {"action": "out_of_scope", "reason": "x"})
            .status_code
            == 404
        )
        problem = ProblemFactory(plan=plan)
        response = as_user(qom_planner).post(
            f"{URL}{problem.pk}/", {"action": "out_of_scope", "reason": "x"}
        )
        assert response.status_code == 403

    def test_bulk_api(self, as_user, planner, plan):
        problems = [ProblemFactory(plan=plan) for _ in range(4)]
        response = as_user(planner).post(
            f"{URL}bulk/",
            {"problems": [p.pk for p in problems], "action": "out_of_scope", "reason": "خارج"},
            format="json",
        )
        assert response.status_code == 200
        assert len(response.json()) == 4
        assert (
            as_user(planner)
            .post(f"{URL}bulk/", {"problems": [], "action": "merge"}, format="json")
            .status_code
            == 400
        )

    def test_author_sees_reason_others_do_not(self, as_user, planner, plan):
        problem = ProblemFactory(plan=plan)
        services.triage_out_of_scope(actor=planner, problem_id=problem.pk, reason="آگهی")
        mine = as_user(problem.author).get(f"/api/v1/problems/{problem.pk}/").json()
        assert mine["triage_reason"] == "آگهی"
        assert mine["triage_state"] == "out_of_scope"
        theirs = as_user(UserFactory()).get(f"/api/v1/problems/{problem.pk}/").json()
        assert theirs["triage_reason"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("severity", ["x", None, 0, 6, "3.5"])
def test_bad_severity_is_a_domain_error(planner, plan, severity):
    with pytest.raises(DomainError):
        services.inventory_entry_create(actor=planner, plan=plan, title="عنوان", severity=severity)


@pytest.mark.django_db
def test_merge_needs_an_entry(planner, plan):
    with pytest.raises(DomainError):
        services.triage_merge(actor=planner, problem_id=ProblemFactory(plan=plan).pk, entry=None)


@pytest.mark.django_db
def test_suggestions_for_many_titles_in_one_query(planner, plan, django_assert_num_queries):
    from inventory.selectors import inventory_suggestions

    services.inventory_entry_create(actor=planner, plan=plan, title="ترافیک بلوار امام خمینی")
    services.inventory_entry_create(actor=planner, plan=plan, title="آلودگی هوای جنوب شهر")
    with django_assert_num_queries(1):
        found = inventory_suggestions(
            plan_id=plan.pk, texts=["ترافيك بلوار امام", "دود و آلودگی هوا", "کتابخانه"]
        )
    assert [len(f) > 0 for f in found] == [True, True, False]
    assert found[0][0]["title"] == "ترافیک بلوار امام خمینی"


@pytest.mark.django_db
def test_plan_of_the_board_is_checked_under_the_lock(planner, plan):
    """A problem of another plan (a stale board) is refused like one already triaged."""
    elsewhere = ProblemFactory(plan=PlanFactory(city=plan.city))
    with pytest.raises(Conflict):
        services.triage_out_of_scope(
            actor=planner, problem_id=elsewhere.pk, reason="x", plan_id=plan.pk
        )
    elsewhere.refresh_from_db()
    assert elsewhere.triage_state == "new"
