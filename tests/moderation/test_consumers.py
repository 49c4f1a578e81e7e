"""The live queue over websockets: in-process (WebsocketCommunicator) and across two real
ASGI worker processes sharing Redis."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection

from accounts.services import api_token_for
from backend.asgi import application
from moderation import services
from moderation.models import QueueEntry
from tests.factories import PlanFactory, StaffRoleFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]


def auth(token):
    return [(b"authorization", f"Token {token}".encode())]


@database_sync_to_async
def staff(city_slug, role="moderator"):
    role = StaffRoleFactory(city__slug=city_slug, role=role)
    return role.user, api_token_for(user=role.user)


@pytest.mark.django_db(transaction=True)
class TestModerationSocket:
    async def connect(self, token, city="arak"):
        communicator = WebsocketCommunicator(
            application, f"/ws/moderation/?city={city}", headers=auth(token) if token else []
        )
        connected, code = await communicator.connect()
        return communicator, connected, code

    async def test_refusals(self):
        _, connected, code = await self.connect(None)
        assert not connected
        assert code == 4401
        citizen = await database_sync_to_async(UserFactory)()
        token = await database_sync_to_async(api_token_for)(user=citizen)
        _, connected, code = await self.connect(token)
        assert not connected
        assert code == 4403
        _, qom_token = await staff("qom")
        await database_sync_to_async(PlanFactory)(city__slug="arak")
        _, connected, code = await self.connect(qom_token, "arak")
        assert not connected
        assert code == 4403
        _, connected, code = await self.connect(qom_token, "nowhere")
        assert not connected

    async def test_new_post_claim_and_decision_arrive_live(self, default_rules):
        moderator, token = await staff("arak")
        plan = await database_sync_to_async(PlanFactory)(city__slug="arak")
        communicator, connected, _ = await self.connect(token)
        assert connected

        from participation.services import problem_submit

        author = await database_sync_to_async(UserFactory)()
        problem = await database_sync_to_async(problem_submit)(
            author=author, plan=plan, title="چراغ خراب تقاطع", body="شب‌ها تاریک است."
        )
        created = await communicator.receive_json_from(timeout=3)
        assert created["type"] == "queue.created"
        assert created["entry"]["object_id"] == problem.pk
        entry_id = created["entry_id"]

        await database_sync_to_async(services.queue_claim)(moderator=moderator, entry_id=entry_id)
        claimed = await communicator.receive_json_from(timeout=3)
        assert claimed["type"] == "queue.claimed"
        assert claimed["entry"]["claimed_by"]["id"] == moderator.pk

        await database_sync_to_async(services.decision_apply)(
            moderator=moderator, entry_id=entry_id, outcome="approve"
        )
        decided = await communicator.receive_json_from(timeout=3)
        assert decided["type"] == "queue.decided"
        assert decided["entry_ids"] == [entry_id]
        await communicator.disconnect()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{settings['NAME']}"
    return (
        f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
        f"{settings['PORT'] or 5432}/{settings['NAME']}"
    )


@pytest.fixture
def two_workers(transactional_db):
    """Two uvicorn processes serving the app on the test database and the real Redis."""
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs REDIS_URL: two processes share events only through Redis")
    env = dict(os.environ, DATABASE_URL=database_url(), DEBUG="1", PYTHONUNBUFFERED="1")
    ports = [free_port(), free_port()]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "backend.asgi:application",
                "--port",
                str(port),
                "--log-level",
                "warning",
                "--lifespan",
                "off",
                # A stopping worker waits for its sockets' consumers, whose channel-layer
                # read can take up to its socket timeout (CHANNELS_SOCKET_TIMEOUT).
                "--timeout-graceful-shutdown",
                "3",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for port in ports
    ]
    try:
        for port in ports:
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            else:
                raise RuntimeError(f"worker on {port} did not start")
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def post(port, path, token, payload):
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Token {token}"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def test_events_cross_worker_processes_through_redis(two_workers, default_rules):
    from websockets.sync.client import connect

    first, second = two_workers
    moderator = StaffRoleFactory(city__slug="arak", role="moderator").user
    plan = PlanFactory(city__slug="arak")
    citizen = UserFactory()
    moderator_token, citizen_token = api_token_for(user=moderator), api_token_for(user=citizen)

    queue_socket = connect(
        f"ws://127.0.0.1:{first}/ws/moderation/?city=arak",
        additional_headers={"Authorization": f"Token {moderator_token}"},
    )
    inbox_socket = connect(
        f"ws://127.0.0.1:{first}/ws/notifications/",
        additional_headers={"Authorization": f"Token {citizen_token}"},
    )
    with queue_socket, inbox_socket:
        # The citizen posts through the other worker …
        problem = post(
            second,
            "/api/v1/problems/",
            citizen_token,
            {"plan": plan.pk, "title": "زباله در کوچه", "body": "هر روز"},
        )
        event = json.loads(queue_socket.recv(timeout=5))
        assert event["type"] == "queue.created"
        assert event["entry"]["object_id"] == problem["id"]
        # … and the moderator's decision, made on the second worker, reaches the author's
        # socket on the first.
        entry = QueueEntry.objects.get(problem_id=problem["id"])
        post(
            second,
            f"/api/v1/moderation/queue/{entry.pk}/decide/",
            moderator_token,
            {"outcome": "reject", "rules": ["off-topic"], "public_note": "به برنامه ربطی ندارد"},
        )
        note = json.loads(inbox_socket.recv(timeout=5))
        assert note["type"] == "notification.created"
        assert note["notification"]["payload"]["rules"][0]["code"] == "off-topic"
        decided = json.loads(queue_socket.recv(timeout=5))
        assert decided["type"] == "queue.decided"
