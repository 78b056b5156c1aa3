"""All SQL about sessions and refresh tokens."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.models import RefreshToken, Role, Session, User
from rayport.pagination import AnyRow, PageParams, PageResult, SortParams, order_by, paginate_rows

SORTABLE: dict[str, Any] = {
    "created_at": Session.created_at,
    "last_activity_at": Session.last_activity_at,
    "expires_at": Session.expires_at,
}


@dataclass(frozen=True, slots=True)
class SessionFilters:
    user_id: uuid.UUID | None = None
    active: bool | None = None  # True: live only; False: ended (revoked or expired) only


class SessionRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.db = session

    async def add(self, session: Session) -> Session:
        self.db.add(session)
        await self.db.flush()
        return session

    async def get(self, session_id: uuid.UUID) -> Session | None:
        return await self.db.get(Session, session_id)

    async def liveness(
        self, session_id: uuid.UUID
    ) -> tuple[uuid.UUID, datetime | None, datetime] | None:
        """(user_id, revoked_at, expires_at) of a session — the narrow read of the auth check."""
        stmt = sa.select(Session.user_id, Session.revoked_at, Session.expires_at).where(
            Session.id == session_id
        )
        row = (await self.db.execute(stmt)).one_or_none()
        return None if row is None else (row[0], row[1], row[2])

    async def live_for_user(self, user_id: uuid.UUID, now: datetime) -> list[Session]:
        stmt = (
            sa.select(Session)
            .where(
                Session.user_id == user_id, Session.revoked_at.is_(None), Session.expires_at > now
            )
            .order_by(Session.last_activity_at.desc())
        )
        return list((await self.db.scalars(stmt)).all())

    async def revoke(
        self,
        *,
        now: datetime,
        reason: str,
        session_ids: Sequence[uuid.UUID] | None = None,
        user_id: uuid.UUID | None = None,
        except_id: uuid.UUID | None = None,
    ) -> list[uuid.UUID]:
        """Revoke live sessions by id and/or user; returns the ids actually revoked."""
        stmt = sa.update(Session).where(Session.revoked_at.is_(None))
        if session_ids is not None:
            stmt = stmt.where(Session.id.in_(session_ids))
        if user_id is not None:
            stmt = stmt.where(Session.user_id == user_id)
        if except_id is not None:
            stmt = stmt.where(Session.id != except_id)
        stmt = stmt.values(revoked_at=now, revoke_reason=reason, updated_at=now).returning(
            Session.id
        )
        result = await self.db.execute(stmt.execution_options(synchronize_session=False))
        return list(result.scalars().all())

    async def touch(
        self,
        session_id: uuid.UUID,
        *,
        now: datetime,
        expires_at: datetime,
        ip: str | None,
        user_agent: str | None,
        device: str | None,
    ) -> None:
        stmt = (
            sa.update(Session)
            .where(Session.id == session_id)
            .values(
                last_activity_at=now,
                expires_at=expires_at,
                ip=ip,
                user_agent=user_agent,
                device=device,
                updated_at=now,
            )
        )
        await self.db.execute(stmt.execution_options(synchronize_session=False))

    async def get_with_owner(self, session_id: uuid.UUID) -> AnyRow | None:
        """(session, owner's login, owner's role name)."""
        stmt = (
            sa.select(Session, User.login, Role.name)
            .join(User, User.id == Session.user_id)
            .join(Role, Role.id == User.role_id)
            .where(Session.id == session_id)
        )
        return (await self.db.execute(stmt)).one_or_none()

    async def page(
        self, filters: SessionFilters, params: PageParams, sort: SortParams, now: datetime
    ) -> PageResult[AnyRow]:
        """Rows of (session, owner's login) for the admin list."""
        stmt = sa.select(Session, User.login).join(User, User.id == Session.user_id)
        if filters.user_id is not None:
            stmt = stmt.where(Session.user_id == filters.user_id)
        live = sa.and_(Session.revoked_at.is_(None), Session.expires_at > now)
        if filters.active is not None:
            stmt = stmt.where(live if filters.active else sa.not_(live))
        stmt = stmt.order_by(*order_by(sort, SORTABLE, Session.id))
        return await paginate_rows(self.db, stmt, params)

    async def delete_ended_before(self, cutoff: datetime) -> int:
        """Delete sessions that expired or were revoked before `cutoff` (their refresh
        tokens go with them)."""
        stmt = sa.delete(Session).where(
            sa.or_(Session.expires_at < cutoff, Session.revoked_at < cutoff)
        )
        result = await self.db.execute(stmt.execution_options(synchronize_session=False))
        return int(result.rowcount)  # type: ignore[attr-defined]


class RefreshTokenRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.db = session

    async def add(self, token: RefreshToken) -> None:
        self.db.add(token)
        await self.db.flush()

    async def get_by_hash(self, token_hash: str) -> RefreshToken | None:
        return await self.db.scalar(
            sa.select(RefreshToken).where(RefreshToken.token_hash == token_hash)
        )

    async def mark_used(self, token_id: uuid.UUID, now: datetime) -> bool:
        """Atomically spend a token. False when someone else spent it first (a race or a replay)."""
        stmt = (
            sa.update(RefreshToken)
            .where(RefreshToken.id == token_id, RefreshToken.used_at.is_(None))
            .values(used_at=now, updated_at=now)
        )
        result = await self.db.execute(stmt.execution_options(synchronize_session=False))
        return bool(result.rowcount == 1)  # type: ignore[attr-defined]
