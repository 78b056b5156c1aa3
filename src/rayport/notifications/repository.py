"""All SQL about notifications."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.models import Notification
from rayport.pagination import PageParams, PageResult, paginate


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
