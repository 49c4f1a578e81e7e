"""Run a creating request once per key: a retry gets the first answer.

The key's row is inserted before the work, in the same transaction as the work and the
stored answer, under a unique (owner, key) constraint. So:
- a retry after the first request finished finds the row and gets its answer back;
- a duplicate sent while the first is running waits on the unique index (PostgreSQL) until
  the first commits, then gets its answer: one row, never two;
- a worker killed mid-request rolls the whole transaction back (row and work together), so
  the retry does the work once;
- a refusal (4xx) or a failure (5xx) keeps nothing: the client may retry with the same key.
Keys are kept `IDEMPOTENCY_TTL_SECONDS` (24 h); `manage.py idempotency_purge` deletes older ones.
"""

import hashlib
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from backend.errors import Conflict, DomainError
from idempotency.models import IdempotencyKey

REPLAYED_HEADER = "Idempotent-Replayed"


class KeyReused(DomainError):
    """The same key came with a different request (422)."""

    status = 422
    code = "idempotency_key_reused"


def ttl() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "IDEMPOTENCY_TTL_SECONDS", 86400)))


def fingerprint(*parts: bytes | str) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
        digest.update(b"\0")
    return digest.hexdigest()


def _reserve(owner: str, key: str, print_: str) -> IdempotencyKey:
    """The new row for (owner, key), or the finished row of an earlier request."""
    for _ in range(2):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(owner=owner, key=key, fingerprint=print_)
        except IntegrityError:
            pass
        existing = IdempotencyKey.objects.filter(owner=owner, key=key).first()
        if existing is None:  # removed meanwhile (expired and purged): try again
            continue
        if existing.created_at >= timezone.now() - ttl():
            return existing
        existing.delete()  # expired: the key may be used afresh
    raise Conflict("این درخواست هم‌اکنون در حال انجام است؛ کمی بعد دوباره بفرستید.")


def _replay(record: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(record.content), status=record.status, content_type=record.content_type or None
    )
    if record.location:
        response["Location"] = record.location
    response[REPLAYED_HEADER] = "true"
    return response


def run_once(
    *, owner: str, key: str, print_: str, respond: Callable[[], HttpResponse]
) -> HttpResponse:
    """`respond()` once for (owner, key); a repeat with the same request gets the stored
    answer, with a different request a Persian 422 (KeyReused)."""
    with transaction.atomic():
        record = _reserve(owner, key, print_)
        if record.status is not None:
            if record.fingerprint != print_:
                raise KeyReused(
                    "این کلید تکرار پیش‌تر برای درخواست دیگری به کار رفته است.",
                )
            return _replay(record)
        response = respond()
        if response.status_code >= 400:
            transaction.set_rollback(True)  # keep nothing: neither the key nor any work
            return response
        record.status = response.status_code
        if not isinstance(response, StreamingHttpResponse):
            record.content = response.content
        record.content_type = response.get("Content-Type", "")[:120]
        record.location = response.get("Location", "")[:2000]
        record.save(update_fields=["status", "content", "content_type", "location"])
        return response


def purge_expired() -> int:
    """Delete keys older than the TTL; returns how many."""
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=timezone.now() - ttl()).delete()
    return deleted
