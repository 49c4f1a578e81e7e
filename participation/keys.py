"""The comparison keys stored beside a problem's text: one place makes them, for the
service, the benchmark's bulk loader and the tests alike."""

from backend.persian import normalise
from backend.stems import stem_key


def problem_keys(title: str, body_text: str) -> dict[str, str]:
    """`title_key` (similarity on titles), `search_text` (search) and `stem_key` (similar
    problems by meaning) from the plain title and the body's plain text."""
    both = f"{title} {body_text}"
    return {
        "title_key": normalise(title),
        "search_text": normalise(both),
        "stem_key": stem_key(both),
    }
