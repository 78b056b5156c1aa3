"""The notifier's rules: which notices the scans create, how the queue is claimed, and
what a delivery's outcome does to its row.

Every function works inside the caller's unit of work and only flushes; the worker
(`rayport.notifier.worker`) runs each job in its own transaction and commits it.

Idempotency lives in the ``period_key`` of the unique key (user, kind, target, period):

* expiry: ``"72h:2026-12-01T10:00"`` — one notice per config, threshold and expiry date.
  A config gets the notice of the *tightest* threshold it is inside (first seen 1 h before
  expiry with thresholds 72,24,2: only the 2 h notice, not three at once). Extending the
  expiry date starts a new cycle, because the date is part of the key.
* expired: ``"2026-12-01T10:00"`` — sent by whoever moved the config to ``expired``.
* traffic: ``"80%:10GB:2026-12-01T10:00"`` — once per threshold, limit and validity period;
  at 100 % only the 100 % notice.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.configs.panel import GIB
from rayport.models.enums import LangCode, NotificationStatus, SocialName, TargetType
from rayport.notifications.texts import Notice
from rayport.notifier import texts
from rayport.notifier.repository import ConfigFacts, NotifierRepository
from rayport.notifier.schemas import Claim, DeliveryResult, Outcome, QueueDepth
from rayport.telegram.language import Lang
from rayport.users.repository import SocialRepository

TRAFFIC_THRESHOLDS = (100, 80)  # percent, tightest first
PERIOD_KINDS = tuple(kind.value for kind in texts.NotifierKind)
_JITTER = random.Random()  # noqa: S311 - jitter, not secrets


# --- period keys -------------------------------------------------------------------------


def period_stamp(valid_to: datetime) -> str:
    return valid_to.astimezone(UTC).strftime("%Y-%m-%dT%H:%M")


def expiring_key(hours: int, valid_to: datetime) -> str:
    return f"{hours}h:{period_stamp(valid_to)}"


def traffic_key(percent: int, total_gb: int, valid_to: datetime) -> str:
    return f"{percent}%:{total_gb}GB:{period_stamp(valid_to)}"


def expiry_band(left: timedelta, thresholds_hours: Iterable[int]) -> int | None:
    """The tightest threshold (hours) that `left` is inside; None when outside them all."""
    inside = [h for h in thresholds_hours if left <= timedelta(hours=h)]
    return min(inside) if inside else None


def current_period_keys(config: ConfigFacts, thresholds_hours: Iterable[int]) -> set[str]:
    """Keys a scan could still produce for the config's current period."""
    keys = {expiring_key(h, config.valid_to) for h in thresholds_hours}
    keys |= {traffic_key(p, config.total_gb, config.valid_to) for p in TRAFFIC_THRESHOLDS}
    return keys


def _row(config: ConfigFacts, notice: Notice, period_key: str, now: datetime) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "user_id": config.user_id,
        "kind": notice.kind,
        "title": notice.title,
        "content": notice.content,
        "target_type": TargetType.config,
        "target_id": config.id,
        "period_key": period_key,
        "status": NotificationStatus.pending,
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
        "updated_at": now,
    }


# --- scans -------------------------------------------------------------------------------


async def scan_expiring(db: AsyncSession, thresholds_hours: Sequence[int], now: datetime) -> int:
    """Queue "expires soon" notices; returns how many are new. Idempotent."""
    if not thresholds_hours:
        return 0
    repository = NotifierRepository(db)
    until = now + timedelta(hours=max(thresholds_hours))
    due: list[tuple[ConfigFacts, str]] = []
    for config in await repository.configs_expiring(now, until):
        band = expiry_band(config.valid_to - now, thresholds_hours)
        if band is not None:
            due.append((config, expiring_key(band, config.valid_to)))
    kind = texts.NotifierKind.config_expiring.value
    done = await repository.existing_keys([kind], ((c.user_id, c.id) for c, _ in due))
    rows = [
        _row(config, texts.config_expiring(config.type, config.valid_to, now), key, now)
        for config, key in due
        if (config.id, kind, key) not in done
    ]
    return await repository.insert_once(rows)


async def expire_configs(db: AsyncSession, now: datetime) -> int:
    """Move live configs past their expiry to ``expired`` and tell each user once.
    Returns how many configs this call expired."""
    repository = NotifierRepository(db)
    expired = await repository.expire_configs(now)
    rows = [
        _row(c, texts.config_expired(c.type, c.valid_to), period_stamp(c.valid_to), now)
        for c in expired
    ]
    await repository.insert_once(rows)
    return len(expired)


async def scan_traffic(db: AsyncSession, now: datetime) -> int:
    """Queue 80 % / 100 % traffic notices for limited live configs. Idempotent."""
    repository = NotifierRepository(db)
    due: dict[uuid.UUID, tuple[ConfigFacts, int]] = {}
    for percent in TRAFFIC_THRESHOLDS:  # tightest first: at 100 % only the 100 % notice
        for config in await repository.configs_over_traffic(percent):
            due.setdefault(config.id, (config, percent))
    kinds = {100: texts.NotifierKind.traffic_exhausted.value}
    kinds[80] = texts.NotifierKind.traffic_warning.value
    done = await repository.existing_keys(
        list(kinds.values()), ((c.user_id, c.id) for c, _ in due.values())
    )
    rows = []
    for config, percent in due.values():
        key = traffic_key(percent, config.total_gb, config.valid_to)
        if (config.id, kinds[percent], key) in done:
            continue
        total = config.total_gb * GIB
        notice = (
            texts.traffic_exhausted(config.type, total)
            if percent >= 100
            else texts.traffic_warning(config.type, config.used_bytes, total)
        )
        rows.append(_row(config, notice, key, now))
    return await repository.insert_once(rows)


async def cleanup(
    db: AsyncSession, days: int, thresholds_hours: Sequence[int], now: datetime
) -> int:
    """Delete notifications created more than `days` ago. A scan notice whose config is
    still in the same period is kept: deleting it would let the scan send it again."""
    repository = NotifierRepository(db)
    cutoff = now - timedelta(days=days)
    deleted = await repository.delete_old(cutoff, PERIOD_KINDS)
    stale = [
        notice.id
        for notice in await repository.old_period_notices(cutoff, PERIOD_KINDS)
        if notice.period_key not in current_period_keys(notice.config, thresholds_hours)
    ]
    return deleted + await repository.delete_ids(stale)


# --- the queue ---------------------------------------------------------------------------


def _lang(code: LangCode) -> Lang:
    return "ru" if code == LangCode.ru else "en"


async def claim(db: AsyncSession, *, limit: int, lease_sec: float, now: datetime) -> list[Claim]:
    """Claim up to `limit` due notifications for this worker until ``now + lease_sec``,
    with what is needed to reach each user. Commit before sending anything."""
    repository = NotifierRepository(db)
    rows = await repository.claim_due(now, limit, now + timedelta(seconds=lease_sec))
    recipients = await repository.recipients(row.user_id for row in rows)
    return [
        Claim(
            id=row.id,
            user_id=row.user_id,
            kind=row.kind,
            title=row.title,
            content=row.content,
            attempts=row.attempts,
            lease=row.lease,
            lang=_lang(recipients[row.user_id].lang),
            email=recipients[row.user_id].email,
            telegram_chat=recipients[row.user_id].telegram_chat,
        )
        for row in rows
    ]


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int
    base_sec: float
    max_sec: float

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Exponential backoff with "equal jitter": half the step fixed, half random, so
        retries of a burst of failures spread out instead of returning together."""
        step = min(self.max_sec, self.base_sec * 2.0 ** max(0, attempt - 1))
        return step / 2 + (rng or _JITTER).uniform(0, step / 2)


async def record(
    db: AsyncSession,
    claim: Claim,
    result: DeliveryResult,
    *,
    now: datetime,
    policy: RetryPolicy,
) -> bool:
    """Write what delivering `claim` came to; False when the lease had been lost (another
    worker reclaimed the row after it expired — it may have been sent twice).

    A Telegram chat found unreachable is marked so (``social.reachable = false``) whatever
    the outcome, so the next attempt goes straight to the next channel.
    """
    repository = NotifierRepository(db)
    if result.unreachable_chat is not None:
        await SocialRepository(db).set_reachable(
            SocialName.telegram, result.unreachable_chat, False
        )
    if result.outcome is Outcome.sent:
        assert result.channel is not None
        return await repository.mark_sent(claim.id, claim.lease, result.channel, now, result.error)
    if result.outcome is Outcome.failed:
        attempts = claim.attempts + 1
        return await repository.mark_failed(
            claim.id,
            claim.lease,
            now=now,
            attempts=attempts,
            dead=attempts >= policy.max_attempts,
            next_attempt_at=now + timedelta(seconds=policy.delay(attempts)),
            channel=result.channel,
            error=result.error or "failed",
        )
    return await repository.reschedule(
        claim.id,
        claim.lease,
        now=now,
        next_attempt_at=now + timedelta(seconds=max(0.0, result.delay)),
        note=result.error,
    )


async def queue_depth(db: AsyncSession, now: datetime) -> QueueDepth:
    due, undelivered = await NotifierRepository(db).count_undelivered(now)
    return QueueDepth(due=due, undelivered=undelivered)


async def try_lock(db: AsyncSession, name: str) -> bool:
    return await NotifierRepository(db).try_lock(name)
