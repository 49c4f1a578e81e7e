"""Creating POSTs run once per key (issue 9, finding 7): the API's Idempotency-Key and the
pages' one-time form tokens."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.services import api_token_for
from idempotency.models import IdempotencyKey
from moderation.models import Report, Rule
from participation.models import Comment, Problem, Proposal, Support
from tests.factories import ProblemFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/problems/"


def persian(text) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in str(text))


def post(client, url, data, key):
    return client.post(url, data, format="json", HTTP_IDEMPOTENCY_KEY=key)


def problem_data(plan, title="چاله‌ی خیابان"):
    return {"plan": plan.pk, "title": title, "body": "شرح"}


class TestApi:
    def test_a_retry_returns_the_first_answer_without_doing_the_work_again(
        self, as_user, citizen, plan
    ):
        client = as_user(citizen)
        first = post(client, URL, problem_data(plan), "k-1")
        again = post(client, URL, problem_data(plan), "k-1")
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert Problem.objects.count() == 1

    def test_without_a_key_each_post_is_new(self, as_user, citizen, plan):
        client = as_user(citizen)
        client.post(URL, problem_data(plan), format="json")
        client.post(URL, problem_data(plan), format="json")
        assert Problem.objects.count() == 2

    def test_the_same_key_with_another_body_is_a_persian_422(self, as_user, citizen, plan):
        client = as_user(citizen)
        post(client, URL, problem_data(plan), "k-2")
        response = post(client, URL, problem_data(plan, "عنوانی دیگر"), "k-2")
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
        assert persian(response.json()["detail"])
        assert Problem.objects.count() == 1

    def test_the_same_key_on_another_endpoint_is_a_422(self, as_user, citizen, plan):
        client = as_user(citizen)
        post(client, URL, problem_data(plan), "k-3")
        response = post(client, "/api/v1/proposals/", problem_data(plan), "k-3")
        assert response.status_code == 422

    def test_keys_belong_to_their_owner(self, as_user, citizen, citizen2, plan):
        post(as_user(citizen), URL, problem_data(plan), "shared")
        response = post(as_user(citizen2), URL, problem_data(plan), "shared")
        assert response.status_code == 201
        assert "Idempotent-Replayed" not in response
        assert Problem.objects.count() == 2

    def test_a_refusal_keeps_no_key(self, as_user, citizen, plan):
        client = as_user(citizen)
        refused = post(client, URL, {"plan": plan.pk, "title": "", "body": "شرح"}, "k-4")
        assert refused.status_code == 400
        assert IdempotencyKey.objects.count() == 0
        assert post(client, URL, problem_data(plan), "k-4").status_code == 201

    @pytest.mark.parametrize("key", ["", "x" * 256, "کلید", "a b"])
    def test_a_malformed_key_is_a_persian_400(self, as_user, citizen, plan, key):
        response = post(as_user(citizen), URL, problem_data(plan), key)
        assert response.status_code == 400
        assert persian(response.json()["detail"])
        assert Problem.objects.count() == 0

    def test_a_failed_request_keeps_neither_key_nor_work(self, citizen, plan, monkeypatch):
        """A worker dying after the row was written: the transaction holds the key, the
        row and the answer together, so the retry does the work once."""
        from participation import services

        real = services.content_submitted
        calls = []

        def dies_once(*, content):
            real(content=content)
            if not calls:
                calls.append(1)
                raise RuntimeError("worker killed")

        monkeypatch.setattr(services, "content_submitted", dies_once)
        client = APIClient(raise_request_exception=False)
        client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user=citizen)}")
        assert post(client, URL, problem_data(plan), "k-5").status_code == 500
        assert Problem.objects.count() == 0
        assert IdempotencyKey.objects.count() == 0
        assert post(client, URL, problem_data(plan), "k-5").status_code == 201
        assert post(client, URL, problem_data(plan), "k-5").status_code == 201
        assert Problem.objects.count() == 1

    def test_an_expired_key_does_the_work_again_and_is_purged(self, as_user, citizen, plan):
        client = as_user(citizen)
        post(client, URL, problem_data(plan), "k-6")
        IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
        assert "Idempotent-Replayed" not in post(client, URL, problem_data(plan), "k-6")
        assert Problem.objects.count() == 2
        IdempotencyKey.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
        call_command("idempotency_purge")
        assert IdempotencyKey.objects.count() == 0

    def test_anonymous_clients_are_told_apart_by_address(self, plan):
        one, other = APIClient(REMOTE_ADDR="10.0.0.1"), APIClient(REMOTE_ADDR="10.0.0.2")
        assert post(one, "/api/v1/auth/otp/request", {"phone": "09121111111"}, "a").status_code
        first = post(one, "/api/v1/auth/otp/request", {"phone": "09121111111"}, "a")
        assert first["Idempotent-Replayed"] == "true"
        assert "Idempotent-Replayed" not in post(
            other, "/api/v1/auth/otp/request", {"phone": "09121111111"}, "a"
        )


class TestEveryCreatingPost:
    """Comments, proposals, supports, reports and appeals, and any other creating POST."""

    def test_comments(self, as_user, citizen, plan):
        problem = ProblemFactory(plan=plan, moderation_state="published")
        data = {"problem": problem.pk, "body": "نظر"}
        for _ in range(2):
            assert post(as_user(citizen), "/api/v1/comments/", data, "c").status_code == 201
        assert Comment.objects.count() == 1

    def test_proposals(self, as_user, citizen, plan):
        for _ in range(2):
            response = post(as_user(citizen), "/api/v1/proposals/", problem_data(plan), "p")
            assert response.status_code == 201
        assert Proposal.objects.count() == 1

    def test_supports(self, as_user, citizen, plan):
        problem = ProblemFactory(plan=plan, moderation_state="published")
        url = f"/api/v1/problems/{problem.pk}/support/"
        first, again = (
            post(as_user(citizen), url, None, "s"),
            post(as_user(citizen), url, None, "s"),
        )
        assert first.status_code == again.status_code == 201  # the first answer, replayed
        assert Support.objects.count() == 1

    def test_reports(self, as_user, citizen, plan):
        Rule.objects.create(code="spam", title="هرزنامه", description="d")
        problem = ProblemFactory(plan=plan, moderation_state="published")
        data = {"problem": problem.pk, "rule": "spam"}
        first = post(as_user(citizen), "/api/v1/reports/", data, "r")
        again = post(as_user(citizen), "/api/v1/reports/", data, "r")
        assert first.status_code == again.status_code == 201  # not a 409 «already reported»
        assert Report.objects.count() == 1

    def test_organisations(self, as_user, citizen, arak):
        data = {"name": "انجمن سبز", "registration_number": "1403-77", "city": "arak"}
        first = post(as_user(citizen), "/api/v1/organisations/", data, "o")
        again = post(as_user(citizen), "/api/v1/organisations/", data, "o")
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()


class TestForms:
    def test_creating_forms_carry_a_one_time_token(self, client, citizen, plan):
        client.force_login(citizen)
        page = client.get("/problems/new/").content.decode()
        assert 'name="form_token"' in page
        other = client.get("/problems/new/").content.decode()
        token = page.split('name="form_token" value="')[1].split('"')[0]
        assert token not in other  # one per rendering

    def test_a_double_tap_makes_one_problem_and_lands_on_the_same_page(self, client, citizen, plan):
        client.force_login(citizen)
        data = {**problem_data(plan), "form_token": "t" * 32}
        first = client.post("/problems/new/", data)
        again = client.post("/problems/new/", data)
        assert first.status_code == again.status_code == 302
        assert again["Location"] == first["Location"]
        assert Problem.objects.count() == 1

    def test_a_form_token_sent_again_with_other_text_is_refused(self, client, citizen, plan):
        client.force_login(citizen)
        client.post("/problems/new/", {**problem_data(plan), "form_token": "u" * 32})
        response = client.post(
            "/problems/new/", {**problem_data(plan, "دیگر"), "form_token": "u" * 32}
        )
        assert response.status_code == 422
        assert persian(response.content.decode())
        assert Problem.objects.count() == 1

    def test_a_refused_form_can_be_sent_again_with_its_token(self, client, citizen, plan):
        client.force_login(citizen)
        bad = client.post("/problems/new/", {"plan": plan.pk, "title": "", "form_token": "v" * 32})
        assert bad.status_code == 400
        ok = client.post("/problems/new/", {**problem_data(plan), "form_token": "v" * 32})
        assert ok.status_code == 302

    def test_comments_reports_and_proposals_by_form(self, client, citizen, plan):
        client.force_login(citizen)
        problem = ProblemFactory(plan=plan, moderation_state="published")
        Rule.objects.create(code="spam", title="هرزنامه", description="d")
        for _ in range(2):
            client.post(
                f"/problems/{problem.pk}/comments/", {"body": "نظر", "form_token": "c" * 32}
            )
            client.post(f"/report/problem/{problem.pk}/", {"rule": "spam", "form_token": "r" * 32})
            client.post(
                "/proposals/new/",
                {"plan": plan.pk, "title": "پیشنهاد", "body": "شرح", "form_token": "p" * 32},
            )
        assert Comment.objects.count() == 1
        assert Report.objects.count() == 1
        assert Proposal.objects.count() == 1

    @pytest.mark.parametrize(
        "template",
        [
            "frontend/proposal_new.html",
            "frontend/partials/comments.html",
            "frontend/moderation/partials/report_form.html",
            "frontend/moderation/partials/appeal_form.html",
        ],
    )
    def test_the_forms_render_the_token(self, template):
        from django.template.loader import get_template

        source = get_template(template).template.source
        assert "{% form_token %}" in source


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_make_one_row(plan):
    """Two requests with the same key at once (PostgreSQL: the second waits on the unique
    index until the first commits, then gets its answer)."""
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL (SQLite serialises writers)")
    author = UserFactory()
    token = api_token_for(user=author)
    rounds, per_round = 5, 4
    answers, errors = [], []

    def send(key, barrier):
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
            barrier.wait(timeout=10)
            response = post(client, URL, problem_data(plan), key)
            answers.append((key, response.status_code, response.json().get("id")))
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    for n in range(rounds):
        barrier = threading.Barrier(per_round)
        threads = [
            threading.Thread(target=send, args=(f"race-{n}", barrier)) for _ in range(per_round)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    assert Problem.objects.filter(author=author).count() == rounds
    for n in range(rounds):
        mine = [a for a in answers if a[0] == f"race-{n}"]
        assert {status for _, status, _ in mine} == {201}
        assert len({pk for _, _, pk in mine}) == 1
    connections.close_all()
    Client()


@pytest.mark.django_db(transaction=True)
def test_the_asgi_handler_runs_the_request_in_one_transaction(plan):
    """Under ASGI (uvicorn) the middleware and the view share one thread and connection."""
    from asgiref.sync import async_to_sync
    from django.test import AsyncClient

    author = UserFactory()
    headers = {
        "Authorization": f"Token {api_token_for(user=author)}",
        "Idempotency-Key": "asgi",
    }

    async def twice():
        client = AsyncClient()
        answers = []
        for _ in range(2):
            response = await client.post(
                URL, problem_data(plan), content_type="application/json", headers=headers
            )
            answers.append((response.status_code, response.json().get("id", response.json())))
        return answers

    first, again = async_to_sync(twice)()
    assert first == again, (first, again)
    assert first[0] == 201, first
    assert Problem.objects.filter(author=author).count() == 1
    assert IdempotencyKey.objects.get(key="api:asgi").status == 201
