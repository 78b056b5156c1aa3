from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.notifications.repository import NotificationRepository
from rayport.notifications.schemas import NotificationRead
from rayport.pagination import PageParams


async def list_for_user(db: AsyncSession, user_id: uuid.UUID, params: PageParams) -> dict[str, Any]:
    """A user's own notifications, newest first, as a page."""
    result = await NotificationRepository(db).list_for_user(user_id, params)
    return result.to_page([NotificationRead.model_validate(n) for n in result.items])
