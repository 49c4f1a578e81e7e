"""Browser journeys: the real ASGI app under uvicorn, driven by the system Chromium.

One uvicorn server per session serves HTTP and websockets from this process, so the
in-memory channel layer works as well as Redis. Tests reach the database through
`transactional_db` (via `live`): their writes are committed, so the server's threads see them.
"""

import os
import socket
import threading
import time

import pytest

# Playwright's sync API keeps an event loop running in the test thread; without this Django's
# ORM would refuse every query a test makes (SynchronousOnlyOperation).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.core.management import call_command  # noqa: E402
from django.test.utils import override_settings  # noqa: E402
from playwright.sync_api import expect, sync_playwright  # noqa: E402

from tests.e2e.helpers import shot  # noqa: E402

# The journeys run on two xdist workers, each with its own Chromium and live server, on the
# same two cores as PostgreSQL and Redis: a debounced live request (the report form's
# similar problems) has been seen to take more than Playwright's default 5 s to show under
# that load. A passing check returns as soon as it holds; only a failing one waits longer.
expect.set_options(timeout=15_000)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SERVER_START_TIMEOUT = 15


def pytest_collection_modifyitems(config, items):
    # This hook sees the whole session's items; mark only those under this folder.
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here + os.sep):
            item.add_marker(pytest.mark.e2e)
    # pytest-django (which runs first) puts tests using `db` before the others; test_axe.py
    # has one such test and shares one demo load (a module fixture) among all of its tests,
    # so keep them together, first: on two xdist workers the longest unit starts at once
    # while the other worker runs the journeys (tests/parallel_workers.py).
    walk = [item for item in items if item.path.name == "test_axe.py"]
    if walk:
        items[:] = walk + [item for item in items if item.path.name != "test_axe.py"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """Give this session its own SQLite test file.

    Settings fix one TEST NAME for every run in the checkout; another pytest run started
    meanwhile deletes and recreates that file under the live server ("disk I/O error").
    """
    from django.conf import settings

    for alias, db in settings.DATABASES.items():
        if db["ENGINE"] == "django.db.backends.sqlite3":
            name = f"test-db-e2e-{alias}-{os.getpid()}.sqlite3"
            db.setdefault("TEST", {})["NAME"] = str(settings.BASE_DIR / name)


@pytest.fixture(scope="session")
def e2e_static(tmp_path_factory):
    """Collect static files into a temporary STATIC_ROOT that WhiteNoise serves.

    Tests run with DEBUG off, where settings may pick the manifest storage (needs a
    manifest) and WhiteNoise may skip the finders; a plain collected copy works either way.
    """
    override = override_settings(
        STATIC_ROOT=str(tmp_path_factory.mktemp("static")),
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        },
    )
    # override_settings (not plain assignment) fires setting_changed, which drops the cached
    # storage objects that {% static %} and collectstatic use.
    override.enable()
    call_command("collectstatic", "--noinput", verbosity=0)
    yield
    override.disable()


@pytest.fixture(scope="session")
def asgi_server(django_db_setup, e2e_static):
    """Run backend.asgi.application under uvicorn in a daemon thread; yield its base URL."""
    import uvicorn

    import backend.asgi

    # WhiteNoise reads STATIC_ROOT when the middleware chain is built, which happened when
    # backend.asgi was first imported, possibly before the override above: rebuild it.
    backend.asgi.django_asgi_app.load_middleware(is_async=True)
    if backend.asgi.django_wsgi_app is not None:
        backend.asgi.django_wsgi_app.load_middleware()

    # Bind here and hand uvicorn the socket, so no other process can take the port meanwhile.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        backend.asgi.application,
        host="127.0.0.1",
        port=port,
        ws="websockets-sansio",
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=5,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="e2e-uvicorn", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start for the browser tests")
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture
def live(transactional_db, asgi_server):
    """The server's base URL, with a database whose writes the server can see."""
    return asgi_server


@pytest.fixture(scope="session")
def browser():
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()
    playwright.stop()


def _page(browser, live, request, suffix, **context_options):
    # Depending on `live` makes the page close before the database is flushed, so no open
    # request or websocket races the flush.
    context = browser.new_context(base_url=live, locale="fa-IR", **context_options)
    page = context.new_page()
    yield page
    # Keep every journey's final state: the screenshot to look at when a test fails.
    if page.url != "about:blank":
        shot(page, request.node.name + suffix)
    context.close()


@pytest.fixture
def page(browser, live, request):
    """A phone-sized page (390×844, touch) with base_url set to the server."""
    yield from _page(
        browser,
        live,
        request,
        "",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )


@pytest.fixture
def desktop_page(browser, live, request):
    """A desktop-sized page (1280×900) with base_url set to the server."""
    yield from _page(browser, live, request, "-desktop", viewport={"width": 1280, "height": 900})


@pytest.fixture
def visitor_page(browser, live, request):
    """A second phone-sized page in its own browser context (another person)."""
    yield from _page(
        browser,
        live,
        request,
        "-visitor",
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
