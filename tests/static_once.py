"""WhiteNoise's middleware, scanning the static files once per test process.

Every django.test.Client builds the middleware chain again, and WhiteNoiseMiddleware reads
STATIC_ROOT and every finder's files (a stat per file and its compressed copies) when it is
built: about a tenth of a second, for each of the thousands of tests that make a request.
This subclass keeps the table of files it built under a fingerprint of everything the table
depends on (the static and WhiteNoise settings, DEBUG, and the state of the root folders) and
hands later builds with the same fingerprint a copy of it. What it serves, and the headers it
serves them with, are WhiteNoise's own: only the rescan is skipped. tests/conftest.py puts it in
WhiteNoise's place for the tests; production runs the stock class.
"""

import os
from typing import ClassVar

from django.conf import settings as django_settings
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.responders import StaticFile

STOCK = "whitenoise.middleware.WhiteNoiseMiddleware"
ONCE = "tests.static_once.ScanOnceWhiteNoiseMiddleware"

# Settings the middleware or the storages and finders it calls read while building its table.
READ_SETTINGS = (
    "DEBUG",
    "FORCE_SCRIPT_NAME",
    "INSTALLED_APPS",
    "STATIC_ROOT",
    "STATIC_URL",
    "STATICFILES_DIRS",
    "STATICFILES_FINDERS",
    "STORAGES",
)


def _folder_state(path) -> tuple:
    """A folder's presence and modification time: collecting into it again changes them."""
    if not path:
        return (None,)
    try:
        stat = os.stat(path)
    except OSError:
        return (os.fspath(path), None)
    return (os.fspath(path), stat.st_mtime_ns, stat.st_ino)


def fingerprint(settings) -> tuple:
    names = [*READ_SETTINGS, *sorted(n for n in dir(settings) if n.startswith("WHITENOISE_"))]
    values = tuple((name, repr(getattr(settings, name, None))) for name in names)
    roots = (
        _folder_state(getattr(settings, "STATIC_ROOT", None)),
        _folder_state(getattr(settings, "WHITENOISE_ROOT", None)),
    )
    return values + roots


class ScanOnceWhiteNoiseMiddleware(WhiteNoiseMiddleware):
    _tables: ClassVar[dict[tuple, dict[str, StaticFile]]] = {}

    def __init__(self, get_response=None, settings=django_settings):
        key = fingerprint(settings)
        table = self._tables.get(key)
        self._scanned = table is not None
        super().__init__(get_response, settings)
        if self.autorefresh:
            return  # files are looked up per request; nothing was scanned
        if table is None:
            self._tables[key] = dict(self.files)
        else:
            self.files = dict(table)

    def add_files(self, root, prefix=None):
        if self._scanned and not self.autorefresh:
            return
        super().add_files(root, prefix)

    def add_files_from_finders(self):
        if self._scanned:
            return
        super().add_files_from_finders()
