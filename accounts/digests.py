"""Digests: a short Persian summary of a person's unread notifications, sent through the
pluggable digest sender (accounts/digest_senders.py) by the `send_digests` command.

- Who: active people whose `digest_frequency` (on /profile/) is daily or weekly. The
  default is off: every SMS costs the city, and the inbox and its live badge already tell
  a person who visits.
- What: the unread notifications newer than the last one the previous digest covered; a
  person with none gets nothing.
- Once: one `DigestSent` per person per period (the Tehran day, or the ISO week), unique in
  the database. A run inserts the record and sends inside one transaction, so two runs at
  once cannot both send (the second waits on the unique key, then skips), and a sender that
  fails rolls the record back for the next run.
"""

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.digest_senders import DigestDeliveryError, get_digest_sender
from accounts.models import DigestSent, Notification, User
from backend.persian import to_persian_digits

logger = logging.getLogger("hamandishi.digests")


def digest_period(frequency: str, now: datetime) -> str:
    """The period a digest sent at `now` belongs to: «2026-12-01» or «2026-W49»."""
    day = timezone.localtime(now).date()
    if frequency == User.Digest.WEEKLY:
        year, week, _weekday = day.isocalendar()
        return f"{year}-W{week:02d}"
    return day.isoformat()


def digest_message(count: int, link: str) -> str:
    """SMS-length: how many, and where to read them."""
    return f"هم‌اندیشی: {to_persian_digits(count)} اعلان خوانده‌نشده دارید. دیدن: {link}"


def _inbox_link() -> str:
    return settings.SITE_URL.rstrip("/") + "/notifications/"


@dataclass(frozen=True)
class DigestRun:
    sent: int
    skipped: int
    failed: int


def _due_people():
    """People who asked for digests, with the id of the newest notification their last
    digest covered and how many unread ones came after it: one query."""
    last = (
        DigestSent.objects.filter(user=OuterRef("pk"))
        .order_by()
        .values("user")
        .annotate(last=Max("last_notification_id"))
        .values("last")
    )
    people = (
        User.objects.filter(is_active=True)
        .exclude(digest_frequency=User.Digest.OFF)
        .annotate(covered=Coalesce(Subquery(last, output_field=IntegerField()), Value(0)))
    )
    unread = (
        Notification.objects.filter(
            user=OuterRef("pk"), read_at__isnull=True, id__gt=OuterRef("covered")
        )
        .order_by()
        .values("user")
        .annotate(n=Count("pk"), newest=Max("pk"))
    )
    return (
        people.annotate(
            unread=Subquery(unread.values("n"), output_field=IntegerField()),
            newest=Subquery(unread.values("newest"), output_field=IntegerField()),
        )
        .filter(unread__gt=0)
        .order_by("pk")
    )


def digests_send(*, now: datetime | None = None) -> DigestRun:
    """Send each due person one digest for this period and record it; returns how many
    were sent, skipped (already sent this period, by this run or another) and failed."""
    now = now or timezone.now()
    sender = get_digest_sender()
    link = _inbox_link()
    sent = skipped = failed = 0
    for person in _due_people():
        period = digest_period(person.digest_frequency, now)
        message = digest_message(person.unread, link)
        try:
            with transaction.atomic():
                DigestSent.objects.create(
                    user=person,
                    period=period,
                    last_notification_id=person.newest,
                    count=person.unread,
                )
                sender.send(user=person, subject="خلاصه‌ی اعلان‌های هم‌اندیشی", message=message)
        except IntegrityError:
            skipped += 1
        except DigestDeliveryError as error:
            logger.warning("digest for user %s not sent: %s", person.pk, error)
            failed += 1
        else:
            sent += 1
    return DigestRun(sent=sent, skipped=skipped, failed=failed)
