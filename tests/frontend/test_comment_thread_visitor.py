"""The thread skips the reply and report rules for a visitor who is not signed in
(frontend/templates/frontend/partials/comments.html, frontend/templatetags/threads.py): this
holds only while both rules refuse every anonymous visitor, which is what this test pins. If
a rule ever lets visitors in, this fails and the `is_authenticated` guards must go."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.factories import CommentFactory, UserFactory


@pytest.mark.django_db
@pytest.mark.parametrize("permission", ["participation.reply", "moderation.report"])
@pytest.mark.parametrize("state", ["published", "pending", "hidden", "rejected"])
def test_visitors_may_neither_reply_nor_report(permission, state):
    comment = CommentFactory(moderation_state=state)
    assert not AnonymousUser().has_perm(permission, comment)


@pytest.mark.django_db
def test_the_thread_asks_the_rules_for_a_signed_in_person_and_skips_them_for_a_visitor(client):
    """On a published problem's page a published comment by someone else: a signed-in person
    gets the reply form and the report button, a visitor neither."""
    comment = CommentFactory(moderation_state="published")
    url = f"/problems/{comment.problem.pk}/"
    visitor = client.get(url).content.decode()
    assert 'data-testid="report"' not in visitor
    assert 'class="reply"' not in visitor
    client.force_login(UserFactory())
    signed_in = client.get(url).content.decode()
    assert 'data-testid="report"' in signed_in
    assert 'class="reply"' in signed_in
