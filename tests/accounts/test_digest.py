"""Digests of unread notifications: who gets one (their preference, default off), what it
says, once per period however often or concurrently the command runs, and a failed send
tried again."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.digest_senders import DigestDeliveryError, OutboxDigestSender, _sender_for
from accounts.digests import digest_period, digests_send
from accounts.models import DigestSent, Notification, User
from accounts.services import notification_send, profile_update
from backend.errors import DomainError
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def outbox(settings):
    settings.DIGEST_SENDER = "accounts.digest_senders.OutboxDigestSender"
    settings.SITE_URL = "https://hamandishi.example"
    OutboxDigestSender.outbox.clear()
    yield OutboxDigestSender.outbox
    OutboxDigestSender.outbox.clear()


def tell(user, n=1):
    for _ in range(n):
        notification_send(user_ids=[user.pk], kind="follow.published", payload={"problem": 1})


def test_off_by_default_and_nothing_is_sent(citizen, outbox):
    assert citizen.digest_frequency == User.Digest.OFF
    tell(citizen, 3)
    assert digests_send().sent == 0
    assert outbox == []


def test_a_daily_reader_gets_one_persian_digest_with_a_link(citizen, outbox):
    profile_update(user=citizen, digest_frequency="daily")
    tell(citizen, 3)
    run = digests_send()
    assert (run.sent, run.skipped, run.failed) == (1, 0, 0)
    [message] = outbox
    assert message["phone"] == citizen.phone
    assert message["message"] == (
        "هم‌اندیشی: ۳ اعلان خوانده‌نشده دارید. دیدن: https://hamandishi.example/notifications/"
    )
    assert len(message["message"]) <= 160  # one SMS
    record = DigestSent.objects.get(user=citizen)
    assert record.count == 3
    assert record.last_notification_id == Notification.objects.latest("pk").pk


def test_never_twice_in_a_period_and_only_what_is_new_next_time(citizen, outbox):
    profile_update(user=citizen, digest_frequency="daily")
    tell(citizen, 2)
    now = timezone.now()
    digests_send(now=now)
    tell(citizen, 1)
    assert digests_send(now=now).sent == 0  # the same day: already sent
    assert len(outbox) == 1
    tomorrow = now + datetime.timedelta(days=1)
    assert digests_send(now=tomorrow).sent == 1
    assert "۱ اعلان" in outbox[-1]["message"]  # only the one after the last digest
    assert digests_send(now=tomorrow + datetime.timedelta(days=1)).sent == 0  # nothing new


def test_read_notifications_are_not_digested(citizen, outbox):
    profile_update(user=citizen, digest_frequency="daily")
    tell(citizen, 2)
    Notification.objects.filter(user=citizen).update(read_at=timezone.now())
    assert digests_send().sent == 0


def test_weekly_is_once_a_week(citizen, outbox):
    profile_update(user=citizen, digest_frequency="weekly")
    monday = timezone.make_aware(datetime.datetime(2026, 11, 30, 12))
    tell(citizen)
    assert digests_send(now=monday).sent == 1
    tell(citizen)
    assert digests_send(now=monday + datetime.timedelta(days=3)).sent == 0
    assert digests_send(now=monday + datetime.timedelta(days=7)).sent == 1
    assert digest_period("weekly", monday) == "2026-W49"
    assert digest_period("daily", monday) == "2026-11-30"


def test_inactive_people_get_nothing(outbox):
    user = UserFactory(digest_frequency="daily", is_active=False)
    tell(user)
    assert digests_send().sent == 0


def test_a_failed_send_is_tried_again(citizen, settings, outbox):
    class Failing(OutboxDigestSender):
        def send(self, *, user, subject, message):
            raise DigestDeliveryError("provider down")

    profile_update(user=citizen, digest_frequency="daily")
    tell(citizen)
    _sender_for.cache_clear()
    settings.DIGEST_SENDER = f"{__name__}.FailingForTest"
    globals()["FailingForTest"] = Failing
    try:
        assert digests_send().failed == 1
        assert not DigestSent.objects.exists()
    finally:
        settings.DIGEST_SENDER = "accounts.digest_senders.OutboxDigestSender"
        _sender_for.cache_clear()
    assert digests_send().sent == 1


def test_the_preference_is_checked(citizen):
    with pytest.raises(DomainError):
        profile_update(user=citizen, digest_frequency="hourly")


def test_the_command_reports_what_it_did(citizen, capsys, outbox):
    profile_update(user=citizen, digest_frequency="daily")
    tell(citizen)
    call_command("send_digests")
    call_command("send_digests")
    out = capsys.readouterr().out
    assert "digests: 1 sent, 0 skipped, 0 failed" in out
    assert len(outbox) == 1


def test_the_same_period_recorded_elsewhere_is_skipped(citizen, outbox):
    """What a concurrent run that got there first leaves: the unique record wins."""
    profile_update(user=citizen, digest_frequency="daily")
    tell(citizen)
    now = timezone.now()
    DigestSent.objects.create(user=citizen, period=digest_period("daily", now))
    run = digests_send(now=now)
    assert (run.sent, run.skipped) == (0, 1)
    assert outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_send_one_digest(outbox):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    user = UserFactory(digest_frequency="daily")
    tell(user)
    barrier = threading.Barrier(2)
    runs = []

    def run():
        barrier.wait()
        try:
            runs.append(digests_send())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r.sent for r in runs) == 1
    assert len(outbox) == 1


def test_the_api_sets_and_shows_the_preference(as_user, citizen):
    client = as_user(citizen)
    assert client.get("/api/v1/me").json()["digest_frequency"] == "off"
    response = client.patch("/api/v1/me", {"digest_frequency": "daily"}, format="json")
    assert response.status_code == 200
    assert response.json()["digest_frequency"] == "daily"
    bad = client.patch("/api/v1/me", {"digest_frequency": "hourly"}, format="json")
    assert bad.status_code == 400
    assert "digest_frequency" in bad.json()
