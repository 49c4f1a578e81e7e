"""Reading ids from posted forms: the pages' one way to turn a field into a row."""

from backend.errors import DomainError
from backend.ids import parse_id


def pick(queryset, raw, *, unknown: str):
    """The row a form field names by id, or None when left empty. An id that names nothing
    the user may see is a 400 with `unknown` as its message."""
    if not str(raw or "").strip():
        return None
    pk = parse_id(raw)
    found = queryset.filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise DomainError(unknown, code="invalid_choice")
    return found


def pick_ids(raws: list[str], *, unknown: str) -> list[int]:
    """Every field must name an id (a 400 with `unknown` otherwise)."""
    ids = [parse_id(raw) for raw in raws]
    if None in ids:
        raise DomainError(unknown, code="invalid_choice")
    return ids
