"""Is this session still live? Cache first, the database on a miss or a cache outage.

Revocations write the database and then delete the cached answer (after commit), so the
next request on any API process that shares the cache sees them. With the in-process
cache there is only one process. If the cache was unreachable at the moment of a
revocation, the revoking process refuses the session itself and writes the revocation as
soon as the cache answers again (a cache that comes back with its data still holds the old
"live"); another process may see that stale "live" until then, at most `ttl` seconds.

A live session is cached as its owner's id, not as a bare "live": the answer is about the
session, and a token must name the session's owner (`sub`) to pass, whether the answer
comes from the cache or from the database. A token whose `sub` does not own its `sid` is
refused, and what its lookup leaves in the cache is the session's own state (so it cannot
end the owner's session either).
"""

from __future__ import annotations

import contextlib
import logging
import time
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


class SessionGate:
    def __init__(self, cache: Cache, ttl: float) -> None:
        self.cache = cache
        self.ttl = ttl
        # Revocations this process could not write to the cache, until when they matter: a
        # "live" cached before an outage outlives it when the cache comes back with its data
        # (a frozen Redis resumed, a restart from its snapshot). Refused here meanwhile, and
        # written as soon as the cache answers again.
        self._unsent: dict[uuid.UUID, float] = {}

    async def is_live(self, db: Database, session_id: uuid.UUID, user_id: uuid.UUID) -> bool:
        """A cache hit answers without touching the database (no session is even opened)."""
        if self._unsent and await self._resend(session_id):
            return False
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
        written = 0
        try:
            for session_id in ids:
                await self.cache.set(_key(session_id), DEAD, self.ttl)
                written += 1
        except CacheUnavailable:
            until = time.monotonic() + self.ttl
            self._unsent.update((session_id, until) for session_id in ids[written:])
            logger.warning(
                "session revocation not cached yet; written when the cache is back",
                extra={"sessions": len(ids) - written, "ttl_sec": self.ttl},
            )

    async def _resend(self, session_id: uuid.UUID) -> bool:
        """Write the revocations the cache missed; True if `session_id` is one of them."""
        now = time.monotonic()
        pending = self._unsent.get(session_id, 0.0) > now
        # Concurrent requests may resend the same entries (writing DEAD twice is harmless),
        # so entries are popped, never deleted: another request may have taken one already.
        for unsent, until in list(self._unsent.items()):
            if until <= now:  # any "live" cached before the revocation has expired by now
                self._unsent.pop(unsent, None)
                continue
            try:
                await self.cache.set(_key(unsent), DEAD, until - now)
            except CacheUnavailable:
                break
            self._unsent.pop(unsent, None)
        return pending
