"""The notifier's heartbeat: written to the cache after every loop, read by
``/api/app/v1/status``.

One key for all replicas (the latest loop of any of them wins): the question the status
page answers is "is some notifier alive?". The key lives a day, so a notifier that died
shows as ``stale`` (an error) until someone looks, while one stopped cleanly writes a last
beat marked ``stopped`` and shows as ``not_running``. Across processes this needs a shared
cache (``REDIS_URL``); with the in-process cache only the same process can read it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from enum import StrEnum

from rayport.cache import Cache, CacheUnavailable

HEARTBEAT_KEY = "notifier:heartbeat"
HEARTBEAT_TTL_SEC = 86400.0
STALE_AFTER_PERIODS = 2


class NotifierState(StrEnum):
    ok = "ok"
    stale = "stale"
    not_running = "not_running"


@dataclass(frozen=True, slots=True)
class Heartbeat:
    worker: str
    at: datetime
    period_sec: float
    queue_due: int = 0
    queue_undelivered: int = 0
    recent_failures: int = 0
    """Failed sends and failed jobs in the last `RECENT_FAILURES_SEC` (this worker)."""
    sent_total: int = 0
    stopped: bool = False

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "at": self.at.isoformat()})

    @classmethod
    def from_json(cls, raw: str) -> Heartbeat:
        data = json.loads(raw)
        data["at"] = datetime.fromisoformat(data["at"])
        return cls(**data)

    def state(self, now: datetime | None = None) -> NotifierState:
        """``stale`` once the last loop is older than two periods."""
        if self.stopped:
            return NotifierState.not_running
        age = ((now or datetime.now(UTC)) - self.at).total_seconds()
        if age > STALE_AFTER_PERIODS * self.period_sec:
            return NotifierState.stale
        return NotifierState.ok


async def write_heartbeat(cache: Cache, heartbeat: Heartbeat) -> bool:
    """Store the beat; False (nothing raised) when the cache is unavailable."""
    try:
        await cache.set(HEARTBEAT_KEY, heartbeat.to_json(), ttl=HEARTBEAT_TTL_SEC)
    except CacheUnavailable:
        return False
    return True


async def read_heartbeat(cache: Cache) -> Heartbeat | None:
    """The latest beat of any notifier, None when there is none (or it is unreadable).

    Raises `CacheUnavailable` when the cache cannot answer.
    """
    raw = await cache.get(HEARTBEAT_KEY)
    if not raw:
        return None
    try:
        return Heartbeat.from_json(raw)
    except (ValueError, TypeError, KeyError):
        return None


async def notifier_state(cache: Cache, now: datetime | None = None) -> NotifierState:
    """ok | stale | not_running. Raises `CacheUnavailable` when the cache cannot answer."""
    heartbeat = await read_heartbeat(cache)
    return NotifierState.not_running if heartbeat is None else heartbeat.state(now)
