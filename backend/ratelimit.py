"""Fixed-window rate limits kept in the cache (local memory or Redis).

When the cache cannot be reached (Redis down) the limit cannot be counted: `rate_limit_hit`
raises `Unavailable` (a Persian 503) instead of letting the connection error become a 500, so
a limited action is refused cleanly rather than allowed uncounted.
"""

import logging
import time

from django.core.cache import cache
from redis.exceptions import RedisError

from backend.errors import Unavailable

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
