"""The cursor of PostgreSQL connections when parameters are bound on the server
(docs/scaling.md «Prepared statements»).

psycopg prepares a statement once a connection has run it `prepare_threshold` times, and
PostgreSQL may then keep one generic plan for it, chosen without seeing the values. That is
what makes a lookup by key cheap, and what can make a search slow: a generic plan for
`… id = ANY($1) ORDER BY created_at DESC LIMIT 20` cannot know whether the array holds 8
keys or 1,000, and one chose to walk the whole date index for 8 (143 ms instead of 1). So
statements whose best plan depends on their values are never prepared: they are planned
for their values every time, as before.
"""

import re
from functools import lru_cache

from django.db.backends.postgresql.base import ServerBindingCursor

# Text patterns (LIKE, ILIKE, SIMILAR TO, the regular expressions ~ and ~*), full-text
# queries (@@), trigram distance (<->) or similarity (%) and an array's overlap (&&, the
# search's word index): how many rows match depends on the value.
VALUE_DEPENDENT = re.compile(r"\bI?LIKE\b|\bSIMILAR TO\b|\s~\*?\s|@@|<->|%%|\s&&\s", re.IGNORECASE)
# An array of keys (= ANY) is found through the primary key whatever its length, unless
# the statement also stops early (LIMIT): then the plan may walk another index instead,
# which only pays when the array is long.
KEYS = re.compile(r"= ANY\(")
STOPS_EARLY = re.compile(r"\bLIMIT\b", re.IGNORECASE)


@lru_cache(maxsize=4096)  # a worker runs a few hundred statement texts, again and again
def planned_for_values(query: str) -> bool:
    """Whether the statement must be planned for its values every time (never prepared)."""
    if VALUE_DEPENDENT.search(query):
        return True
    return bool(KEYS.search(query) and STOPS_EARLY.search(query))


class PlannedForValuesCursor(ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=None, binary=None):
        if prepare is None and isinstance(query, str) and planned_for_values(query):
            prepare = False
        return super().execute(query, params, prepare=prepare, binary=binary)  # type: ignore[misc]
