"""The deployment files parse and wire what the README promises (no Docker engine here)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_compose_has_postgres_redis_and_two_asgi_workers():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "redis", "app"}
    app = services["app"]
    assert "migrate --noinput" in app["command"]
    assert "--workers 2" in app["command"]
    assert app["environment"]["DATABASE_URL"].startswith("postgres://")
    assert app["environment"]["REDIS_URL"].startswith("redis://")
    for name in ("db", "redis", "app"):
        assert "healthcheck" in services[name]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"


def test_readme_opens_with_the_two_commands():
    lines = [line for line in (ROOT / "README.md").read_text().splitlines() if line.strip()]
    block = lines[lines.index("```sh") + 1 : lines.index("```sh") + 3]
    assert [line.split()[0:2] for line in block] == [["make", "run"], ["make", "test"]]


# --- infrastructure (issue 9: findings 12, 15) ---


def test_compose_is_secure_by_default_and_pools_connections():
    app = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["app"]
    env = app["environment"]
    assert env["SECURE_COOKIES"] == "${SECURE_COOKIES:-1}"
    assert env["SECURE_SSL_REDIRECT"] == "${SECURE_SSL_REDIRECT:-1}"
    assert env["SECURE_HSTS_SECONDS"].endswith(":-31536000}")
    assert "DB_CONN_MAX_AGE" not in env  # the pool replaces persistent connections
    assert "DB_POOL_MAX" in env
    # The probe talks plain HTTP to /healthz, which settings exempt from the HTTPS redirect.
    assert "/healthz" in " ".join(app["healthcheck"]["test"])


def test_make_serve_runs_the_serve_script():
    makefile = (ROOT / "Makefile").read_text()
    assert "\nserve: setup\n" in makefile
    assert "scripts/serve" in makefile.split("\nserve: setup\n", 1)[1].split("\n\n", 1)[0]
    script = (ROOT / "scripts" / "serve").read_text()
    migrate, collect, start = (
        script.index("manage.py migrate"),
        script.index("manage.py collectstatic"),
        script.index("uvicorn backend.asgi:application"),
    )
    assert migrate < collect < start
    assert "WORKERS=${WORKERS:-2}" in script
    assert '--workers "$WORKERS"' in script


def test_serve_script_starts_workers_that_serve_pages_and_hashed_static(tmp_path):
    """scripts/serve on a fresh SQLite file: migrate, collectstatic, two workers, DEBUG off."""
    import json
    import os
    import signal
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        PYTHON=sys.executable,
        OTP_SENDER_ALLOW_LOG="1",  # a local trial without SMS
        SECRET_KEY="s" * 50,
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        STATIC_ROOT=str(tmp_path / "static"),
        SECURE_SSL_REDIRECT="0",
        PORT=str(port),
        WORKERS="2",
    )
    env.pop("DEBUG", None)  # the script's own default: production
    log = (tmp_path / "serve.log").open("w+")
    server = subprocess.Popen(
        [str(ROOT / "scripts" / "serve")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # migrate + collectstatic on a busy machine
        while True:
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as health:
                    assert health.status == 200
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise AssertionError(log.read()[-3000:]) from None
                time.sleep(0.3)
        manifest = json.loads((tmp_path / "static" / "staticfiles.json").read_text())["paths"]
        css = manifest["frontend/app.css"]
        with urllib.request.urlopen(f"{base}/", timeout=5) as page:
            html = page.read().decode()
            assert page.headers["Content-Security-Policy"]
        assert f"/static/{css}" in html
        with urllib.request.urlopen(f"{base}/static/{css}", timeout=5) as static:
            assert static.status == 200
            assert "immutable" in static.headers["Cache-Control"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    log_text = (tmp_path / "serve.log").read_text()
    assert "2 workers" in log_text


def test_compose_keeps_photos_on_a_shared_volume():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    app = compose["services"]["app"]
    assert app["environment"]["MEDIA_ROOT"] == "/app/media"
    assert "media:/app/media" in app["volumes"]
    assert "media" in compose["volumes"]


def test_the_typeface_is_installed_from_its_package_with_its_licence():
    """`make setup` (scripts/fetch-fonts) put Vazirmatn into our static files; app.css names
    it, so no page asks another host for a font."""
    fonts = ROOT / "frontend/static/fonts/vazirmatn"
    woff2 = fonts / "Vazirmatn-Variable.woff2"
    assert woff2.read_bytes()[:4] == b"wOF2"
    assert "SIL OPEN FONT LICENSE" in (fonts / "OFL.txt").read_text().upper()
    css = (ROOT / "frontend/static/frontend/app.css").read_text()
    assert 'url("../fonts/vazirmatn/Vazirmatn-Variable.woff2")' in css
    assert "http" not in css.split("@font-face", 1)[1].split("}", 1)[0]
