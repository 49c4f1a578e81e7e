import pytest

from accounts import services
from accounts.models import Invitation


@pytest.mark.django_db
class TestInvitationsPage:
    def test_invitee_sees_and_accepts(self, client, organisation, ngo_admin, citizen):
        invitation = services.membership_invite(
            actor=ngo_admin, organisation=organisation, phone=citizen.phone
        )
        client.force_login(citizen)
        inbox = client.get("/notifications/").content.decode()
        assert 'data-testid="invitation-notification"' in inbox
        assert "/me/invitations/" in inbox
        html = client.get("/me/invitations/").content.decode()
        assert organisation.name in html
        assert f'data-invitation-id="{invitation.pk}"' in html
        response = client.post(
            "/me/invitations/", {"invitation": invitation.pk, "answer": "accept"}
        )
        assert response.status_code == 302
        assert organisation.memberships.filter(user=citizen).exists()
        assert 'data-testid="no-invitations"' in client.get("/me/invitations/").content.decode()

    def test_decline_and_refusals(self, client, organisation, ngo_admin, citizen, citizen2):
        invitation = services.membership_invite(
            actor=ngo_admin, organisation=organisation, phone=citizen.phone
        )
        client.force_login(citizen2)
        other = client.post("/me/invitations/", {"invitation": invitation.pk, "answer": "accept"})
        assert other.status_code == 404
        for bad in ({"invitation": "x", "answer": "accept"}, {"invitation": invitation.pk}):
            assert client.post("/me/invitations/", bad).status_code == 400
        client.force_login(citizen)
        client.post("/me/invitations/", {"invitation": invitation.pk, "answer": "decline"})
        assert Invitation.objects.get(pk=invitation.pk).status == "declined"
        again = client.post("/me/invitations/", {"invitation": invitation.pk, "answer": "accept"})
        assert again.status_code == 409
        assert "پاسخ داده شده" in again.content.decode()
        assert not organisation.memberships.filter(user=citizen).exists()

    def test_needs_sign_in(self, client):
        assert client.get("/me/invitations/").status_code == 302


@pytest.mark.django_db
def test_invitations_page_in_english(client, organisation, ngo_admin, citizen):
    services.membership_invite(actor=ngo_admin, organisation=organisation, phone=citizen.phone)
    client.force_login(citizen)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/me/invitations/").content.decode()
    assert "Membership invitations" in html
    assert ">Accept<" in html
    assert ">Decline<" in html
    assert "Live connection lost; reconnecting…" in html
