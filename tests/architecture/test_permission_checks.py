"""Every "who may" lives in a rules.py predicate: views, serializers, templates and consumers
ask the rules by name and never type a role or ownership check of their own."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "cities",
    "planning",
    "moderation",
    "participation",
    "inventory",
    "monitoring",
    "budget",
    "open311",
]

# Where permission logic must not be typed.
SOURCES = sorted(
    [
        *[p for app in APPS for p in (ROOT / app / "api").glob("*.py")],
        *[p for app in APPS for p in (ROOT / app).glob("serializers.py")],
        *[ROOT / app / "consumers.py" for app in APPS if (ROOT / app / "consumers.py").exists()],
        *(ROOT / "frontend").glob("*.py"),
        *(ROOT / "frontend" / "templates").rglob("*.html"),
    ]
)

# Role, ownership and state checks that decide who may do something.
FORBIDDEN = {
    "ownership": re.compile(r"author_id\s*[!=]=|\.author\s*[!=]=|==\s*\w+\.author_id"),
    "staff role": re.compile(r"\bcity_roles\(|\bhas_city_role\(|\.role\s*[!=]=|role\s*==\s*['\"]"),
    "role predicate": re.compile(r"\bis_city_(moderator|planner|admin)\b"),
    "superuser": re.compile(r"\.is_superuser\b|\.is_staff\b"),
    "rule by hand": re.compile(r"\btest_rule\(|rules\.has_perm\(|\.has_perm\("),
    # In Python only: templates may show a state, but deciding on one is a predicate's job.
    "state": re.compile(
        r"moderation_state\s*[!=]=\s*(ModerationState|S)\.|triage_state\s*[!=]=\s*\w+\.Triage"
    ),
    "membership": re.compile(r"Membership\.objects\.filter\(.*user="),
}


def _offences(path: Path) -> list[str]:
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for kind, pattern in FORBIDDEN.items():
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {kind}: {line.strip()}")
    return found


def test_sources_found():
    assert len(SOURCES) > 40


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_permission_logic_outside_rules(path):
    assert _offences(path) == []


def test_the_check_catches_a_typed_check(tmp_path):
    sample = tmp_path / "view.py"
    sample.write_text("if problem.author_id == request.user.pk:\n    pass\n", encoding="utf-8")
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        assert _offences(sample) == [
            "view.py:1: ownership: if problem.author_id == request.user.pk:"
        ]
    finally:
        ROOT = saved
