from __future__ import annotations

from rayport.cache.base import Cache
from rayport.cache.memory import MemoryCache
from rayport.cache.redis import RedisCache
from rayport.settings import CacheSettings


def create_cache(settings: CacheSettings) -> Cache:
    if settings.redis_url:
        return RedisCache(
            settings.redis_url,
            timeout=settings.timeout_sec,
            breaker_open_sec=settings.breaker_open_sec,
            key_prefix=settings.key_prefix,
        )
    return MemoryCache()
