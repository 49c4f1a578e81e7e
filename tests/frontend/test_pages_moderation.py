"""Moderation pages (Django test client): the queue and its decisions, the audit of
decisions, the public rules and transparency pages, reports and appeals."""

import datetime
import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Notification
from moderation import services
from moderation.models import Appeal, Decision, QueueEntry, Report, Rule
from participation.models import Problem
from tests.factories import (
    CommentFactory,
    ExpertFactory,
    PlanFactory,
    ProblemFactory,
    ProposalFactory,
    StaffRoleFactory,
    UserFactory,
)

_defaults = importlib.import_module("moderation.migrations.0003_default_rules")
RTL = '<html lang="fa" dir="rtl">'
CITEABLE = 6  # the default rules minus the «review-first» principle
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def default_rules(db):
    """The migration's rules, as tests/moderation/conftest.py sets them up."""
    _defaults.create_rules(apps, None)


@pytest.fixture
def plan(arak):
    return PlanFactory(city=arak, title="برنامه‌ی دوم اراک")


@pytest.fixture
def moderator2(arak):
    return StaffRoleFactory(
        city=arak, role="moderator", user__display_name="ناظر دوم", user__username="mod2"
    ).user


@pytest.fixture
def submit(plan):
    """A problem posted through the service, so it is queued like a real one."""
    from participation.services import problem_submit

    def _submit(author=None, title="چاله‌های خیابان شریعتی", body="خیابان پر از چاله است."):
        return problem_submit(author=author or UserFactory(), plan=plan, title=title, body=body)

    return _submit


def html_of(response) -> str:
    return response.content.decode()


def count_testid(html: str, name: str) -> int:
    return html.count(f'data-testid="{name}"')


def entry_of(content) -> QueueEntry:
    return QueueEntry.objects.get(problem=content, closed_at__isnull=True)


def reject(moderator, content, *, rules=("slander",), note="لحن اتهام‌آمیز دارد.", internal=""):
    return services.decision_apply(
        moderator=moderator,
        entry_id=entry_of(content).pk,
        outcome="reject",
        rule_codes=list(rules),
        public_note=note,
        internal_note=internal,
    )


# The queue ----------------------------------------------------------------------------


@pytest.mark.django_db
class TestQueueAccess:
    def test_anonymous_is_sent_to_sign_in(self, client, arak):
        response = client.get("/moderation/arak/")
        assert response.status_code == 302
        assert "/signin/" in response["Location"]

    @pytest.mark.parametrize("who", ["citizen", "qom_moderator", "planner", "city_admin"])
    def test_only_the_citys_moderators(self, client, request, arak, who):
        client.force_login(request.getfixturevalue(who))
        response = client.get("/moderation/arak/")
        assert response.status_code == 403
        html = html_of(response)
        assert RTL in html
        assert "شما ناظر این شهر نیستید" in html
        assert count_testid(html, "queue-entry") == 0

    def test_qom_moderator_sees_qom_not_arak(self, client, qom_moderator, arak, qom):
        client.force_login(qom_moderator)
        assert client.get("/moderation/qom/").status_code == 200
        assert client.get("/moderation/arak/").status_code == 403

    def test_unknown_city_is_404(self, client, moderator):
        client.force_login(moderator)
        response = client.get("/moderation/nowhere/")
        assert response.status_code == 404
        assert "شهری با این شناسه نیست" in html_of(response)

    def test_nav_link_only_for_moderators(self, client, moderator, citizen):
        client.force_login(citizen)
        assert count_testid(html_of(client.get("/")), "nav-moderation") == 0
        client.force_login(moderator)
        html = html_of(client.get("/"))
        assert count_testid(html, "nav-moderation") == 1
        assert 'href="/moderation/arak/"' in html
        assert "صف نظارت" in html


@pytest.mark.django_db
class TestQueuePage:
    def test_lists_open_entries_oldest_first_with_labels(self, client, moderator, submit, plan):
        older = submit(title="چراغ خراب تقاطع")
        newer = submit(title="پیاده‌روی بی‌سایه")
        QueueEntry.objects.filter(problem=older).update(
            created_at=timezone.now() - datetime.timedelta(minutes=5, seconds=10)
        )
        ProblemFactory(plan=plan, title="مسئله‌ی منتشرشده‌ی بی‌ربط")  # published: not queued
        client.force_login(moderator)
        response = client.get("/moderation/arak/")
        html = html_of(response)
        assert response.status_code == 200
        assert RTL in html
        assert count_testid(html, "queue-entry") == 2
        assert html.index("چراغ خراب تقاطع") < html.index("پیاده‌روی بی‌سایه")
        assert f'data-entry-id="{entry_of(older).pk}"' in html
        assert f'data-entry-id="{entry_of(newer).pk}"' in html
        assert "نوشته‌ی تازه" in html
        assert "مسئله" in html
        assert "۵ دقیقه" in html
        assert "کمتر از یک دقیقه" in html
        assert "بی‌ربط" not in html
        assert count_testid(html, "rule-option") == 2 * CITEABLE
        assert "slander" in html
        assert "بدون تهمت و افترا" in html
        assert 'value="review-first"' not in html  # a principle, not citeable
        assert count_testid(html, "decide-form") == 2
        assert count_testid(html, "claim-button") == 2
        assert count_testid(html, "live-status") == 1
        assert 'data-socket="/ws/moderation/?city=arak"' in html
        # Pending content offers approve or reject, not hide or restore.
        assert 'value="approve"' in html
        assert 'value="reject"' in html
        assert 'value="hide"' not in html
        assert 'value="restore"' not in html

    def test_hints_are_shown_as_warnings(
        self, client, moderator, submit, plan, django_capture_on_commit_callbacks
    ):
        author = ExpertFactory(display_name="دکتر نادری")
        earlier = submit(author=author, title="نوشته‌ی پیشین")
        reject(moderator, earlier)
        ProblemFactory(plan=plan, title="ترافیک سنگین میدان اصلی")
        with django_capture_on_commit_callbacks(execute=True):  # the duplicate hint comes after
            submit(
                author=author,
                title="ترافیک سنگین میدان اصلی",
                body="Call me on 0912 345 6789 or see www.example.com for the full story please",
            )
        client.force_login(moderator)
        html = html_of(client.get("/moderation/arak/"))
        assert count_testid(html, "entry-hints") == 1
        assert "احتمالاً فارسی نیست" in html
        assert "٪" in html
        assert "پیوند دارد" in html
        assert "www.example.com" in html
        assert "شماره‌ی تلفن دارد" in html
        assert "مسئله‌ی مشابه منتشرشده" in html
        similar = Problem.objects.get(title="ترافیک سنگین میدان اصلی", moderation_state="published")
        assert f'href="/problems/{similar.pk}/"' in html
        assert "پیش‌تر ۱ بار رد شده است" in html
        assert "دکتر نادری" in html
        assert count_testid(html, "expert-badge") == 1

    def test_comments_and_proposals_are_labelled_with_their_target(self, client, moderator, plan):
        from participation.services import comment_post, proposal_submit

        problem = ProblemFactory(plan=plan, title="ترافیک میدان ولیعصر")
        comment_post(author=UserFactory(), body="کاملاً موافقم.", stance="for", problem=problem)
        proposal_submit(
            author=UserFactory(), plan=plan, title="چراغ هوشمند", body="شرح", problem=problem
        )
        client.force_login(moderator)
        html = html_of(client.get("/moderation/arak/"))
        assert count_testid(html, "queue-entry") == 2
        assert "نظر درباره‌ی مسئله" in html
        assert f'href="/problems/{problem.pk}/"' in html
        assert "کاملاً موافقم." in html
        assert "stance-for" in html
        assert "چراغ هوشمند" in html
        assert ">پیشنهاد<" in html

    def test_query_count_is_the_same_for_1_and_20_entries(self, client, moderator, submit):
        client.force_login(moderator)

        def count() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get("/moderation/arak/").status_code == 200
            return len(captured)

        submit(author=UserFactory())
        one = count()
        for n in range(19):
            submit(author=UserFactory(), title=f"مسئله‌ی شماره‌ی {n}")
        twenty = count()
        assert count_testid(html_of(client.get("/moderation/arak/")), "queue-entry") == 20
        assert one == twenty

    def test_entry_partial(self, client, moderator, qom_moderator, submit, qom):
        problem = submit()
        entry = entry_of(problem)
        client.force_login(moderator)
        response = client.get(f"/moderation/arak/entries/{entry.pk}/")
        html = html_of(response)
        assert response.status_code == 200
        assert html.strip().startswith("<li")
        assert count_testid(html, "queue-entry") == 1
        assert problem.title in html
        assert "<html" not in html
        client.force_login(qom_moderator)
        assert client.get(f"/moderation/arak/entries/{entry.pk}/").status_code == 403
        # Another city's queue does not serve it either.
        assert client.get(f"/moderation/qom/entries/{entry.pk}/").status_code == 404
        client.force_login(moderator)
        reject(moderator, problem)
        assert client.get(f"/moderation/arak/entries/{entry.pk}/").status_code == 404


@pytest.mark.django_db
class TestClaims:
    def test_claim_then_release(self, client, moderator, submit):
        entry = entry_of(submit())
        client.force_login(moderator)
        response = client.post(f"/moderation/arak/entries/{entry.pk}/claim/")
        assert response.status_code == 302
        entry.refresh_from_db()
        assert entry.claimed_by == moderator
        html = html_of(client.get(response["Location"]))
        assert "برداشته‌ی شما" in html
        assert 'data-claimed="me"' in html
        response = client.post(f"/moderation/arak/entries/{entry.pk}/release/", **HX)
        assert response.status_code == 200
        assert "هنوز کسی برنداشته" in html_of(response)
        entry.refresh_from_db()
        assert entry.claimed_by is None

    def test_claim_conflict_shows_the_409_message(self, client, moderator, moderator2, submit):
        entry = entry_of(submit())
        services.queue_claim(moderator=moderator2, entry_id=entry.pk)
        client.force_login(moderator)
        html = html_of(client.get("/moderation/arak/"))
        assert "برداشته‌ی <bdi>ناظر دوم</bdi>" in html
        assert 'data-claimed="other"' in html

        response = client.post(f"/moderation/arak/entries/{entry.pk}/claim/")
        assert response.status_code == 409
        html = html_of(response)
        assert count_testid(html, "entry-error") == 1
        assert "ناظر دیگری این مورد را برداشته است" in html
        entry.refresh_from_db()
        assert entry.claimed_by == moderator2

        response = client.post(f"/moderation/arak/entries/{entry.pk}/claim/", **HX)
        assert response.status_code == 409
        fragment = html_of(response)
        assert "<html" not in fragment
        assert "ناظر دیگری این مورد را برداشته است" in fragment
        assert f'data-entry-id="{entry.pk}"' in fragment

    def test_releasing_someone_elses_claim_is_refused(self, client, moderator, moderator2, submit):
        entry = entry_of(submit())
        services.queue_claim(moderator=moderator2, entry_id=entry.pk)
        client.force_login(moderator)
        response = client.post(f"/moderation/arak/entries/{entry.pk}/release/")
        assert response.status_code == 409
        assert "این مورد را شما برنداشته‌اید" in html_of(response)

    def test_get_is_not_allowed(self, client, moderator, submit):
        entry = entry_of(submit())
        client.force_login(moderator)
        assert client.get(f"/moderation/arak/entries/{entry.pk}/claim/").status_code == 405


@pytest.mark.django_db
class TestDecisions:
    def decide(self, client, entry, **data):
        return client.post(f"/moderation/arak/entries/{entry.pk}/decide/", data)

    def test_reject_without_a_rule_is_400_and_changes_nothing(self, client, moderator, submit):
        problem = submit()
        entry = entry_of(problem)
        client.force_login(moderator)
        response = self.decide(
            client, entry, outcome="reject", public_note="یادداشتی که نباید گم شود"
        )
        assert response.status_code == 400
        html = html_of(response)
        assert "برای رد یا پنهان کردن دست‌کم یک قاعده را ذکر کنید" in html
        assert count_testid(html, "entry-error") == 1
        assert "یادداشتی که نباید گم شود" in html  # the typed note is kept
        problem.refresh_from_db()
        entry.refresh_from_db()
        assert problem.moderation_state == "pending"
        assert entry.closed_at is None
        assert Decision.objects.count() == 0
        assert Notification.objects.count() == 0

    def test_reject_citing_a_rule(self, client, moderator, submit):
        problem = submit()
        entry = entry_of(problem)
        client.force_login(moderator)
        response = self.decide(
            client,
            entry,
            outcome="reject",
            rules=["slander", "insult"],
            public_note="نام شخص را بردارید.",
            internal_note="برای بار دوم",
        )
        assert response.status_code == 302
        assert response["Location"] == "/moderation/arak/"
        problem.refresh_from_db()
        assert problem.moderation_state == "rejected"
        decision = Decision.objects.get()
        assert {r.code for r in decision.rules.all()} == {"slander", "insult"}
        assert decision.internal_note == "برای بار دوم"
        html = html_of(client.get("/moderation/arak/"))
        assert "تصمیم «رد» ثبت و به نویسنده اعلام شد" in html
        assert count_testid(html, "queue-entry") == 0
        assert count_testid(html, "queue-empty") == 1

    def test_htmx_decision_returns_a_notice_for_the_entry(self, client, moderator, submit):
        entry = entry_of(submit())
        client.force_login(moderator)
        response = client.post(
            f"/moderation/arak/entries/{entry.pk}/decide/", {"outcome": "approve"}, **HX
        )
        assert response.status_code == 200
        fragment = html_of(response)
        assert count_testid(fragment, "decided-entry") == 1
        assert "«تأیید و انتشار»" in fragment
        assert "data-entry-id" not in fragment

    def test_own_content_is_refused_403(self, client, moderator, submit):
        entry = entry_of(submit(author=moderator))
        client.force_login(moderator)
        response = self.decide(client, entry, outcome="approve")
        assert response.status_code == 403
        assert "ناظر درباره‌ی نوشته‌ی خودش تصمیم نمی‌گیرد" in html_of(response)

    def test_appeal_goes_to_another_moderator(self, client, moderator, moderator2, submit):
        author = UserFactory()
        problem = submit(author=author)
        decision = reject(moderator, problem)
        services.appeal_submit(author=author, decision=decision, message="اتهامی در کار نیست.")
        appeal_entry = entry_of(problem)
        client.force_login(moderator)
        html = html_of(client.get("/moderation/arak/"))
        assert "درخواست بازبینی" in html
        assert "اتهامی در کار نیست." in html
        assert count_testid(html, "appeal-message") == 1
        response = self.decide(client, appeal_entry, outcome="approve")
        assert response.status_code == 403
        assert "درخواست بازبینی را ناظری دیگر جز ردکننده بررسی می‌کند" in html_of(response)
        client.force_login(moderator2)
        assert self.decide(client, appeal_entry, outcome="approve").status_code == 302
        problem.refresh_from_db()
        assert problem.moderation_state == "published"

    def test_decided_entry_and_other_city(
        self, client, moderator, moderator2, qom_moderator, submit, qom
    ):
        entry = entry_of(submit())
        services.decision_apply(moderator=moderator2, entry_id=entry.pk, outcome="approve")
        client.force_login(moderator)
        response = self.decide(client, entry, outcome="approve")
        assert response.status_code == 409
        assert "پیش‌تر تصمیم گرفته شده است" in html_of(response)
        client.force_login(qom_moderator)
        entry2 = entry_of(submit(title="نوشته‌ی دیگر"))
        response = client.post(
            f"/moderation/qom/entries/{entry2.pk}/decide/", {"outcome": "approve"}
        )
        assert response.status_code == 403
        assert "شما ناظر این شهر نیستید" in html_of(response)
        assert QueueEntry.objects.get(pk=entry2.pk).closed_at is None

    def test_hidden_content_offers_restore(self, client, moderator, plan, settings):
        settings.MODERATION_REPORT_THRESHOLD = 1
        problem = ProblemFactory(plan=plan)
        services.report_submit(reporter=UserFactory(), content=problem, rule_code="advertising")
        client.force_login(moderator)
        html = html_of(client.get("/moderation/arak/"))
        assert "گزارش کاربران" in html
        assert "پنهان‌شده" in html
        assert 'value="restore"' in html
        assert 'value="approve"' not in html


# The audit page ------------------------------------------------------------------------


@pytest.mark.django_db
class TestHistory:
    @pytest.fixture
    def decided(self, moderator, submit):
        problem = submit(title="مسئله‌ی ردشده")
        return reject(moderator, problem, note="یادداشت عمومی", internal="یادداشت محرمانه")

    @pytest.mark.parametrize("who", ["moderator", "city_admin"])
    def test_city_staff_see_internal_notes(self, client, request, decided, who):
        client.force_login(request.getfixturevalue(who))
        response = client.get("/moderation/arak/decisions/")
        html = html_of(response)
        assert response.status_code == 200
        assert RTL in html
        assert count_testid(html, "decision-row") == 1
        assert "مسئله‌ی ردشده" in html
        assert "یادداشت عمومی" in html
        assert "یادداشت محرمانه" in html
        assert count_testid(html, "internal-note") == 1
        assert "slander" in html
        assert "بدون تهمت و افترا" in html
        assert "نسخه‌ی ۱" in html
        assert re.search(r"۱۴[۰-۹]{2}/[۰-۹]{2}/[۰-۹]{2}", html)

    @pytest.mark.parametrize("who", ["citizen", "planner", "qom_moderator"])
    def test_others_are_refused_and_see_no_notes(self, client, request, decided, who):
        client.force_login(request.getfixturevalue(who))
        response = client.get("/moderation/arak/decisions/")
        assert response.status_code == 403
        assert "یادداشت محرمانه" not in html_of(response)

    def test_paginated(self, client, moderator, submit):
        for n in range(26):
            entry = entry_of(submit(title=f"مسئله‌ی {n}"))
            services.decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
        client.force_login(moderator)
        html = html_of(client.get("/moderation/arak/decisions/"))
        assert count_testid(html, "decision-row") == 25
        assert "صفحه‌ی ۱ از ۲" in html
        html = html_of(client.get("/moderation/arak/decisions/", {"page": "2"}))
        assert count_testid(html, "decision-row") == 1


# Public pages -----------------------------------------------------------------------------


@pytest.mark.django_db
class TestPublicPages:
    def test_rules_show_current_versions_and_fold_older(self, client):
        Rule.objects.create(
            code="slander",
            version=2,
            title="بدون تهمت، افترا و شایعه",
            description="متن تازه‌ی قاعده.",
            position=2,
        )
        response = client.get("/rules/")
        html = html_of(response)
        assert response.status_code == 200
        assert RTL in html
        assert "پس از تأیید ناظران" in html
        assert count_testid(html, "rule") == 7
        current = html.index("بدون تهمت، افترا و شایعه")
        folded = html.index('data-testid="older-versions"')
        assert current < folded < html.index("بدون تهمت و افترا")
        assert "نسخه‌ی ۲" in html
        assert "اصل کلی" in html

    def test_transparency_counts_without_personal_data(self, client, moderator, submit, arak, qom):
        author = UserFactory(display_name="نویسنده‌ی خاص")
        reject(moderator, submit(author=author), internal="محرمانه")
        entry = entry_of(submit(title="دومی"))
        services.decision_apply(moderator=moderator, entry_id=entry.pk, outcome="approve")
        response = client.get("/transparency/")
        html = html_of(response)
        assert response.status_code == 200
        assert RTL in html
        assert count_testid(html, "stat-month") == 1
        assert re.search(
            r"(فروردین|اردیبهشت|خرداد|تیر|مرداد|شهریور|مهر|آبان|آذر|دی|بهمن|اسفند) ۱۴[۰-۹]{2}", html
        )
        # Citizens read a rule by its title, never by its code (docs/accessibility.md).
        assert "بدون تهمت و افترا" in html
        assert ">slander<" not in html
        assert "بدون تهمت و افترا" in html
        assert "تأیید و انتشار" in html
        assert "کمتر از یک دقیقه" in html
        assert "نویسنده‌ی خاص" not in html
        assert "محرمانه" not in html
        assert moderator.display_name not in html
        qom_html = html_of(client.get("/transparency/", {"city": "qom"}))
        assert count_testid(qom_html, "stat-month") == 0
        assert "هنوز تصمیمی" in qom_html
        assert client.get("/transparency/", {"city": "nowhere"}).status_code == 404

    def test_footer_links(self, client):
        html = html_of(client.get("/"))
        assert 'href="/rules/"' in html
        assert 'href="/transparency/"' in html


# Reports ----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestReports:
    @pytest.fixture
    def problem(self, plan, citizen):
        return ProblemFactory(plan=plan, author=citizen, title="مسئله‌ی شهروند")

    def test_report_button_for_others_only(self, client, problem, citizen, citizen2):
        CommentFactory(problem=problem, author=citizen2)
        html = html_of(client.get(f"/problems/{problem.pk}/"))
        assert count_testid(html, "report") == 0  # anonymous
        client.force_login(citizen)
        html = html_of(client.get(f"/problems/{problem.pk}/"))
        assert count_testid(html, "report") == 1  # only the comment by someone else
        client.force_login(citizen2)
        html = html_of(client.get(f"/problems/{problem.pk}/"))
        assert count_testid(html, "report") == 1  # only the problem

    def test_form_fragment_lists_citeable_rules(self, client, problem, citizen2):
        client.force_login(citizen2)
        response = client.get(f"/report/problem/{problem.pk}/", **HX)
        html = html_of(response)
        assert response.status_code == 200
        assert "<html" not in html
        assert count_testid(html, "report-form") == 1
        assert html.count("<option value=") == CITEABLE + 1
        page = html_of(client.get(f"/report/problem/{problem.pk}/"))
        assert RTL in page
        assert "مسئله‌ی شهروند" in page

    def test_report_then_duplicate(self, client, problem, citizen2):
        client.force_login(citizen2)
        response = client.post(
            f"/report/problem/{problem.pk}/", {"rule": "advertising", "details": "آگهی است"}
        )
        assert response.status_code == 302
        assert response["Location"] == f"/problems/{problem.pk}/"
        assert "گزارش شما ثبت شد" in html_of(client.get(response["Location"]))
        report = Report.objects.get()
        assert report.rule.code == "advertising"
        assert report.reporter == citizen2
        response = client.post(f"/report/problem/{problem.pk}/", {"rule": "insult"})
        assert response.status_code == 409
        html = html_of(response)
        assert "این نوشته را پیش‌تر گزارش کرده‌اید" in html
        assert count_testid(html, "report-error") == 1
        assert Report.objects.count() == 1

    def test_htmx_report_answers_with_the_notice(self, client, plan, citizen2):
        proposal = ProposalFactory(plan=plan)
        client.force_login(citizen2)
        response = client.post(f"/report/proposal/{proposal.pk}/", {"rule": "off-topic"}, **HX)
        assert response.status_code == 200
        assert count_testid(html_of(response), "report-notice") == 1
        assert "گزارش شما ثبت شد" in html_of(response)

    def test_comment_report_returns_to_its_thread(self, client, problem, citizen2):
        comment = CommentFactory(problem=problem)
        client.force_login(citizen2)
        response = client.post(f"/report/comment/{comment.pk}/", {"rule": "insult"})
        assert response["Location"] == f"/problems/{problem.pk}/#comment-{comment.pk}"

    def test_refusals(self, client, problem, citizen, citizen2, plan):
        assert client.post(f"/report/problem/{problem.pk}/", {"rule": "insult"}).status_code == 302
        assert Report.objects.count() == 0  # anonymous: sent to sign in
        client.force_login(citizen)
        response = client.post(f"/report/problem/{problem.pk}/", {"rule": "insult"})
        assert response.status_code == 400
        assert "نوشته‌ی خودتان را نمی‌توانید گزارش کنید" in html_of(response)
        client.force_login(citizen2)
        response = client.post(f"/report/problem/{problem.pk}/", {"rule": ""})
        assert response.status_code == 400
        assert "قاعده‌ای را" in html_of(response)
        response = client.post(f"/report/problem/{problem.pk}/", {"rule": "review-first"})
        assert response.status_code == 400
        assert "قابل استناد نیست" in html_of(response)
        pending = ProblemFactory(plan=plan, moderation_state="pending")
        assert client.post(f"/report/problem/{pending.pk}/", {"rule": "insult"}).status_code == 404
        assert client.get("/report/plan/1/").status_code == 404
        assert Report.objects.count() == 0


# Appeals ----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestAppeals:
    @pytest.fixture
    def rejected(self, moderator, submit, citizen):
        problem = submit(author=citizen, title="مسئله‌ی ردشده‌ی من")
        decision = reject(moderator, problem, rules=["slander"], note="نام شخص را بردارید.")
        return problem, decision

    def test_my_posts_shows_the_rejection_and_the_appeal_form(self, client, rejected, citizen):
        problem, decision = rejected
        client.force_login(citizen)
        html = html_of(client.get("/me/posts/"))
        assert count_testid(html, "rejection") == 1
        assert f'id="decision-problem-{problem.pk}"' in html
        assert f'href="#decision-problem-{problem.pk}"' in html
        # Citizens read a rule by its title, never by its code (docs/accessibility.md).
        assert "بدون تهمت و افترا" in html
        assert ">slander<" not in html
        assert "بدون تهمت و افترا" in html
        assert "نام شخص را بردارید." in html
        assert count_testid(html, "appeal-form") == 1
        assert f'action="/appeals/{decision.pk}/"' in html

    def test_appeal_returns_the_post_to_review(self, client, rejected, citizen):
        problem, decision = rejected
        client.force_login(citizen)
        response = client.post(f"/appeals/{decision.pk}/", {"message": "نامی نبرده‌ام."})
        assert response.status_code == 302
        assert response["Location"] == "/me/posts/"
        html = html_of(client.get("/me/posts/"))
        assert "درخواست بازبینی شما ثبت شد" in html
        assert count_testid(html, "rejection") == 0
        assert "در انتظار بررسی" in html
        problem.refresh_from_db()
        assert problem.moderation_state == "pending"
        assert QueueEntry.objects.get(problem=problem, closed_at__isnull=True).reason == "appeal"
        response = client.post(f"/appeals/{decision.pk}/", {"message": "دوباره"})
        assert response.status_code == 409
        assert "پیش‌تر درخواست بازبینی داده‌اید" in html_of(response)
        assert Appeal.objects.count() == 1

    def test_refusals(self, client, rejected, citizen, citizen2, moderator, moderator2):
        problem, decision = rejected
        client.force_login(citizen)
        response = client.post(f"/appeals/{decision.pk}/", {"message": "   "})
        assert response.status_code == 400
        assert "دلیل درخواست بازبینی را بنویسید" in html_of(response)
        page = html_of(client.get(f"/appeals/{decision.pk}/"))
        assert count_testid(page, "appeal-form") == 1
        assert "بدون تهمت و افترا" in page
        client.force_login(citizen2)  # not the author: nothing to see
        assert client.post(f"/appeals/{decision.pk}/", {"message": "x"}).status_code == 404
        client.logout()
        assert client.post(f"/appeals/{decision.pk}/", {"message": "x"}).status_code == 302
        assert Appeal.objects.count() == 0

        # A rejection upheld on appeal is final: no form, and a refusal if posted anyway.
        services.appeal_submit(author=citizen, decision=decision, message="لطفاً دوباره")
        final = services.decision_apply(
            moderator=moderator2,
            entry_id=entry_of(problem).pk,
            outcome="reject",
            rule_codes=["slander"],
        )
        client.force_login(citizen)
        html = html_of(client.get("/me/posts/"))
        assert count_testid(html, "rejection") == 1
        assert count_testid(html, "appeal-form") == 0
        assert count_testid(html, "appeal-closed") == 1
        response = client.post(f"/appeals/{final.pk}/", {"message": "باز هم"})
        assert response.status_code == 409
        assert "نتیجه‌ی بازبینی نهایی است" in html_of(response)

    def test_notifications_render_the_decision(self, client, rejected, citizen):
        problem, decision = rejected
        client.force_login(citizen)
        html = html_of(client.get("/notifications/"))
        assert count_testid(html, "decision-notification") == 1
        assert "مسئله‌ی ردشده‌ی من" in html
        assert "منتشر نشد" in html
        # Citizens read a rule by its title, never by its code (docs/accessibility.md).
        assert "بدون تهمت و افترا" in html
        assert ">slander<" not in html
        assert "بدون تهمت و افترا" in html
        assert "نام شخص را بردارید." in html
        assert count_testid(html, "appeal-form") == 1
        assert f'action="/appeals/{decision.pk}/"' in html

    def test_approval_notification_has_no_appeal(self, client, moderator, submit, citizen):
        problem = submit(author=citizen)
        services.decision_apply(
            moderator=moderator, entry_id=entry_of(problem).pk, outcome="approve"
        )
        client.force_login(citizen)
        html = html_of(client.get("/notifications/"))
        assert "منتشر شد" in html
        assert count_testid(html, "appeal-form") == 0
        assert f'href="/problems/{problem.pk}/"' in html

    def test_triage_notification(self, client, citizen):
        Notification.objects.create(
            user=citizen,
            kind="triage.outcome",
            payload={
                "action": "accept",
                "problem": 1,
                "summary": "ترافیک میدان",
                "entry": {"id": 3, "code": "T-4", "title": "ترافیک مرکز شهر"},
                "reason": "",
            },
        )
        client.force_login(citizen)
        html = html_of(client.get("/notifications/"))
        assert count_testid(html, "triage-notification") == 1
        assert "در فهرست مسائل برنامه پذیرفتند" in html
        assert "ترافیک مرکز شهر" in html


@pytest.mark.django_db
def test_notification_offers_no_second_appeal(client, default_rules, arak):
    from moderation import services as moderation_services
    from moderation.models import QueueEntry
    from participation.services import problem_submit
    from tests.factories import PlanFactory, StaffRoleFactory, UserFactory

    author = UserFactory()
    moderator = StaffRoleFactory(city=arak, role="moderator").user
    problem = problem_submit(author=author, plan=PlanFactory(city=arak), title="عنوان", body="شرح")
    decision = moderation_services.decision_apply(
        moderator=moderator,
        entry_id=QueueEntry.objects.get(problem=problem).pk,
        outcome="reject",
        rule_codes=["insult"],
    )
    client.force_login(author)
    assert 'data-testid="appeal-form"' in client.get("/notifications/").content.decode()
    moderation_services.appeal_submit(author=author, decision=decision, message="بازبینی")
    assert 'data-testid="appeal-form"' not in client.get("/notifications/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["pending", "hidden", "rejected"])
def test_reporting_what_one_cannot_see_is_404_on_the_web(client, default_rules, plan, state):
    from tests.factories import ProblemFactory, UserFactory

    problem = ProblemFactory(plan=plan, moderation_state=state)
    client.force_login(UserFactory())
    assert client.get(f"/report/problem/{problem.pk}/").status_code == 404
    response = client.post(f"/report/problem/{problem.pk}/", {"rule": "insult"})
    assert response.status_code == 404
    assert not Report.objects.exists()
