import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from accounts.models import Notification
from accounts.services import api_token_for, notification_send, notifications_mark_read
from backend.asgi import application
from tests.factories import UserFactory

WS = "/ws/notifications/"


def token_headers(token: str) -> list[tuple[bytes, bytes]]:
    return [(b"authorization", f"Token {token}".encode())]


async def make_user_and_token():
    user = await database_sync_to_async(UserFactory)()
    token = await database_sync_to_async(api_token_for)(user=user)
    return user, token


@pytest.mark.django_db(transaction=True)
class TestNotificationSocket:
    async def test_anonymous_handshake_is_refused(self):
        communicator = WebsocketCommunicator(application, WS)
        connected, code = await communicator.connect()
        assert not connected
        assert code == 4401

    async def test_bad_token_is_refused(self):
        communicator = WebsocketCommunicator(application, WS, headers=token_headers("nope"))
        connected, code = await communicator.connect()
        assert not connected

    async def test_notification_sent_by_a_service_reaches_its_user_only(self):
        user, token = await make_user_and_token()
        other, other_token = await make_user_and_token()
        mine = WebsocketCommunicator(application, WS, headers=token_headers(token))
        theirs = WebsocketCommunicator(application, WS, headers=token_headers(other_token))
        assert (await mine.connect())[0]
        assert (await theirs.connect())[0]

        await database_sync_to_async(notification_send)(
            user_ids=[user.pk], kind="moderation.decision", payload={"message": "تأیید شد"}
        )
        event = await mine.receive_json_from(timeout=3)
        assert event["type"] == "notification.created"
        assert event["notification"]["payload"] == {"message": "تأیید شد"}
        assert event["notification"]["read"] is False
        assert await theirs.receive_nothing(timeout=0.3)

        await database_sync_to_async(notifications_mark_read)(user=user)
        event = await mine.receive_json_from(timeout=3)
        assert event == {"type": "notification.read", "ids": None, "count": 1}
        await mine.disconnect()
        await theirs.disconnect()

    async def test_browser_session_cookie_with_our_origin(self):
        user, _ = await make_user_and_token()
        client = Client()
        await database_sync_to_async(client.force_login)(user)
        cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
        headers = [(b"cookie", cookie), (b"origin", b"http://testserver"), (b"host", b"testserver")]
        communicator = WebsocketCommunicator(application, WS, headers=headers)
        connected, _ = await communicator.connect()
        assert connected
        await database_sync_to_async(notification_send)(user_ids=[user.pk], kind="k", payload={})
        assert (await communicator.receive_json_from(timeout=3))["type"] == "notification.created"
        await communicator.disconnect()

    async def test_session_cookie_from_a_foreign_origin_is_refused(self):
        user, _ = await make_user_and_token()
        client = Client()
        await database_sync_to_async(client.force_login)(user)
        cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
        headers = [(b"cookie", cookie), (b"origin", b"http://evil.example")]
        communicator = WebsocketCommunicator(application, WS, headers=headers)
        connected, _ = await communicator.connect()
        assert not connected

    async def test_session_cookie_without_origin_is_ignored(self):
        user, _ = await make_user_and_token()
        client = Client()
        await database_sync_to_async(client.force_login)(user)
        cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
        communicator = WebsocketCommunicator(application, WS, headers=[(b"cookie", cookie)])
        connected, code = await communicator.connect()
        assert not connected
        assert code == 4401


@pytest.mark.django_db
class TestNotificationApi:
    def test_lists_only_own_with_unread_count(self, as_user, citizen, citizen2):
        notification_send(user_ids=[citizen.pk, citizen2.pk], kind="k", payload={"n": 1})
        notification_send(user_ids=[citizen.pk], kind="k", payload={"n": 2})
        body = as_user(citizen).get("/api/v1/notifications/").json()
        assert body["count"] == 2
        assert body["unread_count"] == 2
        assert [n["payload"]["n"] for n in body["results"]] == [2, 1]

    def test_mark_some_read(self, as_user, citizen, citizen2):
        mine = notification_send(user_ids=[citizen.pk], kind="k", payload={})[0]
        theirs = notification_send(user_ids=[citizen2.pk], kind="k", payload={})[0]
        response = as_user(citizen).post(
            "/api/v1/notifications/read/", {"ids": [mine.pk, theirs.pk]}, format="json"
        )
        assert response.json() == {"marked": 1, "unread_count": 0}
        assert Notification.objects.get(pk=theirs.pk).read_at is None

    @pytest.mark.parametrize("payload", [{"ids": "all"}, {"ids": [0]}, {"ids": ["x"]}])
    def test_mark_read_bad_input(self, as_user, citizen, payload):
        response = as_user(citizen).post("/api/v1/notifications/read/", payload, format="json")
        assert response.status_code == 400

    def test_anonymous(self, api_client):
        assert api_client.get("/api/v1/notifications/").status_code == 401

    @pytest.mark.parametrize("rows", [1, 20])
    def test_query_count_is_constant(self, as_user, citizen, rows, django_assert_num_queries):
        client = as_user(citizen)
        notification_send(user_ids=[citizen.pk], kind="k", payload={})
        for _ in range(rows - 1):
            notification_send(user_ids=[citizen.pk], kind="k", payload={})
        # token auth, count, page, unread count
        with django_assert_num_queries(4):
            assert len(client.get("/api/v1/notifications/").json()["results"]) == rows
