"""Named locks held until the current unit of work ends (after its commit or rollback).

Used where a check-then-create must not run twice at once — get-or-create of a VPN config,
whose first step is a call to the panel. Within one process an asyncio lock serialises
callers; on PostgreSQL a transaction-level advisory lock also serialises other processes.
(SQLite is the single-process embedded default.)
"""

from __future__ import annotations

import asyncio
import hashlib
import weakref

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


def _advisory_key(name: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


async def hold_lock(session: AsyncSession, name: str) -> None:
    """Block until `name` is free, then hold it until `session`'s unit of work ends."""
    lock = _locks.get(name)
    if lock is None:
        lock = _locks[name] = asyncio.Lock()
    await lock.acquire()
    session.info.setdefault("held_locks", []).append(lock)
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        await session.execute(sa.select(sa.func.pg_advisory_xact_lock(_advisory_key(name))))


def release_locks(session: AsyncSession) -> None:
    for lock in session.info.pop("held_locks", []):
        lock.release()
