"""The follow button on problem, plan item and plan pages (plain form and htmx), «what I
follow» with unfollow and pages, the follow notifications in the inbox, and the digest
preference on the profile."""

import pytest

from accounts.models import Notification
from participation.models import Follow
from tests.factories import PlanItemFactory, ProblemFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets(plan, citizen2):
    return {
        "problem": ProblemFactory(plan=plan, author=citizen2),
        "plan_item": PlanItemFactory(plan=plan, code="1", kind="goal"),
        "plan": plan,
    }


PAGES = {"problem": "/problems/{}/", "plan_item": "/plan-items/{}/", "plan": "/plans/{}/"}
ACTIONS = {
    "problem": "/problems/{}/follow/",
    "plan_item": "/plan-items/{}/follow/",
    "plan": "/plans/{}/follow/",
}


@pytest.mark.parametrize("kind", ["problem", "plan_item", "plan"])
def test_the_page_shows_the_button_and_the_count(kind, targets, client, citizen):
    target = targets[kind]
    Follow.objects.create(user=citizen, **{kind: target})
    client.force_login(citizen)
    page = client.get(PAGES[kind].format(target.pk)).content.decode()
    assert 'data-testid="follow-button"' in page
    assert 'aria-pressed="true"' in page
    assert "۱ دنبال‌کننده" in page
    assert f'action="{ACTIONS[kind].format(target.pk)}"' in page
    assert 'hx-disabled-elt="find button"' in page


@pytest.mark.parametrize("kind", ["problem", "plan_item", "plan"])
def test_a_visitor_is_offered_sign_in(kind, targets, client):
    page = client.get(PAGES[kind].format(targets[kind].pk)).content.decode()
    assert 'data-testid="follow-signin"' in page
    assert 'data-testid="follow-button"' not in page


@pytest.mark.parametrize("kind", ["problem", "plan_item", "plan"])
def test_the_plain_form_follows_and_unfollows(kind, targets, client, citizen):
    target = targets[kind]
    client.force_login(citizen)
    url = ACTIONS[kind].format(target.pk)
    response = client.post(url, {"action": "follow"})
    assert response.status_code == 302
    assert response["Location"] == PAGES[kind].format(target.pk)
    assert Follow.objects.filter(user=citizen, **{kind: target}).exists()
    client.post(url, {"action": "unfollow"})
    assert not Follow.objects.filter(user=citizen).exists()


def test_htmx_gets_the_button_back(targets, client, citizen):
    client.force_login(citizen)
    target = targets["problem"]
    response = client.post(
        ACTIONS["problem"].format(target.pk), {"action": "follow"}, HTTP_HX_REQUEST="true"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.startswith(f'<div id="follow-problem-{target.pk}"')
    assert "<html" not in body
    assert "دنبال می‌کنید" in body


def test_refusals_are_clear(plan, citizen, citizen2, client):
    pending = ProblemFactory(plan=plan, author=citizen2, moderation_state="pending")
    assert client.post(f"/problems/{pending.pk}/follow/").status_code == 302  # sign in first
    client.force_login(citizen)
    assert client.post(f"/problems/{pending.pk}/follow/").status_code == 404
    assert client.post("/plans/999999/follow/").status_code == 404
    assert client.get(f"/plans/{plan.pk}/follow/").status_code == 405
    bad = client.post(f"/plans/{plan.pk}/follow/", {"action": "hug"})
    assert bad.status_code == 400
    assert not Follow.objects.exists()


def test_the_following_page_lists_and_unfollows(targets, client, citizen):
    for kind, target in targets.items():
        Follow.objects.create(user=citizen, **{kind: target})
    client.force_login(citizen)
    page = client.get("/me/following/").content.decode()
    assert page.count('data-testid="follow-row"') == 3
    for target in targets.values():
        assert target.title in page
    response = client.post(
        f"/plans/{targets['plan'].pk}/follow/", {"action": "unfollow", "next": "/me/following/"}
    )
    assert response["Location"] == "/me/following/"
    assert client.get("/me/following/").content.decode().count('data-testid="follow-row"') == 2


def test_the_following_page_is_paginated_and_private(plan, client, citizen):
    Follow.objects.bulk_create(
        [Follow(user=citizen, problem=p) for p in ProblemFactory.create_batch(25, plan=plan)]
    )
    assert client.get("/me/following/").status_code == 302
    client.force_login(citizen)
    first = client.get("/me/following/").content.decode()
    assert first.count('data-testid="follow-row"') == 20
    assert 'rel="next"' in first
    second = client.get("/me/following/?page=2").content.decode()
    assert second.count('data-testid="follow-row"') == 5


def test_an_open_redirect_is_refused(plan, client, citizen):
    client.force_login(citizen)
    response = client.post(
        f"/plans/{plan.pk}/follow/", {"action": "follow", "next": "https://evil.example/"}
    )
    assert response["Location"] == f"/plans/{plan.pk}/"


def test_follow_notifications_read_in_persian(targets, client, citizen):
    problem, item = targets["problem"], targets["plan_item"]
    payloads = {
        "follow.published": {"problem": problem.pk, "summary": problem.title},
        "follow.triage": {
            "action": "accept",
            "problem": problem.pk,
            "summary": problem.title,
            "entry": {"id": 1, "code": "P-1", "title": "ترافیک"},
        },
        "follow.addressed": {
            "plan_items": [{"id": item.pk, "code": "1", "title": item.title}],
            "entries": [],
        },
        "follow.progress": {
            "event": "item_state",
            "plan_item": {"id": item.pk, "code": "1", "title": item.title},
            "state_label": "لغوشده",
        },
        "follow.item_opened": {
            "plan_item": {"id": item.pk, "code": "1", "title": item.title},
            "plan": item.plan_id,
            "closes_at": None,
        },
    }
    for kind, payload in payloads.items():
        Notification.objects.create(user=citizen, kind=kind, payload=payload)
    client.force_login(citizen)
    page = client.get("/notifications/").content.decode()
    assert page.count('data-testid="follow-notification"') == 5
    assert "برای نظرخواهی باز شد" in page
    assert "مسئله‌ای که دنبال می‌کنید" in page
    assert "در فهرست مسائل برنامه پذیرفتند" in page
    assert "اکنون به مسئله‌ای می‌پردازد" in page
    assert "که دنبال می‌کنید تغییر کرد: لغوشده" in page
    for kind in payloads:
        assert f">{kind}<" not in page


def test_the_profile_keeps_the_digest_preference(client, citizen):
    client.force_login(citizen)
    page = client.get("/profile/").content.decode()
    assert 'data-testid="digest-frequency"' in page
    assert '<option value="off" selected>' in page
    client.post("/profile/", {"display_name": "", "digest_frequency": "weekly"})
    citizen.refresh_from_db()
    assert citizen.digest_frequency == "weekly"
    bad = client.post("/profile/", {"digest_frequency": "hourly"})
    assert bad.status_code == 400
    citizen.refresh_from_db()
    assert citizen.digest_frequency == "weekly"
