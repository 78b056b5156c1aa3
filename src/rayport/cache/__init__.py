"""One cache protocol, two implementations; `create_cache` picks the live one."""

from rayport.cache.base import Cache, CacheUnavailable
from rayport.cache.factory import create_cache

__all__ = ["Cache", "CacheUnavailable", "create_cache"]
