"""Feedback on the web pages (issue 13, findings 2, 3 and 9): notifications read when seen,
pages of notifications and of «نوشته‌های من», the toast fragment, «کد تازه بفرست» too soon,
the footer's language buttons, the visible sort on /problems/ and compressed pages."""

import gzip
import re

import pytest
from django.test import Client

from accounts.models import Notification
from accounts.services import notification_send
from backend.persian import to_persian_digits
from tests.factories import CommentFactory, ProblemFactory

pytestmark = pytest.mark.django_db


def send(user, n: int = 1, message: str = "پیام") -> None:
    for i in range(n):
        notification_send(user_ids=[user.pk], kind="k", payload={"message": f"{message} {i}"})


class TestNotificationsReadWhenSeen:
    def test_opening_the_inbox_marks_the_shown_ones_read_and_highlights_them_once(
        self, client, citizen
    ):
        send(citizen, 2)
        client.force_login(citizen)
        html = client.get("/notifications/").content.decode()
        assert html.count('data-testid="new-label"') == 2
        assert not Notification.objects.filter(user=citizen, read_at__isnull=True).exists()
        # Nothing left unread: no «همه را …» button, and the second visit shows nothing new.
        assert 'data-testid="mark-all-read"' not in html
        again = client.get("/notifications/").content.decode()
        assert 'data-testid="new-label"' not in again

    def test_only_the_page_shown_is_marked_read(self, client, citizen):
        send(citizen, 25)
        client.force_login(citizen)
        html = client.get("/notifications/").content.decode()
        unread = Notification.objects.filter(user=citizen, read_at__isnull=True)
        assert unread.count() == 5  # 25 − the 20 on the first page
        # The oldest five are still unread, and the button for them is offered.
        assert set(unread.values_list("payload__message", flat=True)) == {
            f"پیام {i}" for i in range(5)
        }
        assert "همه را خوانده‌شده علامت بزن" in html
        client.get("/notifications/?page=2")
        assert not unread.exists()

    def test_someone_elses_notifications_are_untouched(self, client, citizen, citizen2):
        send(citizen2, 1)
        client.force_login(citizen)
        client.get("/notifications/")
        assert Notification.objects.get(user=citizen2).read_at is None

    def test_the_button_still_marks_everything_read(self, client, citizen):
        send(citizen, 25)
        client.force_login(citizen)
        response = client.post("/notifications/")
        assert response.status_code == 302
        assert not Notification.objects.filter(user=citizen, read_at__isnull=True).exists()


class TestPagination:
    def test_notifications_come_twenty_a_page_with_persian_page_links(self, client, citizen):
        send(citizen, 45)
        client.force_login(citizen)
        first = client.get("/notifications/").content.decode()
        assert first.count('data-testid="notification"') == 20
        assert 'aria-label="صفحه‌های اعلان‌ها"' in first
        assert "صفحه‌ی ۱ از ۳" in first
        assert 'rel="next" href="?page=2"' in first
        last = client.get("/notifications/?page=3").content.decode()
        assert last.count('data-testid="notification"') == 5
        assert 'rel="prev" href="?page=2"' in last

    @pytest.mark.parametrize("page", ["0", "abc", "99", "-1", "۲"])
    def test_a_bad_page_number_gives_a_real_page_not_an_error(self, client, citizen, page):
        send(citizen, 25)
        client.force_login(citizen)
        response = client.get("/notifications/", {"page": page})
        assert response.status_code == 200
        assert 'data-testid="notification"' in response.content.decode()

    def test_my_posts_pages_each_kind_on_its_own(self, client, citizen, plan):
        for i in range(23):
            ProblemFactory(plan=plan, author=citizen, title=f"مسئله‌ی من {i}")
        problem = ProblemFactory(plan=plan)
        for _ in range(3):
            CommentFactory(problem=problem, author=citizen)
        client.force_login(citizen)
        html = client.get("/me/posts/").content.decode()
        assert html.count('data-testid="my-problem"') == 20
        assert html.count('data-testid="my-comment"') == 3
        assert 'aria-label="صفحه‌های مسئله‌ها"' in html
        assert 'href="?problems_page=2"' in html
        assert "صفحه‌های نظرها" not in html  # one page only: no links
        second = client.get("/me/posts/", {"problems_page": "2", "comments_page": "1"})
        page2 = second.content.decode()
        assert page2.count('data-testid="my-problem"') == 3
        # The other list's page is kept in the links.
        assert 'href="?comments_page=1"' in page2
        assert page2.count('data-testid="my-comment"') == 3

    def test_my_posts_rows_carry_the_ids_the_live_update_swaps(self, client, citizen, plan):
        problem = ProblemFactory(plan=plan, author=citizen, moderation_state="pending")
        client.force_login(citizen)
        html = client.get("/me/posts/").content.decode()
        assert f'id="post-problem-{problem.pk}" data-live-row' in html
        assert 'id="my-rejections-block" data-my-posts data-live-block' in html


class TestToast:
    def test_a_decision_toast_says_what_happened_and_links_to_the_post(self, client, citizen):
        (note,) = notification_send(
            user_ids=[citizen.pk],
            kind="moderation.decision",
            payload={
                "outcome": "approve",
                "content_type": "problem",
                "object_id": 7,
                "state": "published",
                "summary": "چاله‌ی خیابان",
            },
        )
        client.force_login(citizen)
        response = client.get(f"/notifications/{note.pk}/toast/")
        html = response.content.decode()
        assert response.status_code == 200
        assert "مسئله‌ی شما" in html
        assert "«<bdi>چاله‌ی خیابان</bdi>»" in html
        assert "منتشر شد." in html
        assert 'href="/problems/7/"' in html
        # The toast is a fragment, not a page.
        assert "<html" not in html

    def test_a_rejection_toast_leads_to_the_appeal(self, client, citizen):
        (note,) = notification_send(
            user_ids=[citizen.pk],
            kind="moderation.decision",
            payload={
                "outcome": "reject",
                "content_type": "comment",
                "object_id": 3,
                "summary": "x",
            },
        )
        client.force_login(citizen)
        html = client.get(f"/notifications/{note.pk}/toast/").content.decode()
        assert "منتشر نشد." in html
        assert 'href="/me/posts/#decision-comment-3"' in html

    def test_another_persons_notification_is_not_found(self, client, citizen, citizen2):
        (note,) = notification_send(user_ids=[citizen2.pk], kind="k", payload={"message": "x"})
        client.force_login(citizen)
        assert client.get(f"/notifications/{note.pk}/toast/").status_code == 404

    def test_signed_out_is_sent_to_sign_in(self, client, citizen):
        (note,) = notification_send(user_ids=[citizen.pk], kind="k", payload={"message": "x"})
        assert client.get(f"/notifications/{note.pk}/toast/").status_code == 302

    def test_reading_a_toast_does_not_mark_it_read(self, client, citizen):
        (note,) = notification_send(user_ids=[citizen.pk], kind="k", payload={"message": "x"})
        client.force_login(citizen)
        client.get(f"/notifications/{note.pk}/toast/")
        note.refresh_from_db()
        assert note.read_at is None


@pytest.mark.usefixtures("limits_clock")
class TestResendCodeTooSoon:
    def ask(self, client, **extra):
        return client.post(
            "/signin/", {"step": "request", "phone": "09121234567", "next": "/", **extra}
        )

    def test_resend_within_the_minute_stays_on_the_code_step_with_the_wait(self, client, outbox):
        assert self.ask(client).status_code == 200
        response = self.ask(client, resend="1")
        html = response.content.decode()
        assert response.status_code == 429
        assert 'data-testid="code-form"' in html
        assert 'data-testid="phone-form"' not in html
        wait = int(response["Retry-After"])
        assert 0 < wait <= 61
        match = re.search(r"کد تازه را ([۰-۹]+) ثانیه‌ی دیگر می‌توانید بخواهید", html)
        assert match
        assert match.group(1) == to_persian_digits(str(wait))
        assert len(outbox.outbox) == 1  # nothing more was sent

    def test_the_first_code_still_signs_in_after_a_refused_resend(self, client, outbox):
        self.ask(client)
        self.ask(client, resend="1")
        code = outbox.last_code_for("09121234567")
        response = client.post(
            "/signin/", {"step": "verify", "phone": "09121234567", "code": code, "next": "/"}
        )
        assert response.status_code == 302

    def test_a_long_wait_is_said_in_minutes(self, client, settings):
        settings.OTP_LIMIT_PER_PHONE = [(1, 3600)]
        self.ask(client)
        html = self.ask(client, resend="1").content.decode()
        assert re.search(r"کد تازه را [۰-۹]+ دقیقه‌ی دیگر", html)

    def test_the_number_step_asked_twice_still_shows_the_number_step(self, client):
        self.ask(client)
        html = self.ask(client).content.decode()
        assert 'data-testid="phone-form"' in html
        assert 'data-testid="signin-error"' in html


class TestSmallPages:
    def test_the_footer_offers_a_button_per_other_language_not_a_select(self, client):
        html = client.get("/plans/").content.decode()
        footer = html[html.index('data-testid="language-switch"') :]
        footer = footer[: footer.index("</form>")]
        assert "<select" not in footer
        assert re.search(r'<button type="submit" name="language" value="en"[^>]*>English<', footer)
        assert 'aria-current="true">فارسی<' in footer

    def test_sorting_is_outside_the_more_filters(self, client):
        html = client.get("/problems/").content.decode()
        assert html.index('id="f-ordering"') < html.index('class="more-filters"')
        assert '<details class="more-filters" open' not in html

    def test_in_page_actions_are_disabled_and_show_progress_while_sending(
        self, client, citizen, plan
    ):
        problem = ProblemFactory(plan=plan)
        client.force_login(citizen)
        html = client.get(f"/problems/{problem.pk}/").content.decode()
        support = html[html.index('id="support-box"') :]
        assert 'hx-disabled-elt="find button"' in support[: support.index("</form>")]
        assert "در حال ارسال…" in support[: support.index("</form>")]


class TestCompression:
    def test_pages_are_gzipped_for_browsers_that_accept_it(self, client, plan):
        for i in range(30):
            ProblemFactory(plan=plan, title=f"مسئله‌ای برای فشرده‌سازی {i}")
        response = client.get("/problems/", headers={"accept-encoding": "gzip, br"})
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        html = gzip.decompress(response.content).decode()
        assert "مسئله‌ای برای فشرده‌سازی" in html
        assert len(response.content) < len(html.encode()) / 3

    def test_no_compression_without_accept_encoding(self, client):
        response = client.get("/problems/")
        assert not response.has_header("Content-Encoding")

    def test_the_sign_in_page_is_never_compressed(self, client):
        # It shows the demo code beside the number the visitor typed (BREACH).
        for response in (
            client.get("/signin/", headers={"accept-encoding": "gzip"}),
            client.post(
                "/signin/",
                {"step": "request", "phone": "09121234567"},
                headers={"accept-encoding": "gzip"},
            ),
        ):
            assert not response.has_header("Content-Encoding")

    def test_api_answers_with_a_new_token_are_not_compressed(self, outbox):
        api = Client()
        api.post(
            "/api/v1/auth/otp/request", {"phone": "09121234567"}, content_type="application/json"
        )
        code = outbox.last_code_for("09121234567")
        response = api.post(
            "/api/v1/auth/otp/verify",
            {"phone": "09121234567", "code": code},
            content_type="application/json",
            headers={"accept-encoding": "gzip"},
        )
        assert response.status_code == 200
        assert not response.has_header("Content-Encoding")

    def test_static_files_are_compressed(self, client):
        response = client.get("/static/frontend/app.css", headers={"accept-encoding": "gzip"})
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert b"Feedback" in gzip.decompress(body)
