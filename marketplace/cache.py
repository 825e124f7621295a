"""A Redis cache that fails over to this process's memory: with Redis unreachable the site
keeps answering, and the throttles keep counting.

The cache serves throttling and other nice-to-haves; none of it is worth a 500. Failing plainly
open (answering as if every key were absent) switched the sign-in limit off with Redis down
(25 wrong passwords in a row, none refused: seen in a probe). So while Redis is unreachable
every call goes to a per-process in-memory cache instead: each process counts on its own, so
the limit holds per process (a few processes allow a few times the rate, never unlimited).
Each failure is logged once per outage window, to keep logs readable.
"""

import logging
import time
from typing import Any

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# After a failure, skip Redis for this long instead of paying a connection attempt per call.
OUTAGE_BACKOFF_SECONDS = 5.0


class FailOpenRedisCache(RedisCache):
    _down_until = 0.0
    # One stand-in per process, shared by every instance (Django makes one cache per thread).
    _fallback = LocMemCache("tcyss-redis-fallback", {"OPTIONS": {"MAX_ENTRIES": 100_000}})

    def _guard(self, default: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        if time.monotonic() < FailOpenRedisCache._down_until:
            return self._fall_back(default, method, *args, **kwargs)
        try:
            return getattr(super(), method)(*args, **kwargs)
        except (RedisError, OSError) as exc:
            if time.monotonic() >= FailOpenRedisCache._down_until:
                logger.warning("cache unreachable, counting in this process meanwhile: %s", type(exc).__name__)
            FailOpenRedisCache._down_until = time.monotonic() + OUTAGE_BACKOFF_SECONDS
            return self._fall_back(default, method, *args, **kwargs)

    def _fall_back(self, default: Any, method: str, *args: Any, **kwargs: Any) -> Any:
        try:
            return getattr(self._fallback, method)(*args, **kwargs)
        except ValueError:  # incr of a key the in-process cache does not hold
            return default

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        return self._guard(default, "get", key, default, version)

    def set(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> None:
        from django.core.cache.backends.base import DEFAULT_TIMEOUT

        self._guard(None, "set", key, value, DEFAULT_TIMEOUT if timeout is None else timeout, version)

    def add(self, key: Any, value: Any, timeout: Any = None, version: int | None = None) -> bool:
        from django.core.cache.backends.base import DEFAULT_TIMEOUT

        return bool(self._guard(False, "add", key, value, DEFAULT_TIMEOUT if timeout is None else timeout, version))

    def delete(self, key: Any, version: int | None = None) -> bool:
        return bool(self._guard(False, "delete", key, version))

    def get_many(self, keys: Any, version: int | None = None) -> dict[Any, Any]:
        return dict(self._guard({}, "get_many", keys, version))

    def has_key(self, key: Any, version: int | None = None) -> bool:
        return bool(self._guard(False, "has_key", key, version))

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        return int(self._guard(delta, "incr", key, delta, version))

    def clear(self) -> None:
        self._guard(None, "clear")
