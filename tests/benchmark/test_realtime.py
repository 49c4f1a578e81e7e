"""Realtime at scale (benchmark/realtime.py) with small numbers, against real uvicorn workers,
the test database and Redis. Timings are never asserted: that every socket opened, every
event arrived, and the rows carry their samples."""

import importlib
import os
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from accounts.models import StaffRole, User
from benchmark import realtime
from moderation.models import Decision
from participation.models import Problem
from tests.factories import PlanFactory

needs_redis = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL")


@pytest.fixture
def rules(db):
    """The migration's rules (a transactional test's flush removes migration data)."""
    importlib.import_module("moderation.migrations.0003_default_rules").create_rules(apps, None)


@needs_redis
@pytest.mark.django_db(transaction=True)
def test_sockets_fanout_and_decisions_arrive_and_are_reported(rules):
    plan = PlanFactory(city__slug="arak")
    said: list[str] = []
    rows = realtime.realtime_rows(
        plan,
        sockets=50,
        moderators=5,
        decisions=10,
        posts=4,
        say=lambda line: said.append(line) or print(line),
    )
    by_key = {row.key: row for row in rows}
    assert set(by_key) == {
        "rt_sockets",
        "rt_single",
        "rt_decision",
        "rt_fanout",
        "rt_fanout_recheck",
    }

    sockets = by_key["rt_sockets"]
    assert sockets.passed is True  # all 50 open, all 50 delivered, all 50 open at the end
    assert len(sockets.samples) == 50
    assert sockets.value.startswith("50/50 open in ")
    assert "KiB/socket" in sockets.value

    single = by_key["rt_single"]
    assert len(single.samples) == 50  # the sample is every socket when there are few
    assert "lost" not in single.value

    decision = by_key["rt_decision"]
    assert len(decision.samples) == 10
    assert decision.value.startswith("p99 ")
    assert "lost" not in decision.value

    for key in ("rt_fanout", "rt_fanout_recheck"):
        fanout = by_key[key]
        assert len(fanout.samples) == 4, key  # every post reached all 5 moderators
        assert "lost" not in fanout.value, key
    assert by_key["rt_fanout"].passed is not None  # judged against 150 ms
    assert by_key["rt_fanout_recheck"].passed is None  # shown, not judged

    # Only the decision series' append-only records and their two accounts remain.
    assert (
        not User.objects.filter(username__startswith=f"{realtime.PREFIX}")
        .exclude(username__in=[realtime.AUTHOR, realtime.MODERATOR])
        .exists()
    )
    author = User.objects.get(username=realtime.AUTHOR)
    assert set(Problem.objects.values_list("author", flat=True)) == {author.pk}
    assert Decision.objects.filter(author=author).count() == 10 + 5  # timed + warm-up
    assert StaffRole.objects.filter(city=plan.city).count() == 1  # the decision moderator
    assert any("removed the run's accounts" in line for line in said)


@pytest.mark.django_db
def test_the_command_refuses_realtime_without_redis(settings):
    settings.REDIS_URL = ""
    plan = PlanFactory()
    with pytest.raises(CommandError, match="--realtime needs REDIS_URL"):
        call_command("benchmark", "--realtime", "--plan", str(plan.pk), stdout=StringIO())
    assert not User.objects.filter(username__startswith=realtime.PREFIX).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "option", [["--sockets", "0"], ["--moderators", "0"], ["--decisions", "-1"]]
)
def test_the_command_refuses_bad_realtime_counts(settings, option):
    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/0"  # never reached
    plan = PlanFactory()
    with pytest.raises(CommandError, match="at least 1"):
        call_command("benchmark", "--realtime", "--plan", str(plan.pk), *option, stdout=StringIO())
    assert not User.objects.filter(username__startswith=realtime.PREFIX).exists()
