"""Rate limits with the `limits` library (moving window) over Redis or memory.

The limiter fails open: when its store is down, requests pass (and a warning is logged
once per breaker period) — an outage of Redis must not take the API down with it.
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

    async def hit(self, limit: RateLimitItem, scope: str, key: str, ip: str | None) -> None:
        """Count one hit of `key` in `scope`; raise `RateLimited` when over `limit`."""
        if not self.enabled or (ip is not None and ip in self.excluded_ips):
            return
        if not self.breaker.allow():
            return
        try:
            allowed = await self.limiter.hit(limit, scope, key)
            retry_after = 0
            if not allowed:
                stats = await self.limiter.get_window_stats(limit, scope, key)
                retry_after = max(1, math.ceil(stats.reset_time - time.time()))
        except Exception as exc:  # any store failure: fail open
            self.breaker.record_failure(exc)
            return
        self.breaker.record_success()
        if not allowed:
            raise RateLimited(retry_after)

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
