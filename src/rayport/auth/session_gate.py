"""Is this session still live? Cache first, the database on a miss or a cache outage.

Revocations write the database and then delete the cached answer (after commit), so the
next request on any API process that shares the cache sees them. With the in-process
cache there is only one process. If the cache was unreachable at the moment of a
revocation, a stale "live" answer survives at most `ttl` seconds.

A live session is cached as its owner's id, not as a bare "live": the answer is about the
session, and a token must name the session's owner (`sub`) to pass, whether the answer
comes from the cache or from the database. A token whose `sub` does not own its `sid` is
refused, and what its lookup leaves in the cache is the session's own state (so it cannot
end the owner's session either).
"""

from __future__ import annotations

import contextlib
import logging
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from rayport.auth.repository import SessionRepository
from rayport.cache import Cache, CacheUnavailable
from rayport.db.engine import Database

logger = logging.getLogger(__name__)

DEAD = "0"


def _key(session_id: uuid.UUID) -> str:
    return f"session:{session_id}"


def _legacy_key(session_id: uuid.UUID) -> str:
    """Where versions that cached a bare "1" for live look. Revocations still mark it dead,
    so a process of the previous version running during an upgrade sees them; nothing
    reads it anymore. Drop it one release after this one."""
    return f"sess:{session_id}"


class SessionGate:
    def __init__(self, cache: Cache, ttl: float) -> None:
        self.cache = cache
        self.ttl = ttl

    async def is_live(self, db: Database, session_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        """A cache hit answers without touching the database (no session is even opened)."""
        cache_ok = True
        try:
            cached = await self.cache.get(_key(session_id))
        except CacheUnavailable:
            cached, cache_ok = None, False
        if cached is not None:
            return cached == user_id.hex
        async with db.read_only() as session:
            row = await SessionRepository(session).liveness(session_id)
        now = datetime.now(UTC)
        # Whether the session itself is live, whoever asks...
        owner = row[0] if row is not None and row[1] is None and row[2] > now else None
        if cache_ok:
            ttl = self.ttl
            if owner is not None and row is not None:
                ttl = min(ttl, max(1.0, (row[2] - now).total_seconds()))
            with contextlib.suppress(CacheUnavailable):
                # only_if_absent: a revocation that committed while we read the database
                # has written DEAD; a late "live" must not overwrite it.
                await self.cache.set(
                    _key(session_id),
                    DEAD if owner is None else owner.hex,
                    ttl,
                    only_if_absent=True,
                )
        # ...and whether this caller owns it.
        return owner is not None and owner == user_id

    async def forget(self, session_ids: Iterable[uuid.UUID]) -> None:
        """Mark sessions dead in the cache. Call after the revocation has committed."""
        ids = list(session_ids)
        if not ids:
            return
        try:
            for session_id in ids:
                await self.cache.set(_key(session_id), DEAD, self.ttl)
                await self.cache.set(_legacy_key(session_id), DEAD, self.ttl)
        except CacheUnavailable:
            logger.warning(
                "session revocation not cached; other processes see it within the TTL",
                extra={"sessions": len(ids), "ttl_sec": self.ttl},
            )
