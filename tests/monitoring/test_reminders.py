"""The reporting cycle: reminders before a period's due date and when it is overdue, to the
indicator's owner or (without one) the city's planners, at most once per indicator, period
and kind, from the `monitoring_reminders` command."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from accounts.models import Notification
from backend.jalali import parse_date
from monitoring.models import ReminderSent
from monitoring.notify import DUE, OVERDUE, reminders_send
from monitoring.services import measurement_enter

pytestmark = pytest.mark.django_db


def day(text):
    return parse_date(text)


def sent(kind=None):
    rows = Notification.objects.order_by("id")
    return list(rows.filter(kind=kind) if kind else rows)


def test_the_owner_hears_before_the_due_date_and_only_once(make_indicator, owner):
    indicator = make_indicator("e_services", owner=owner)
    # month 1 of 1404 is due on 1404/02/10 (MONITORING_DUE_DAY)
    assert reminders_send(today=day("1404/02/06")) == {DUE: 0, OVERDUE: 0}
    assert reminders_send(today=day("1404/02/08")) == {DUE: 1, OVERDUE: 0}
    (note,) = sent(DUE)
    assert note.user_id == owner.pk
    assert note.payload["indicator"] == indicator.pk
    assert note.payload["periods"] == [[1404, 1]]
    assert note.payload["due"] == day("1404/02/10").isoformat()
    assert reminders_send(today=day("1404/02/09")) == {DUE: 0, OVERDUE: 0}
    assert len(sent()) == 1


def test_overdue_periods_are_sent_once_and_new_ones_later(make_indicator, owner):
    make_indicator("e_services", owner=owner)
    assert reminders_send(today=day("1404/05/15"), days=0)[OVERDUE] == 1
    (note,) = sent(OVERDUE)
    assert note.payload["periods"] == [[1404, 1], [1404, 2], [1404, 3], [1404, 4]]
    assert note.payload["overdue_days"] == (day("1404/05/15") - day("1404/02/10")).days
    assert reminders_send(today=day("1404/05/16"), days=0)[OVERDUE] == 0
    assert reminders_send(today=day("1404/06/11"), days=0)[OVERDUE] == 1
    assert sent(OVERDUE)[-1].payload["periods"] == [[1404, 5]]
    assert ReminderSent.objects.filter(kind="overdue").count() == 5


def test_without_an_owner_the_citys_planners_hear(make_indicator, planner, planner2, qom_planner):
    make_indicator("e_services")
    reminders_send(today=day("1404/02/11"), days=0)
    assert sorted(n.user_id for n in sent(OVERDUE)) == sorted([planner.pk, planner2.pk])


def test_a_reported_period_is_not_reminded(make_indicator, owner, planner, settings):
    settings.MONITORING_REMINDER_DAYS = 5
    indicator = make_indicator("e_services", owner=owner)
    measurement_enter(actor=planner, indicator=indicator, year=1404, period=1, value=3, submit=True)
    assert reminders_send(today=day("1404/02/06")) == {DUE: 0, OVERDUE: 0}
    assert reminders_send(today=day("1404/02/11")) == {DUE: 0, OVERDUE: 0}


def test_the_command_takes_a_jalali_today(make_indicator, owner):
    make_indicator("e_services", owner=owner)
    out = StringIO()
    call_command("monitoring_reminders", today="۱۴۰۴/۰۲/۰۸", stdout=out)
    assert "1 due-soon and 0 overdue" in out.getvalue()
    call_command("monitoring_reminders", today="1404/02/08", stdout=out)
    assert len(sent()) == 1
    with pytest.raises(CommandError):
        call_command("monitoring_reminders", today="فردا")
