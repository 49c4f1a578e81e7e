"""Fixed-window rate limits kept in the cache (local memory or Redis), and per-author posting
limits counted in the database.

When the cache cannot be reached (Redis down) the limit cannot be counted: `rate_limit_hit`
raises `Unavailable` (a Persian 503) instead of letting the connection error become a 500, so
a limited action is refused cleanly rather than allowed uncounted.
"""

import contextvars
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import QuerySet
from django.utils import timezone
from redis.exceptions import RedisError

from backend.errors import TooMany, Unavailable
from backend.persian import to_persian_digits

# What a cache that is down raises (redis' errors; sockets' OSError and TimeoutError).
STORE_ERRORS = (RedisError, OSError)

logger = logging.getLogger("hamandishi.ratelimit")

UNAVAILABLE_MESSAGE = "این بخش موقتاً در دسترس نیست؛ چند دقیقه‌ی دیگر دوباره تلاش کنید."


def rate_limit_hit(checks: list[tuple[str, list[tuple[int, int]]]]) -> int | None:
    """Count one attempt against every `(key, [(count, seconds), …])` in `checks`.

    Returns None when the attempt is within every limit, else the seconds until the longest
    exceeded window ends. A refused attempt counts against none of the keys, so a refusal by
    one limit (say, per IP address) never uses up another (say, per number). Raises
    `Unavailable` (503) when the cache does not answer.
    """
    try:
        return _hit(checks)
    except STORE_ERRORS as error:
        logger.warning("rate-limit store unavailable: %s", error.__class__.__name__)
        raise Unavailable(UNAVAILABLE_MESSAGE, code="limits_unavailable") from error


def _hit(checks: list[tuple[str, list[tuple[int, int]]]]) -> int | None:
    now = time.time()
    windows = []
    for key, limits in checks:
        for count, seconds in limits:
            window = int(now // seconds)
            windows.append((f"rl:{key}:{seconds}:{window}", count, seconds, window))
    current = cache.get_many([w[0] for w in windows])
    wait = [
        int((window + 1) * seconds - now) + 1
        for cache_key, count, seconds, window in windows
        if current.get(cache_key, 0) >= count
    ]
    if wait:
        return max(wait)
    for cache_key, _count, seconds, _window in windows:
        if not cache.add(cache_key, 1, timeout=seconds + 1):
            try:
                cache.incr(cache_key)
            except ValueError:  # expired between add and incr
                cache.add(cache_key, 1, timeout=seconds + 1)
    return None


# Posting limits: rows by one author in a rolling window, counted in the database -------

_POSTING_UNLIMITED: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "posting_unlimited", default=False
)

POSTING_KIND_LABELS = {
    "problem": "مسئله",
    "comment": "نظر",
    "proposal": "پیشنهاد",
    "report": "گزارش",
    "open311": "درخواست Open311",
}


@contextmanager
def posting_unlimited() -> Iterator[None]:
    """Loaders that write many posts for one author (the demo, the benchmark) skip the
    posting limits inside this block; requests never do."""
    token = _POSTING_UNLIMITED.set(True)
    try:
        yield
    finally:
        _POSTING_UNLIMITED.reset(token)


def posting_limit_check(kind: str, recent: QuerySet, *, field: str = "created_at") -> None:
    """TooMany (429, Persian, with retry_after) when `recent` — the author's rows of this
    kind — already holds `settings.POSTING_LIMITS[kind]` rows within the last
    `settings.POSTING_LIMIT_WINDOW_SECONDS`. Counted from the database, so the limit holds
    across workers without a shared cache; the author + created_at index keeps it cheap.
    A limit of 0 (or a kind not listed) is no limit."""
    limit = int(getattr(settings, "POSTING_LIMITS", {}).get(kind) or 0)
    if limit <= 0 or _POSTING_UNLIMITED.get():
        return
    window = timedelta(seconds=int(getattr(settings, "POSTING_LIMIT_WINDOW_SECONDS", 3600)))
    now = timezone.now()
    times = list(
        recent.filter(**{f"{field}__gte": now - window})
        .order_by(f"-{field}")
        .values_list(field, flat=True)[:limit]
    )
    if len(times) < limit:
        return
    retry_after = max(int((times[-1] + window - now).total_seconds()) + 1, 1)
    minutes = to_persian_digits((retry_after + 59) // 60)
    label = POSTING_KIND_LABELS.get(kind, kind)
    raise TooMany(
        f"در هر ساعت بیش از {to_persian_digits(limit)} {label} نمی‌توان ثبت کرد؛ "
        f"{minutes} دقیقه‌ی دیگر دوباره تلاش کنید.",
        retry_after=retry_after,
        code="posting_limit",
    )
