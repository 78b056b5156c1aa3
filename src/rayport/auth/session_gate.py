"""Is this session still live? Cache first, the database on a miss or a cache outage.

Revocations write the database and then delete the cached answer (after commit), so the
next request on any API process that shares the cache sees them. With the in-process
cache there is only one process. If the cache was unreachable at the moment of a
revocation, a stale "live" answer survives at most `ttl` seconds.
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.auth.repository import SessionRepository
from rayport.cache import Cache, CacheUnavailable

logger = logging.getLogger(__name__)

LIVE = "1"
DEAD = "0"


def _key(session_id: uuid.UUID) -> str:
    return f"sess:{session_id}"


class SessionGate:
    def __init__(self, cache: Cache, ttl: float) -> None:
        self.cache = cache
        self.ttl = ttl

    async def is_live(self, db: AsyncSession, session_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        cache_ok = True
        try:
            cached = await self.cache.get(_key(session_id))
        except CacheUnavailable:
            cached, cache_ok = None, False
        if cached is not None:
            return cached == LIVE
        row = await SessionRepository(db).liveness(session_id)
        now = datetime.now(UTC)
        live = row is not None and row[0] == user_id and row[1] is None and row[2] > now
        if cache_ok:
            ttl = self.ttl
            if live and row is not None:
                ttl = min(ttl, max(1.0, (row[2] - now).total_seconds()))
            with contextlib.suppress(CacheUnavailable):
                # only_if_absent: a revocation that committed while we read the database
                # has written DEAD; a late LIVE must not overwrite it.
                await self.cache.set(
                    _key(session_id), LIVE if live else DEAD, ttl, only_if_absent=True
                )
        return live

    async def forget(self, session_ids: Iterable[uuid.UUID]) -> None:
        """Mark sessions dead in the cache. Call after the revocation has committed."""
        ids = list(session_ids)
        if not ids:
            return
        try:
            for session_id in ids:
                await self.cache.set(_key(session_id), DEAD, self.ttl)
        except CacheUnavailable:
            logger.warning(
                "session revocation not cached; other processes see it within the TTL",
                extra={"sessions": len(ids), "ttl_sec": self.ttl},
            )
