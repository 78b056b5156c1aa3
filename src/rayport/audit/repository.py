"""All SQL about the audit log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.models import AuditLog, User
from rayport.models.enums import TargetType
from rayport.pagination import AnyRow, PageParams, PageResult, SortParams, order_by, paginate_rows

SORTABLE: dict[str, Any] = {"created_at": AuditLog.created_at}


@dataclass(frozen=True, slots=True)
class AuditFilters:
    actor_id: uuid.UUID | None = None
    action: str | None = None
    target_type: TargetType | None = None
    target_id: uuid.UUID | None = None
    since: datetime | None = None  # inclusive
    until: datetime | None = None  # exclusive


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

    async def page(
        self, filters: AuditFilters, params: PageParams, sort: SortParams
    ) -> PageResult[AnyRow]:
        """Rows of (entry, actor's login or None)."""
        stmt = sa.select(AuditLog, User.login).outerjoin(User, User.id == AuditLog.actor_id)
        if filters.actor_id is not None:
            stmt = stmt.where(AuditLog.actor_id == filters.actor_id)
        if filters.action is not None:
            stmt = stmt.where(AuditLog.action == filters.action)
        if filters.target_type is not None:
            stmt = stmt.where(AuditLog.target_type == filters.target_type)
        if filters.target_id is not None:
            stmt = stmt.where(AuditLog.target_id == filters.target_id)
        if filters.since is not None:
            stmt = stmt.where(AuditLog.created_at >= filters.since)
        if filters.until is not None:
            stmt = stmt.where(AuditLog.created_at < filters.until)
        stmt = stmt.order_by(*order_by(sort, SORTABLE, AuditLog.id))
        return await paginate_rows(self.db, stmt, params)
