"""All SQL about notifications."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.models import Notification, User
from rayport.models.enums import NotificationChannel, NotificationStatus
from rayport.pagination import (
    AnyRow,
    PageParams,
    PageResult,
    SortParams,
    order_by,
    paginate,
    paginate_rows,
)

SORTABLE: dict[str, Any] = {
    "created_at": Notification.created_at,
    "status": Notification.status,
    "next_attempt_at": Notification.next_attempt_at,
    "attempts": Notification.attempts,
}

RETRYABLE = (NotificationStatus.failed, NotificationStatus.dead)


@dataclass(frozen=True, slots=True)
class NotificationFilters:
    status: NotificationStatus | None = None
    channel: NotificationChannel | None = None
    user_id: uuid.UUID | None = None
    kind: str | None = None


class NotificationRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.db = session

    async def list_for_user(
        self, user_id: uuid.UUID, params: PageParams
    ) -> PageResult[Notification]:
        stmt = (
            sa.select(Notification)
            .where(Notification.user_id == user_id)
            .order_by(Notification.created_at.desc(), Notification.id)
        )
        return await paginate(self.db, stmt, params)

    async def add(self, notification: Notification) -> Notification:
        self.db.add(notification)
        await self.db.flush()
        return notification

    async def add_once(self, notification: Notification) -> Notification | None:
        """Insert unless the same (user, kind, target, period) exists; None then.

        The unique constraint decides, so two concurrent scans cannot both insert."""
        try:
            async with self.db.begin_nested():
                self.db.add(notification)
                await self.db.flush()
        except IntegrityError:
            return None
        return notification

    async def add_many(self, notifications: Sequence[Notification]) -> None:
        self.db.add_all(notifications)
        await self.db.flush()

    async def get(self, notification_id: uuid.UUID) -> Notification | None:
        return await self.db.get(Notification, notification_id)

    async def page(
        self, filters: NotificationFilters, params: PageParams, sort: SortParams
    ) -> PageResult[AnyRow]:
        """(Notification, user login) rows for the admin list."""
        stmt = sa.select(Notification, User.login).join(User, User.id == Notification.user_id)
        if filters.status is not None:
            stmt = stmt.where(Notification.status == filters.status)
        if filters.channel is not None:
            stmt = stmt.where(Notification.channel == filters.channel)
        if filters.user_id is not None:
            stmt = stmt.where(Notification.user_id == filters.user_id)
        if filters.kind is not None:
            stmt = stmt.where(Notification.kind == filters.kind)
        stmt = stmt.order_by(*order_by(sort, SORTABLE, Notification.id))
        return await paginate_rows(self.db, stmt, params)

    async def mark_read(
        self, notification_id: uuid.UUID, user_id: uuid.UUID, now: datetime
    ) -> bool:
        """Mark one of `user_id`'s notifications read (first read wins). False when the
        notification does not exist or belongs to someone else."""
        exists = await self.db.scalar(
            sa.select(Notification.id).where(
                Notification.id == notification_id, Notification.user_id == user_id
            )
        )
        if exists is None:
            return False
        stmt = (
            sa.update(Notification)
            .where(Notification.id == notification_id, Notification.read_at.is_(None))
            .values(read_at=now, updated_at=now)
        )
        await self.db.execute(stmt.execution_options(synchronize_session=False))
        return True

    async def requeue(self, notification_id: uuid.UUID, now: datetime) -> Notification | None:
        """`failed`/`dead` → `pending`, attempts reset, due now. Atomic: None when the
        notification is in any other state (or was requeued by someone else first)."""
        stmt = (
            sa.update(Notification)
            .where(Notification.id == notification_id, Notification.status.in_(RETRYABLE))
            .values(
                status=NotificationStatus.pending,
                attempts=0,
                next_attempt_at=now,
                locked_until=None,
                updated_at=now,
            )
            .returning(Notification)
            .execution_options(populate_existing=True, synchronize_session=False)
        )
        return (await self.db.scalars(stmt)).one_or_none()

    async def delete_older_than(self, cutoff: datetime) -> int:
        """Delete notifications created before `cutoff`, except those being sent right now."""
        stmt = sa.delete(Notification).where(
            Notification.created_at < cutoff, Notification.status != NotificationStatus.sending
        )
        result = await self.db.execute(stmt.execution_options(synchronize_session=False))
        return int(result.rowcount)  # type: ignore[attr-defined]
