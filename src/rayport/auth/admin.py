"""Admins and sessions: the list, ending one, deleting old ones."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.audit.repository import AuditRepository
from rayport.auth.admin_schemas import AdminSessionRead, SessionCleanupRead
from rayport.auth.principal import Actor
from rayport.auth.repository import SessionFilters, SessionRepository
from rayport.auth.service import AuthService
from rayport.errors import NotFound, PermissionDenied
from rayport.models import Session
from rayport.models.enums import TargetType
from rayport.pagination import PageParams, SortParams


def _now() -> datetime:
    return datetime.now(UTC)


def _read(session: Session, login: str, now: datetime) -> AdminSessionRead:
    return AdminSessionRead(
        id=session.id,
        user_id=session.user_id,
        user_login=login,
        device=session.device,
        user_agent=session.user_agent,
        ip=session.ip,
        created_at=session.created_at,
        last_activity_at=session.last_activity_at,
        expires_at=session.expires_at,
        revoked_at=session.revoked_at,
        revoke_reason=session.revoke_reason,
        active=session.revoked_at is None and session.expires_at > now,
    )


async def list_sessions(
    db: AsyncSession, filters: SessionFilters, params: PageParams, sort: SortParams
) -> dict[str, Any]:
    now = _now()
    result = await SessionRepository(db).page(filters, params, sort, now)
    return result.to_page([_read(row[0], row[1], now) for row in result.items])


async def end_session(auth: AuthService, session_id: uuid.UUID, actor: Actor) -> None:
    """End anyone's session; the owner's next request is refused on every API process.

    An admin may end plain users' sessions and their own; only a superuser ends other
    admins' and superusers'. Raises `NotFound`, `PermissionDenied`. Ending a session that
    already ended changes nothing and is not audited.
    """
    row = await SessionRepository(auth.db).get_with_owner(session_id)
    if row is None:
        raise NotFound("Session not found")
    session, _login, role = row
    if actor.user_id != session.user_id and not actor.outranks(role):
        raise PermissionDenied("Only a superuser can end an admin's or superuser's session")
    if not await auth.end_session(session_id, reason="admin"):
        return
    await AuditRepository(auth.db).record(
        actor_id=actor.user_id,
        action="session.revoke",
        target_type=TargetType.session,
        target_id=session_id,
        before={"user_id": str(session.user_id), "revoked_at": None},
        after={"revoked_at": _now().isoformat(), "revoke_reason": "admin"},
        ip=actor.ip,
    )


async def cleanup_sessions(db: AsyncSession, days: int, actor: Actor) -> SessionCleanupRead:
    """Delete sessions that expired or were revoked more than `days` ago. Audited."""
    cutoff = _now() - timedelta(days=days)
    deleted = await SessionRepository(db).delete_ended_before(cutoff)
    await AuditRepository(db).record(
        actor_id=actor.user_id,
        action="session.cleanup",
        target_type=TargetType.session,
        after={"deleted": deleted, "days": days, "cutoff": cutoff.isoformat()},
        ip=actor.ip,
    )
    return SessionCleanupRead(deleted=deleted, cutoff=cutoff)
