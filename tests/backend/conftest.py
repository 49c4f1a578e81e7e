import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def production_static(tmp_path_factory):
    """`manage.py collectstatic` as the Docker image's build step runs it (DEBUG off: hashed
    and compressed copies), once per session into a temporary STATIC_ROOT.

    It takes most of a minute (every file is compressed twice, gzip and brotli), and the tests
    that need its output (tests/backend/test_settings_modes.py, test_infrastructure.py) only
    read it. Yields the finished process, the root and the environment it ran with.
    """
    root = tmp_path_factory.mktemp("production-static")
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DEBUG="0", SECRET_KEY="s" * 50, ALLOWED_HOSTS="x", STATIC_ROOT=str(root))
    env.update(OTP_SENDER_ALLOW_LOG="1")  # as the Dockerfile's build step
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    return SimpleNamespace(result=result, root=root, env=env)
