"""The citizen / NGO / expert journey of the «Plans and citizen input» issue, through the API."""

from datetime import timedelta

import pytest
from django.utils import timezone

from moderation.services import content_transition
from participation.models import Problem
from tests.factories import (
    ExpertFactory,
    MembershipFactory,
    PlanItemFactory,
    ProblemFactory,
    ProposalFactory,
)


@pytest.mark.django_db
def test_citizen_ngo_expert_journey(api_client, outbox, plan, axis, organisation):
    existing = ProblemFactory(
        plan=plan, axis=axis, title="ترافیک سنگین بلوار امام خمینی در ساعت‌های اوج"
    )
    item = PlanItemFactory(
        plan=plan,
        status="open",
        comment_opens_at=timezone.now() - timedelta(days=1),
        comment_closes_at=timezone.now() + timedelta(days=20),
    )

    # A citizen signs in with a one-time code.
    api_client.post("/api/v1/auth/otp/request", {"phone": "۰۹۱۲۳۳۳۴۴۵۵"}, format="json")
    code = outbox.last_code_for("09123334455")
    token = api_client.post(
        "/api/v1/auth/otp/verify", {"phone": "09123334455", "code": code}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    # Typing words of an existing problem with Arabic letters finds it …
    similar = api_client.get(
        "/api/v1/problems/similar/", {"plan": plan.pk, "text": "ترافيك بلوار امام خميني"}
    ).json()
    assert similar[0]["id"] == existing.pk
    assert similar[0]["title"] == existing.title
    # … so the citizen supports it instead of posting a duplicate.
    assert api_client.post(f"/api/v1/problems/{existing.pk}/support/").status_code == 201
    assert Problem.objects.get(pk=existing.pk).supports_count == 1

    # A different problem is posted and shows as pending in «my posts».
    created = api_client.post(
        "/api/v1/problems/",
        {"plan": plan.pk, "title": "نبود سایه‌بان در ایستگاه اتوبوس", "body": "در تابستان..."},
        format="json",
    ).json()
    posts = api_client.get("/api/v1/me/posts/").json()
    assert [(p["id"], p["moderation_state"]) for p in posts["problems"]] == [
        (created["id"], "pending")
    ]

    # A comment with a stance on an open plan item.
    comment = api_client.post(
        "/api/v1/comments/", {"plan_item": item.pk, "body": "موافقم", "stance": "for"}
    ).json()
    assert comment["stance"] == "for"
    assert api_client.get("/api/v1/me/posts/").json()["comments"][0]["id"] == comment["id"]

    # An NGO member endorses a proposal for their verified organisation.
    ngo_member = MembershipFactory(organisation=organisation).user
    proposal = ProposalFactory(plan=plan, problem=existing)
    api_client.force_authenticate(ngo_member)
    response = api_client.post(
        f"/api/v1/proposals/{proposal.pk}/endorsement/",
        {"organisation": organisation.pk, "statement": "این پیشنهاد را پشتیبانی می‌کنیم."},
    )
    assert response.status_code == 201
    detail = api_client.get(f"/api/v1/proposals/{proposal.pk}/").json()
    assert [e["organisation"]["id"] for e in detail["endorsements"]] == [organisation.pk]

    # An expert's comment carries the badge once published.
    expert = ExpertFactory()
    api_client.force_authenticate(expert)
    expert_comment = api_client.post(
        "/api/v1/comments/", {"plan_item": item.pk, "body": "نظر کارشناسی", "stance": "neutral"}
    ).json()
    from participation.models import Comment

    content_transition(
        content=Comment.objects.get(pk=expert_comment["id"]), move="approve", actor=None
    )
    api_client.force_authenticate(None)
    api_client.credentials()
    public = api_client.get("/api/v1/comments/", {"plan_item": item.pk}).json()["results"]
    assert [(c["id"], c["is_expert"]) for c in public] == [(expert_comment["id"], True)]
