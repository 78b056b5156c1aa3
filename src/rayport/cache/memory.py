from __future__ import annotations

import time


class MemoryCache:
    """In-process cache for the embedded default (one process, nothing to install)."""

    name = "memory"

    def __init__(self, max_entries: int = 100_000) -> None:
        self._data: dict[str, tuple[str, float]] = {}
        self._max_entries = max_entries

    async def get(self, key: str) -> str | None:
        item = self._data.get(key)
        if item is None:
            return None
        value, expires_at = item
        if expires_at <= time.monotonic():
            self._data.pop(key, None)
            return None
        return value

    async def set(self, key: str, value: str, ttl: float, *, only_if_absent: bool = False) -> None:
        if only_if_absent and await self.get(key) is not None:
            return
        if len(self._data) >= self._max_entries:
            self._evict_expired()
        self._data[key] = (value, time.monotonic() + ttl)

    async def delete(self, *keys: str) -> None:
        for key in keys:
            self._data.pop(key, None)

    async def ping(self) -> None:
        return None

    async def close(self) -> None:
        self._data.clear()

    def _evict_expired(self) -> None:
        now = time.monotonic()
        for key in [k for k, (_, exp) in self._data.items() if exp <= now]:
            del self._data[key]
        if len(self._data) >= self._max_entries:  # still full: drop the oldest insertions
            for key in list(self._data)[: self._max_entries // 10]:
                del self._data[key]
