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
