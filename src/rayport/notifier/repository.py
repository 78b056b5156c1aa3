"""All SQL of the notifier: scans over configs, the delivery queue, cleanup.

The queue is the `notification` table. A row is *due* when it is ``pending`` or ``failed``
with ``next_attempt_at`` passed, or ``sending`` with its lease (``locked_until``) expired —
the worker that claimed it died. On PostgreSQL a claim is ``SELECT id … ORDER BY
next_attempt_at LIMIT n FOR UPDATE SKIP LOCKED`` (expired leases, then waiting rows) and
``UPDATE … WHERE id IN (…) RETURNING`` in one transaction, so concurrent workers never
claim the same row and never wait for each other; on SQLite it is one ``UPDATE … WHERE id
IN (SELECT … LIMIT n) RETURNING``, atomic because SQLite has a single writer (no SKIP
LOCKED there: workers take turns).

Every later write to a claimed row is conditional on the lease the claim set
(``locked_until`` doubles as the claim token): a worker whose lease expired and was taken
over cannot overwrite the new owner's result.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.configs.panel import GIB
from rayport.models import Config, Notification, Profile, Social
from rayport.models.enums import (
    ConfigStatus,
    ConfigType,
    LangCode,
    NotificationChannel,
    NotificationStatus,
    SocialName,
)

LIVE_CONFIG = (ConfigStatus.active, ConfigStatus.update_pending)
WAITING = (NotificationStatus.pending, NotificationStatus.failed)
UNDELIVERED = (NotificationStatus.pending, NotificationStatus.failed, NotificationStatus.sending)
UNIQUE_KEY = ("user_id", "kind", "target_id", "period_key")
LEASE_EXPIRED = "lease expired: the worker stopped before recording the send"


@dataclass(frozen=True, slots=True)
class ConfigFacts:
    id: uuid.UUID
    user_id: uuid.UUID
    type: ConfigType
    valid_to: datetime
    total_gb: int
    used_bytes: int


@dataclass(frozen=True, slots=True)
class ClaimedRow:
    id: uuid.UUID
    user_id: uuid.UUID
    kind: str
    title: dict[str, Any]
    content: dict[str, Any]
    attempts: int
    lease: datetime


@dataclass(frozen=True, slots=True)
class Recipient:
    lang: LangCode
    email: str | None
    telegram_chat: str | None


@dataclass(frozen=True, slots=True)
class PeriodNotice:
    """An old notice with a period key whose config is still live."""

    id: uuid.UUID
    kind: str
    period_key: str | None
    config: ConfigFacts


_CONFIG_COLUMNS = (
    Config.id,
    Config.user_id,
    Config.type,
    Config.valid_to,
    Config.total_gb,
    (Config.up_bytes + Config.down_bytes).label("used_bytes"),
)


def expiring_statement(
    now: datetime, until: datetime
) -> sa.Select[uuid.UUID, uuid.UUID, ConfigType, datetime, int, int]:
    """Live configs with ``now < valid_to <= until`` (the index on (status, valid_to))."""
    return sa.select(*_CONFIG_COLUMNS).where(
        Config.status.in_(LIVE_CONFIG), Config.valid_to > now, Config.valid_to <= until
    )


def waiting_pick(now: datetime, limit: int) -> sa.Select[uuid.UUID]:
    """Lock up to `limit` waiting rows that are due, oldest first: an ordered scan of the
    partial index `ix_notification_waiting` that stops after `limit` rows."""
    return (
        sa.select(Notification.id)
        .where(WAITING_INLINE, Notification.next_attempt_at <= now)
        .order_by(Notification.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


def _facts(row: Any) -> ConfigFacts:
    return ConfigFacts(
        id=row.id,
        user_id=row.user_id,
        type=row.type,
        valid_to=row.valid_to,
        total_gb=row.total_gb,
        used_bytes=int(row.used_bytes or 0),
    )


# Waiting rows as the predicate of the partial index `ix_notification_waiting` spells it,
# with the statuses inline (not as parameters): PostgreSQL uses a partial index only when
# it can prove the query's condition implies the index's, which it cannot for parameters.
WAITING_INLINE = Notification.status.in_([sa.literal_column(f"'{s.value}'") for s in WAITING])


def _due(now: datetime) -> sa.ColumnElement[bool]:
    """Undelivered and due. Every undelivered row has its time set (`next_attempt_at` for
    waiting rows, the lease for ``sending`` ones; migration 0003 filled in older rows)."""
    return sa.or_(
        sa.and_(Notification.status.in_(WAITING), Notification.next_attempt_at <= now),
        sa.and_(Notification.status == NotificationStatus.sending, Notification.locked_until < now),
    )


def _advisory_key(name: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


class NotifierRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.db = session

    @property
    def dialect(self) -> str:
        bind = self.db.bind
        return bind.dialect.name if bind is not None else "postgresql"

    # --- creating notices ---------------------------------------------------------------

    async def insert_once(self, rows: Sequence[dict[str, Any]]) -> int:
        """Insert notification rows, skipping any whose (user, kind, target, period) exists.

        ``INSERT … ON CONFLICT DO NOTHING``: concurrent scans cannot both insert, and a
        conflict is no error. Returns how many rows were new.
        """
        if not rows:
            return 0
        table = cast(sa.Table, Notification.__table__)
        insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        stmt = (
            insert(table)
            .on_conflict_do_nothing(index_elements=list(UNIQUE_KEY))
            .returning(table.c.id)
        )
        # executemany: one cached statement, sent in batches ("insertmanyvalues").
        result = await self.db.execute(stmt, list(rows))
        return len(result.all())

    async def existing_keys(
        self, kinds: Sequence[str], pairs: Iterable[tuple[uuid.UUID, uuid.UUID]]
    ) -> set[tuple[uuid.UUID, str, str]]:
        """(target_id, kind, period_key) of the notices of `kinds` that exist for these
        (user_id, target_id) pairs — so a scan builds only the notices still missing. Uses
        the unique index (user_id, kind, target_id, period_key)."""
        pairs = list(pairs)
        if not pairs:
            return set()
        stmt = sa.select(Notification.target_id, Notification.kind, Notification.period_key).where(
            Notification.user_id.in_({user_id for user_id, _ in pairs}),
            Notification.kind.in_(kinds),
            Notification.target_id.in_({target_id for _, target_id in pairs}),
        )
        return {
            (row.target_id, row.kind, row.period_key)
            for row in await self.db.execute(stmt)
            if row.period_key is not None
        }

    # --- scans over configs ---------------------------------------------------------------

    async def configs_expiring(self, now: datetime, until: datetime) -> list[ConfigFacts]:
        """Live configs with ``now < valid_to <= until`` (the index on (status, valid_to))."""
        return [_facts(row) for row in await self.db.execute(expiring_statement(now, until))]

    async def expire_configs(self, now: datetime) -> list[ConfigFacts]:
        """Live configs past ``valid_to`` → ``expired``; returns those this call changed.

        On PostgreSQL a concurrent call blocks on the same rows, then sees them expired
        and skips them: each config is returned by exactly one caller.
        """
        stmt = (
            sa.update(Config)
            .where(Config.status.in_(LIVE_CONFIG), Config.valid_to <= now)
            .values(status=ConfigStatus.expired, updated_at=now)
            .returning(*_CONFIG_COLUMNS)
            .execution_options(synchronize_session=False)
        )
        return [_facts(row) for row in await self.db.execute(stmt)]

    async def configs_over_traffic(self, percent: int) -> list[ConfigFacts]:
        """Live, limited configs that used at least `percent` % of ``total_gb``."""
        used = Config.up_bytes + Config.down_bytes
        limit = sa.cast(Config.total_gb, sa.BigInteger) * (GIB * percent)
        stmt = sa.select(*_CONFIG_COLUMNS).where(
            Config.status.in_(LIVE_CONFIG), Config.total_gb > 0, used * 100 >= limit
        )
        return [_facts(row) for row in await self.db.execute(stmt)]

    # --- the delivery queue ---------------------------------------------------------------

    async def claim_due(self, now: datetime, limit: int, lease: datetime) -> list[ClaimedRow]:
        """Claim up to `limit` due rows: ``sending``, leased until `lease`.

        A row reclaimed after its lease expired counts as one attempt (the worker holding
        it may have died because of it), so a message that kills workers ends ``dead``.
        """
        reclaimed = Notification.status == NotificationStatus.sending
        ids: Any
        if self.dialect == "postgresql":
            # Lock first, then update exactly those rows. (As one statement, `id IN (SELECT …
            # LIMIT n FOR UPDATE SKIP LOCKED)` may be re-run per outer row by the planner
            # and claim more than `limit` rows.) Two picks, each an ordered index scan that
            # stops after `limit` rows — one pick with both kinds OR-ed together reads and
            # sorts the whole backlog on every claim (bench/notifier.py, claim loop load):
            # rows whose worker died first (few: at most what was in flight), then waiting
            # rows from the partial index `ix_notification_waiting`.
            lost = (
                sa.select(Notification.id)
                .where(
                    Notification.status == NotificationStatus.sending,
                    Notification.locked_until < now,
                )
                .order_by(Notification.locked_until)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            ids = list((await self.db.scalars(lost)).all())
            if len(ids) < limit:
                ids += (await self.db.scalars(waiting_pick(now, limit - len(ids)))).all()
            if not ids:
                return []
        else:  # SQLite: one statement is atomic (single writer), and there is no locking
            ids = (
                sa.select(Notification.id)
                .where(_due(now))
                .order_by(Notification.next_attempt_at)
                .limit(limit)
                .scalar_subquery()
            )
        stmt = (
            sa.update(Notification)
            .where(Notification.id.in_(ids), _due(now))
            .values(
                status=NotificationStatus.sending,
                locked_until=lease,
                attempts=sa.case(
                    (reclaimed, Notification.attempts + 1), else_=Notification.attempts
                ),
                last_error=sa.case((reclaimed, LEASE_EXPIRED), else_=Notification.last_error),
                updated_at=now,
            )
            .returning(
                Notification.id,
                Notification.user_id,
                Notification.kind,
                Notification.title,
                Notification.content,
                Notification.attempts,
                Notification.locked_until,
            )
            .execution_options(synchronize_session=False)
        )
        rows = (await self.db.execute(stmt)).all()
        return [
            ClaimedRow(
                id=row.id,
                user_id=row.user_id,
                kind=row.kind,
                title=row.title,
                content=row.content,
                attempts=row.attempts,
                lease=row.locked_until,
            )
            for row in rows
        ]

    async def recipients(self, user_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, Recipient]:
        """Language, e-mail and reachable Telegram chat of each user (two queries)."""
        ids = list(set(user_ids))
        if not ids:
            return {}
        profiles = {
            row.user_id: row
            for row in await self.db.execute(
                sa.select(Profile.user_id, Profile.email, Profile.lang_code).where(
                    Profile.user_id.in_(ids)
                )
            )
        }
        chats = {
            row.user_id: row.external_id
            for row in await self.db.execute(
                sa.select(Social.user_id, Social.external_id).where(
                    Social.user_id.in_(ids),
                    Social.name == SocialName.telegram,
                    Social.reachable.is_(True),
                )
            )
        }
        result = {}
        for user_id in ids:
            profile = profiles.get(user_id)
            if profile is None:
                result[user_id] = Recipient(LangCode.en, None, chats.get(user_id))
                continue
            result[user_id] = Recipient(
                lang=profile.lang_code or LangCode.en,
                email=profile.email or None,
                telegram_chat=chats.get(user_id),
            )
        return result

    async def _update_claimed(
        self, notification_id: uuid.UUID, lease: datetime, **values: Any
    ) -> bool:
        stmt = (
            sa.update(Notification)
            .where(
                Notification.id == notification_id,
                Notification.status == NotificationStatus.sending,
                Notification.locked_until == lease,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        result = await self.db.execute(stmt)
        return bool(result.rowcount)  # type: ignore[attr-defined]

    async def mark_sent(
        self,
        notification_id: uuid.UUID,
        lease: datetime,
        channel: NotificationChannel,
        now: datetime,
        note: str | None,
    ) -> bool:
        """False when the lease was lost (someone else owns the row now)."""
        return await self._update_claimed(
            notification_id,
            lease,
            status=NotificationStatus.sent,
            channel=channel,
            sent_at=now,
            locked_until=None,
            next_attempt_at=None,
            last_error=note,
            updated_at=now,
        )

    async def mark_failed(
        self,
        notification_id: uuid.UUID,
        lease: datetime,
        *,
        now: datetime,
        attempts: int,
        dead: bool,
        next_attempt_at: datetime | None,
        channel: NotificationChannel | None,
        error: str,
    ) -> bool:
        return await self._update_claimed(
            notification_id,
            lease,
            status=NotificationStatus.dead if dead else NotificationStatus.failed,
            attempts=attempts,
            next_attempt_at=None if dead else next_attempt_at,
            locked_until=None,
            channel=channel,
            last_error=error[:1000],
            updated_at=now,
        )

    async def reschedule(
        self,
        notification_id: uuid.UUID,
        lease: datetime,
        *,
        now: datetime,
        next_attempt_at: datetime,
        note: str | None,
    ) -> bool:
        """Back to ``pending`` for later without counting an attempt (a rate limit, a
        shutdown). `note` replaces ``last_error`` when given."""
        values: dict[str, Any] = {
            "status": NotificationStatus.pending,
            "next_attempt_at": next_attempt_at,
            "locked_until": None,
            "updated_at": now,
        }
        if note is not None:
            values["last_error"] = note[:1000]
        return await self._update_claimed(notification_id, lease, **values)

    async def count_undelivered(self, now: datetime) -> tuple[int, int]:
        """(due now, not delivered yet) — the queue depth."""
        due = await self.db.scalar(
            sa.select(sa.func.count()).select_from(Notification).where(_due(now))
        )
        total = await self.db.scalar(
            sa.select(sa.func.count())
            .select_from(Notification)
            .where(Notification.status.in_(UNDELIVERED))
        )
        return int(due or 0), int(total or 0)

    # --- cleanup ----------------------------------------------------------------------------

    def _live_config_exists(self) -> sa.Exists:
        return (
            sa.select(Config.id)
            .where(Config.id == Notification.target_id, Config.status.in_(LIVE_CONFIG))
            .exists()
        )

    async def delete_old(self, cutoff: datetime, period_kinds: Sequence[str]) -> int:
        """Delete notifications created before `cutoff`, except rows being sent and
        `period_kinds` notices whose config is still live (see `old_period_notices`)."""
        stmt = sa.delete(Notification).where(
            Notification.created_at < cutoff,
            Notification.status != NotificationStatus.sending,
            sa.not_(sa.and_(Notification.kind.in_(period_kinds), self._live_config_exists())),
        )
        result = await self.db.execute(stmt.execution_options(synchronize_session=False))
        return int(result.rowcount)  # type: ignore[attr-defined]

    async def old_period_notices(
        self, cutoff: datetime, period_kinds: Sequence[str]
    ) -> list[PeriodNotice]:
        stmt = (
            sa.select(Notification.id, Notification.kind, Notification.period_key, *_CONFIG_COLUMNS)
            .join(Config, Config.id == Notification.target_id)
            .where(
                Notification.created_at < cutoff,
                Notification.status != NotificationStatus.sending,
                Notification.kind.in_(period_kinds),
                Config.status.in_(LIVE_CONFIG),
            )
        )
        rows = (await self.db.execute(stmt)).all()
        return [
            PeriodNotice(
                id=row[0],
                kind=row[1],
                period_key=row[2],
                config=ConfigFacts(
                    id=row[3],
                    user_id=row[4],
                    type=row[5],
                    valid_to=row[6],
                    total_gb=row[7],
                    used_bytes=int(row[8] or 0),
                ),
            )
            for row in rows
        ]

    async def delete_ids(self, ids: Sequence[uuid.UUID]) -> int:
        if not ids:
            return 0
        stmt = sa.delete(Notification).where(
            Notification.id.in_(ids), Notification.status != NotificationStatus.sending
        )
        result = await self.db.execute(stmt.execution_options(synchronize_session=False))
        return int(result.rowcount)  # type: ignore[attr-defined]

    # --- coordination ---------------------------------------------------------------------

    async def try_lock(self, name: str) -> bool:
        """Take a lock held until this transaction ends, without waiting: False when another
        process holds it. (SQLite: always True — one writer anyway.)"""
        if self.dialect != "postgresql":
            return True
        taken = await self.db.scalar(
            sa.select(sa.func.pg_try_advisory_xact_lock(_advisory_key(name)))
        )
        return bool(taken)
