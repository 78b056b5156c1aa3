"""Reading the audit log. Entries are written by each service, in the change's transaction,
through `AuditRepository.record`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.audit.repository import AuditFilters, AuditRepository
from rayport.audit.schemas import AuditRead
from rayport.errors import ValidationFailed
from rayport.pagination import PageParams, SortParams


async def list_audit(
    db: AsyncSession, filters: AuditFilters, params: PageParams, sort: SortParams
) -> dict[str, Any]:
    """Raises `ValidationFailed` when `from` is not before `to`."""
    if filters.since and filters.until and filters.since >= filters.until:
        raise ValidationFailed(
            "`from` must be before `to`", details=[{"loc": ["query", "from"], "msg": "after to"}]
        )
    result = await AuditRepository(db).page(filters, params, sort)
    return result.to_page(
        [
            AuditRead(
                id=entry.id,
                actor_id=entry.actor_id,
                actor_login=login,
                action=entry.action,
                target_type=entry.target_type,
                target_id=entry.target_id,
                before=entry.before,
                after=entry.after,
                ip=entry.ip,
                created_at=entry.created_at,
            )
            for entry, login in result.items
        ]
    )
