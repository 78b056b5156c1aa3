from __future__ import annotations

from typing import Protocol


class CacheUnavailable(Exception):
    """The cache could not answer (down, frozen, breaker open). Callers fall back."""


class Cache(Protocol):
    """Key/value cache with TTLs. Every method may raise `CacheUnavailable`; callers that
    have a source of truth (the database) fall back to it instead of failing."""

    name: str

    async def get(self, key: str) -> str | None: ...

    async def set(self, key: str, value: str, ttl: float, *, only_if_absent: bool = False) -> None:
        """Store `value` for `ttl` seconds; with `only_if_absent`, keep an existing value."""

    async def delete(self, *keys: str) -> None: ...

    async def ping(self) -> None: ...

    async def close(self) -> None: ...
