"""A moderator's queue socket stops receiving once the role is gone (4403)."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.models import StaffRole
from accounts.services import api_token_for, staff_role_revoke
from backend.asgi import application
from tests.factories import PlanFactory, StaffRoleFactory, UserFactory


def token_headers(token):
    return [(b"authorization", f"Token {token}".encode())]


async def open_socket(path, headers):
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect()
    assert connected, code
    return communicator


async def closed_with(communicator, code):
    output = await communicator.receive_output(timeout=3)
    assert output == {"type": "websocket.close", "code": code}


async def submit_problem(plan):
    from participation.services import problem_submit

    author = await database_sync_to_async(UserFactory)()
    return await database_sync_to_async(problem_submit)(
        author=author, plan=plan, title="چراغ خراب تقاطع", body="شب‌ها تاریک است."
    )


@pytest.mark.django_db(transaction=True)
class TestRoleLossClosesQueueSocket:
    async def queue_socket(self):
        role = await database_sync_to_async(StaffRoleFactory)(city__slug="arak", role="moderator")
        plan = await database_sync_to_async(PlanFactory)(city=role.city)
        token = await database_sync_to_async(api_token_for)(user=role.user)
        socket = await open_socket("/ws/moderation/?city=arak", token_headers(token))
        return role, plan, socket

    async def test_revoked_role_closes_the_socket(self, default_rules):
        role, plan, socket = await self.queue_socket()
        root = await database_sync_to_async(UserFactory)(is_superuser=True, is_staff=True)
        await database_sync_to_async(staff_role_revoke)(actor=root, staff_role=role)
        await closed_with(socket, 4403)

    async def test_role_gone_stops_new_posts_reaching_the_socket(self, default_rules, settings):
        settings.WS_ACCESS_RECHECK_SECONDS = 0
        role, plan, socket = await self.queue_socket()
        await submit_problem(plan)
        assert (await socket.receive_json_from(timeout=3))["type"] == "queue.created"
        await database_sync_to_async(StaffRole.objects.filter(pk=role.pk).delete)()
        await submit_problem(plan)  # its full text must not reach the former moderator
        await closed_with(socket, 4403)
