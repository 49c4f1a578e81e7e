"""The author edits or withdraws a problem while it is pending review: services, the queue,
the API (PATCH /problems/{id}/, POST /problems/{id}/withdraw/) and the web pages."""

import importlib

import pytest
from django.apps import apps

from accounts.models import Activity
from backend.errors import Conflict, DomainError, Refused
from moderation.models import ModerationState, QueueEntry
from moderation.selectors import queue_list
from moderation.services import appeal_submit, decision_apply, queue_claim
from participation import selectors, services
from participation.models import Problem
from tests.factories import AxisFactory, ProblemFactory, UserFactory

_defaults = importlib.import_module("moderation.migrations.0003_default_rules")


@pytest.fixture
def rules_loaded(db):
    _defaults.create_rules(apps, None)


@pytest.fixture
def pending(plan, citizen):
    return services.problem_submit(
        author=citizen, plan=plan, title="چاله‌های خیابان شریعتی", body="خیابان پر از چاله است."
    )


def open_entries(problem):
    return list(QueueEntry.objects.filter(problem=problem, closed_at__isnull=True))


# Services --------------------------------------------------------------------------------


@pytest.mark.django_db
class TestEdit:
    def test_the_new_text_goes_back_to_the_queue(self, pending, citizen, arak):
        (old,) = open_entries(pending)
        edited = services.problem_edit(
            actor=citizen, problem=pending, title="چاله‌های عمیق شریعتی", body="دو چاله‌ی بزرگ."
        )
        assert edited.title == "چاله‌های عمیق شریعتی"
        assert edited.body == "<p>دو چاله‌ی بزرگ.</p>"
        assert edited.moderation_state == ModerationState.PENDING
        assert "عمیق" in Problem.objects.get(pk=pending.pk).search_text
        old.refresh_from_db()
        assert old.closed_at is not None
        assert old.hints["closed_by_author"] == "edit"
        (fresh,) = open_entries(pending)
        assert fresh.reason == QueueEntry.Reason.NEW
        assert fresh.hints["edited_by_author"]
        # The moderators' queue reads the new text.
        (listed,) = queue_list(city_id=arak.pk)
        assert listed.pk == fresh.pk
        assert listed.problem.title == "چاله‌های عمیق شریعتی"
        change = Activity.objects.get(action="problem.edit")
        assert change.actor == citizen
        assert change.before == {
            "title": "چاله‌های خیابان شریعتی",
            "body": "<p>خیابان پر از چاله است.</p>",
        }
        assert change.after["title"] == "چاله‌های عمیق شریعتی"
        requeue = Activity.objects.get(action="moderation.requeue")
        assert requeue.before == {"entries": [old.pk]}
        assert requeue.after == {"entries": [fresh.pk]}

    def test_only_given_fields_change(self, pending, citizen, arak):
        axis = AxisFactory(city=arak)
        edited = services.problem_edit(actor=citizen, problem=pending, axis=axis)
        assert edited.axis == axis
        assert edited.title == "چاله‌های خیابان شریعتی"

    def test_a_claimed_entry_is_released_and_its_moderator_told(
        self, pending, citizen, moderator, rules_loaded
    ):
        (old,) = open_entries(pending)
        queue_claim(moderator=moderator, entry_id=old.pk)
        services.problem_edit(actor=citizen, problem=pending, body="متن تازه‌ی مسئله.")
        (fresh,) = open_entries(pending)
        assert fresh.claimed_by is None
        with pytest.raises(Conflict) as caught:
            decision_apply(moderator=moderator, entry_id=old.pk, outcome="approve")
        assert caught.value.code == "closed_by_author_edit"
        assert "ویرایش" in caught.value.message
        decision_apply(moderator=moderator, entry_id=fresh.pk, outcome="approve")
        assert Problem.objects.get(pk=pending.pk).moderation_state == "published"

    def test_an_appeal_stays_an_appeal(self, pending, citizen, moderator, rules_loaded):
        (entry,) = open_entries(pending)
        decision = decision_apply(
            moderator=moderator, entry_id=entry.pk, outcome="reject", rule_codes=["off-topic"]
        )
        appeal = appeal_submit(author=citizen, decision=decision, message="ویرایش می‌کنم.")
        services.problem_edit(actor=citizen, problem=pending, body="متن بهتر و مرتبط.")
        (fresh,) = open_entries(pending)
        assert fresh.reason == QueueEntry.Reason.APPEAL
        assert fresh.appeal == appeal

    def test_the_text_is_checked_as_at_submission(self, pending, citizen):
        with pytest.raises(DomainError) as caught:
            services.problem_edit(actor=citizen, problem=pending, title="   ")
        assert caught.value.code == "title_required"
        assert len(open_entries(pending)) == 1
        assert not Activity.objects.filter(action="problem.edit").exists()

    def test_someone_else_is_refused(self, pending):
        with pytest.raises(Refused) as caught:
            services.problem_edit(actor=UserFactory(), problem=pending, title="عنوان دیگر")
        assert caught.value.code == "not_author"

    @pytest.mark.parametrize("state", ["published", "rejected", "hidden", "withdrawn"])
    def test_only_while_pending(self, plan, citizen, state):
        problem = ProblemFactory(plan=plan, author=citizen, moderation_state=state)
        with pytest.raises(Conflict) as caught:
            services.problem_edit(actor=citizen, problem=problem, title="عنوان دیگر")
        assert caught.value.code == "not_pending"
        assert "پیش از بررسی" in caught.value.message

    def test_a_decision_that_committed_first_wins(self, pending, citizen):
        stale = Problem.objects.get(pk=pending.pk)  # read while still pending
        Problem.objects.filter(pk=pending.pk).update(moderation_state="published")
        with pytest.raises(Conflict):
            services.problem_edit(actor=citizen, problem=stale, title="عنوان دیگر")


@pytest.mark.django_db
class TestWithdraw:
    def test_withdrawn_leaves_the_queue_and_my_posts(self, pending, citizen, arak):
        (entry,) = open_entries(pending)
        withdrawn = services.problem_withdraw(actor=citizen, problem=pending)
        assert withdrawn.moderation_state == ModerationState.WITHDRAWN
        assert Problem.objects.get(pk=pending.pk).moderation_state == "withdrawn"
        assert not open_entries(pending)
        assert list(queue_list(city_id=arak.pk)) == []
        entry.refresh_from_db()
        assert entry.hints["closed_by_author"] == "withdraw"
        assert pending.pk not in [p.pk for p in selectors.my_posts(user=citizen)["problems"]]
        # Kept for the audit: the state change and the withdrawal are both on record.
        state = Activity.objects.get(action="content.state", object_id=pending.pk)
        assert state.after == {"state": "withdrawn", "move": "withdraw"}
        assert Activity.objects.filter(action="problem.withdraw", actor=citizen).exists()
        # Its author may still open it; nobody else sees it.
        assert selectors.problem_get(pk=pending.pk, user=citizen) is not None
        assert selectors.problem_get(pk=pending.pk, user=UserFactory()) is None

    def test_a_moderator_cannot_decide_on_it_afterwards(
        self, pending, citizen, moderator, rules_loaded
    ):
        (entry,) = open_entries(pending)
        services.problem_withdraw(actor=citizen, problem=pending)
        with pytest.raises(Conflict) as caught:
            decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
        assert caught.value.code == "closed_by_author_withdraw"

    def test_twice_is_a_conflict(self, pending, citizen):
        services.problem_withdraw(actor=citizen, problem=pending)
        with pytest.raises(Conflict) as caught:
            services.problem_withdraw(actor=citizen, problem=Problem.objects.get(pk=pending.pk))
        assert caught.value.code == "not_pending"

    def test_someone_else_is_refused(self, pending):
        with pytest.raises(Refused):
            services.problem_withdraw(actor=UserFactory(), problem=pending)
        assert len(open_entries(pending)) == 1


# The API ---------------------------------------------------------------------------------


def persian(text) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in str(text))


@pytest.mark.django_db
class TestApi:
    def test_patch_edits_and_requeues(self, as_user, citizen, pending):
        response = as_user(citizen).patch(
            f"/api/v1/problems/{pending.pk}/", {"title": "عنوان تازه‌ی مسئله"}, format="json"
        )
        assert response.status_code == 200, response.json()
        assert response.json()["title"] == "عنوان تازه‌ی مسئله"
        assert response.json()["moderation_state"] == "pending"
        assert open_entries(pending)[0].hints["edited_by_author"]

    def test_patch_bad_input_is_a_persian_400(self, as_user, citizen, pending):
        response = as_user(citizen).patch(
            f"/api/v1/problems/{pending.pk}/", {"title": ""}, format="json"
        )
        assert response.status_code == 400
        assert persian(response.json())
        response = as_user(citizen).patch(
            f"/api/v1/problems/{pending.pk}/", {"axis": 999999}, format="json"
        )
        assert response.status_code == 400
        assert persian(response.json())

    def test_patch_someone_elses_pending_problem_is_a_404(self, as_user, pending):
        response = as_user(UserFactory()).patch(
            f"/api/v1/problems/{pending.pk}/", {"title": "عنوان من"}, format="json"
        )
        assert response.status_code == 404
        assert persian(response.json()["detail"])

    def test_patch_someone_elses_published_problem_is_a_403(self, as_user, plan):
        problem = ProblemFactory(plan=plan)
        response = as_user(UserFactory()).patch(
            f"/api/v1/problems/{problem.pk}/", {"title": "عنوان من"}, format="json"
        )
        assert response.status_code == 403
        assert response.json()["code"] == "not_author"
        assert persian(response.json()["detail"])

    def test_patch_after_the_decision_is_a_409(self, as_user, citizen, plan):
        problem = ProblemFactory(plan=plan, author=citizen)
        response = as_user(citizen).patch(
            f"/api/v1/problems/{problem.pk}/", {"title": "عنوان دیگر"}, format="json"
        )
        assert response.status_code == 409
        assert response.json()["code"] == "not_pending"

    def test_patch_needs_a_signed_in_user(self, api_client, pending):
        response = api_client.patch(
            f"/api/v1/problems/{pending.pk}/", {"title": "x"}, format="json"
        )
        assert response.status_code in (401, 403)
        assert persian(response.json()["detail"])

    def test_withdraw(self, as_user, citizen, pending):
        client = as_user(citizen)
        response = client.post(f"/api/v1/problems/{pending.pk}/withdraw/")
        assert response.status_code == 200, response.json()
        assert response.json()["moderation_state"] == "withdrawn"
        again = client.post(f"/api/v1/problems/{pending.pk}/withdraw/")
        assert again.status_code == 409
        assert persian(again.json()["detail"])

    def test_withdraw_refusals(self, as_user, api_client, pending, plan):
        assert api_client.post(f"/api/v1/problems/{pending.pk}/withdraw/").status_code in (
            401,
            403,
        )
        other = as_user(UserFactory())
        assert other.post(f"/api/v1/problems/{pending.pk}/withdraw/").status_code == 404
        published = ProblemFactory(plan=plan)
        response = other.post(f"/api/v1/problems/{published.pk}/withdraw/")
        assert response.status_code == 403
        assert other.post("/api/v1/problems/999999/withdraw/").status_code == 404


# The web pages ---------------------------------------------------------------------------


@pytest.mark.django_db
class TestPages:
    def test_the_author_sees_the_buttons_while_pending(self, client, citizen, pending, plan):
        client.force_login(citizen)
        page = client.get(f"/problems/{pending.pk}/").content.decode()
        assert 'data-testid="edit-problem"' in page
        assert 'data-testid="withdraw-problem"' in page
        mine = client.get("/me/posts/").content.decode()
        assert f"/problems/{pending.pk}/edit/" in mine
        published = ProblemFactory(plan=plan, author=citizen)
        page = client.get(f"/problems/{published.pk}/").content.decode()
        assert 'data-testid="edit-problem"' not in page

    def test_others_see_no_buttons(self, client, plan):
        problem = ProblemFactory(plan=plan)
        client.force_login(UserFactory())
        page = client.get(f"/problems/{problem.pk}/").content.decode()
        assert 'data-testid="author-actions"' not in page

    def test_edit_form_round_trip(self, client, citizen, pending):
        client.force_login(citizen)
        form = client.get(f"/problems/{pending.pk}/edit/")
        assert form.status_code == 200
        assert "خیابان پر از چاله است." in form.content.decode()
        assert "&lt;p&gt;" not in form.content.decode()
        response = client.post(
            f"/problems/{pending.pk}/edit/",
            {"title": "عنوان ویرایش‌شده", "body": "متن تازه", "axis": "", "district": ""},
        )
        assert response.status_code == 302
        assert Problem.objects.get(pk=pending.pk).title == "عنوان ویرایش‌شده"

    def test_edit_form_shows_a_refusal_with_the_values(self, client, citizen, pending):
        client.force_login(citizen)
        response = client.post(
            f"/problems/{pending.pk}/edit/", {"title": "", "body": "متن نگه‌داشته"}
        )
        assert response.status_code == 400
        page = response.content.decode()
        assert "عنوان را بنویسید." in page
        assert "متن نگه‌داشته" in page

    def test_edit_page_refuses_others_and_decided_problems(self, client, citizen, plan, pending):
        client.force_login(UserFactory())
        assert client.get(f"/problems/{pending.pk}/edit/").status_code == 404
        published = ProblemFactory(plan=plan, author=citizen)
        client.force_login(citizen)
        response = client.get(f"/problems/{published.pk}/edit/")
        assert response.status_code == 409
        assert "پیش از بررسی" in response.content.decode()

    def test_withdraw_from_the_page(self, client, citizen, pending):
        client.force_login(citizen)
        response = client.post(f"/problems/{pending.pk}/withdraw/")
        assert response.status_code == 302
        assert response["Location"] == "/me/posts/"
        assert Problem.objects.get(pk=pending.pk).moderation_state == "withdrawn"
        assert client.post(f"/problems/{pending.pk}/withdraw/").status_code == 409
