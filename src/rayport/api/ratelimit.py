"""Rate limits with the `limits` library (moving window) over Redis or memory.

When the Redis store fails, limits keep being enforced per process from an in-process
moving window until Redis is back (circuit breaker): an outage of Redis neither takes the
API down nor switches brute-force protection off. Counts restart in the local window, so
during an outage each API process allows up to the limit on its own.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from redis.asyncio import ConnectionPool

from rayport.cache.breaker import CircuitBreaker
from rayport.errors import RateLimited
from rayport.settings import CacheSettings, RateLimitSettings


def _storage(cache: CacheSettings) -> tuple[Storage, ConnectionPool | None]:
    url = cache.rate_limit_url
    if not url:
        return MemoryStorage(), None
    # Our own pool, so its timeouts are explicit and we can close it on shutdown.
    pool = ConnectionPool.from_url(
        url, socket_timeout=cache.timeout_sec, socket_connect_timeout=cache.timeout_sec
    )
    storage = RedisStorage(
        f"async+{url}",
        implementation="redispy",
        key_prefix=f"{cache.key_prefix}limits",
        connection_pool=pool,  # type: ignore[arg-type]
    )
    return storage, pool


class RateLimiter:
    def __init__(self, settings: RateLimitSettings, cache: CacheSettings) -> None:
        self.enabled = settings.enabled
        self.storage, self._pool = _storage(cache)
        self.store_name = "memory" if isinstance(self.storage, MemoryStorage) else "redis"
        self.limiter = MovingWindowRateLimiter(self.storage)
        self.default: RateLimitItem = parse(settings.default)
        self.auth: RateLimitItem = parse(settings.auth)
        self.excluded_ips = frozenset(settings.exclude_ips)
        self.breaker = CircuitBreaker("rate-limit-store", cache.breaker_open_sec)
        self.fallback = MovingWindowRateLimiter(MemoryStorage())

    async def hit(self, limit: RateLimitItem, scope: str, key: str, ip: str | None) -> None:
        """Count one hit of `key` in `scope`; raise `RateLimited` when over `limit`."""
        if not self.enabled or (ip is not None and ip in self.excluded_ips):
            return
        limiter = self.limiter if self.breaker.allow() else self.fallback
        try:
            await self._hit(limiter, limit, scope, key)
        except RateLimited:
            raise
        except Exception as exc:  # the store failed: count this hit locally instead
            self.breaker.record_failure(exc)
            await self._hit(self.fallback, limit, scope, key)
            return
        if limiter is self.limiter:
            self.breaker.record_success()

    @staticmethod
    async def _hit(
        limiter: MovingWindowRateLimiter, limit: RateLimitItem, scope: str, key: str
    ) -> None:
        if not await limiter.hit(limit, scope, key):
            stats = await limiter.get_window_stats(limit, scope, key)
            raise RateLimited(max(1, math.ceil(stats.reset_time - time.time())))

    async def hit_auth(self, endpoint: str, ip: str | None, login: str | None = None) -> None:
        """The stricter limit of the auth endpoints: per IP, and per login when there is one."""
        await self.hit(self.auth, f"auth:{endpoint}:ip", ip or "unknown", ip)
        if login:
            await self.hit(self.auth, f"auth:{endpoint}:login", login.lower(), ip)

    async def check(self) -> bool:
        try:
            return bool(await self.storage.check())
        except Exception:
            return False

    async def close(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
