from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.asyncio import Redis
from redis.exceptions import RedisError

from rayport.cache.base import CacheUnavailable
from rayport.cache.breaker import CircuitBreaker

T = TypeVar("T")


def redis_client(url: str, timeout: float) -> Redis:
    """A redis-py asyncio client whose every operation is bounded by `timeout`."""
    return Redis.from_url(
        url,
        socket_timeout=timeout,
        socket_connect_timeout=timeout,
        retry_on_timeout=False,
        health_check_interval=30,
        decode_responses=True,
    )


class RedisCache:
    """Redis behind a circuit breaker: errors become `CacheUnavailable`, never a 5xx."""

    name = "redis"

    def __init__(
        self, url: str, *, timeout: float, breaker_open_sec: float, key_prefix: str = ""
    ) -> None:
        self.client = redis_client(url, timeout)
        self.breaker = CircuitBreaker("redis", breaker_open_sec)
        self.prefix = key_prefix

    async def _call(self, operation: Callable[[], Awaitable[T]]) -> T:
        if not self.breaker.allow():
            raise CacheUnavailable("redis circuit open")
        try:
            result = await operation()
        except (RedisError, OSError, TimeoutError) as exc:
            self.breaker.record_failure(exc)
            raise CacheUnavailable(str(exc)) from exc
        self.breaker.record_success()
        return result

    async def get(self, key: str) -> str | None:
        value = await self._call(lambda: self.client.get(self.prefix + key))
        return None if value is None else str(value)

    async def set(self, key: str, value: str, ttl: float, *, only_if_absent: bool = False) -> None:
        await self._call(
            lambda: self.client.set(self.prefix + key, value, px=int(ttl * 1000), nx=only_if_absent)
        )

    async def delete(self, *keys: str) -> None:
        if keys:
            await self._call(lambda: self.client.delete(*(self.prefix + k for k in keys)))

    async def ping(self) -> None:
        # A health check must see the truth, not the breaker's memory of it.
        try:
            await self.client.ping()
        except (RedisError, OSError, TimeoutError) as exc:
            self.breaker.record_failure(exc)
            raise CacheUnavailable(str(exc)) from exc
        self.breaker.record_success()

    async def close(self) -> None:
        await self.client.aclose()
