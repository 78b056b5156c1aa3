from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.models import AuditLog
from rayport.models.enums import TargetType


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.db = session

    async def record(
        self,
        *,
        actor_id: uuid.UUID | None,
        action: str,
        target_type: TargetType | None = None,
        target_id: uuid.UUID | None = None,
        before: dict[str, Any] | None = None,
        after: dict[str, Any] | None = None,
        ip: str | None = None,
    ) -> AuditLog:
        """Add an audit entry to the current unit of work (same transaction as the change)."""
        entry = AuditLog(
            actor_id=actor_id,
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=before,
            after=after,
            ip=ip,
        )
        self.db.add(entry)
        await self.db.flush()
        return entry
