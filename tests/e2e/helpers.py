"""Small helpers shared by the browser journeys."""

import re
from pathlib import Path

from django.conf import settings

# Under the repository root and gitignored, so CI can upload it as an artifact.
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"


def shot(page, name: str) -> Path:
    """Save a full-page screenshot as test-artifacts/e2e/<name>.png and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    # Parametrised test ids contain brackets and slashes; keep file names portable.
    path = ARTIFACTS / (re.sub(r"[^\w.-]+", "_", name) + ".png")
    page.screenshot(path=str(path), full_page=True)
    return path
