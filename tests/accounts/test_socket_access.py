"""Sockets do not outlive access: sign-out, token revocation, role loss and the Origin
(scheme + host + port)."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client
from knox.models import AuthToken

from accounts.services import api_token_for, notification_send
from backend.asgi import application
from tests.factories import UserFactory

WS = "/ws/notifications/"
CLOSED = "websocket.close"


def token_headers(token):
    return [(b"authorization", f"Token {token}".encode())]


def browser_headers(client, origin=b"http://testserver", host=b"testserver"):
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    return [(b"cookie", cookie), (b"origin", origin), (b"host", host)]


async def signed_in_browser(user):
    client = Client()
    await database_sync_to_async(client.force_login)(user)
    return client


async def open_socket(path, headers):
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    assert connected, code
    return communicator


async def notify(user):
    await database_sync_to_async(notification_send)(user_ids=[user.pk], kind="k", payload={})


async def closed_with(communicator, code):
    output = await communicator.receive_output(timeout=3)
    assert output == {"type": CLOSED, "code": code}


@pytest.mark.django_db(transaction=True)
class TestSignOutClosesSockets:
    async def test_web_sign_out_closes_that_sessions_socket_only(self):
        user = await database_sync_to_async(UserFactory)()
        leaving = await signed_in_browser(user)
        staying = await signed_in_browser(user)
        first = await open_socket(WS, browser_headers(leaving))
        second = await open_socket(WS, browser_headers(staying))

        response = await database_sync_to_async(leaving.post)("/signout/")
        assert response.status_code == 302
        await closed_with(first, 4401)
        await notify(user)
        assert (await second.receive_json_from(timeout=3))["type"] == "notification.created"
        await second.disconnect()

    async def test_api_logout_closes_the_token_socket(self):
        user = await database_sync_to_async(UserFactory)()
        token = await database_sync_to_async(api_token_for)(user=user)
        socket = await open_socket(WS, token_headers(token))
        client = Client(headers={"Authorization": f"Token {token}"})
        response = await database_sync_to_async(client.post)("/api/v1/auth/logout")
        assert response.status_code == 204
        await closed_with(socket, 4401)

    async def test_a_token_revoked_anywhere_stops_delivery(self, settings):
        settings.WS_ACCESS_RECHECK_SECONDS = 0  # checked again on every event
        user = await database_sync_to_async(UserFactory)()
        token = await database_sync_to_async(api_token_for)(user=user)
        socket = await open_socket(WS, token_headers(token))
        await database_sync_to_async(AuthToken.objects.filter(user=user).delete)()
        await notify(user)  # not delivered: the socket closes instead
        await closed_with(socket, 4401)

    async def test_deactivated_account_stops_delivery(self, settings):
        settings.WS_ACCESS_RECHECK_SECONDS = 0
        user = await database_sync_to_async(UserFactory)()
        browser = await signed_in_browser(user)
        socket = await open_socket(WS, browser_headers(browser))
        user.is_active = False
        await database_sync_to_async(user.save)()
        await notify(user)
        await closed_with(socket, 4401)

    async def test_recent_check_is_cached(self, settings):
        settings.WS_ACCESS_RECHECK_SECONDS = 60
        user = await database_sync_to_async(UserFactory)()
        token = await database_sync_to_async(api_token_for)(user=user)
        socket = await open_socket(WS, token_headers(token))
        for _ in range(3):
            await notify(user)
            assert (await socket.receive_json_from(timeout=3))["type"] == "notification.created"
        await socket.disconnect()


@pytest.mark.django_db(transaction=True)
class TestOrigin:
    async def attempt(self, origin, host=b"testserver"):
        user = await database_sync_to_async(UserFactory)()
        browser = await signed_in_browser(user)
        communicator = WebsocketCommunicator(
            application, WS, headers=browser_headers(browser, origin, host)
        )
        connected, _ = await communicator.connect()
        if connected:
            await communicator.disconnect()
        return connected

    async def test_same_scheme_host_and_port_only(self):
        assert await self.attempt(b"http://testserver")
        assert await self.attempt(b"http://testserver:80")
        assert await self.attempt(b"http://localhost:8000", b"localhost:8000")
        assert not await self.attempt(b"http://testserver:8001")  # another port
        assert not await self.attempt(b"https://testserver")  # another scheme
        assert not await self.attempt(b"http://localhost:8001", b"localhost:8000")
        assert not await self.attempt(b"http://evil.example", b"evil.example")  # not allowed
        assert not await self.attempt(b"null")
        assert not await self.attempt(b"http://testserver", b"")

    async def test_behind_a_tls_proxy_and_trusted_origins(self, settings):
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        user = await database_sync_to_async(UserFactory)()
        browser = await signed_in_browser(user)
        headers = [
            *browser_headers(browser, b"https://testserver"),
            (b"x-forwarded-proto", b"https"),
        ]
        communicator = WebsocketCommunicator(application, WS, headers=headers)
        assert (await communicator.connect())[0]
        await communicator.disconnect()
        assert not await self.attempt(b"https://testserver")  # no proxy header: plain http
        settings.CSRF_TRUSTED_ORIGINS = ["https://shahr.example.ir"]
        assert await self.attempt(b"https://shahr.example.ir")
        assert not await self.attempt(b"https://shahr.example.ir:8443")
