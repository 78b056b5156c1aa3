"""All SQL about user requests (verify, reset_password, update_config, renew_config)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from rayport.errors import Conflict
from rayport.models import Request, User
from rayport.models.enums import RequestKind, RequestStatus
from rayport.pagination import (
    AnyRow,
    PageParams,
    PageResult,
    RowsSelect,
    SortParams,
    order_by,
    paginate_rows,
)

SORTABLE: dict[str, Any] = {
    "created_at": Request.created_at,
    "kind": Request.kind,
    "status": Request.status,
}

_Decider = aliased(User, name="decider")


@dataclass(frozen=True, slots=True)
class RequestFilters:
    kind: RequestKind | None = None
    status: RequestStatus | None = None
    user_id: uuid.UUID | None = None


class RequestRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.db = session

    async def find_open(
        self, user_id: uuid.UUID, kind: RequestKind, target_id: uuid.UUID
    ) -> Request | None:
        stmt = sa.select(Request).where(
            Request.user_id == user_id,
            Request.kind == kind,
            Request.target_id == target_id,
            Request.status == RequestStatus.new,
        )
        return await self.db.scalar(stmt)

    async def add_open(self, request: Request) -> Request:
        """Insert a new open request. Raises `Conflict` if one is already open — the
        partial unique index decides, so two concurrent calls cannot both succeed."""
        try:
            async with self.db.begin_nested():
                self.db.add(request)
                await self.db.flush()
        except IntegrityError as exc:
            raise Conflict("There is already an open request of this kind") from exc
        return request

    async def get(self, request_id: uuid.UUID) -> Request | None:
        return await self.db.get(Request, request_id)

    def _with_logins(self) -> RowsSelect:
        return (
            sa.select(Request, User.login, _Decider.login)
            .join(User, User.id == Request.user_id)
            .outerjoin(_Decider, _Decider.id == Request.decided_by_id)
        )

    async def get_with_logins(self, request_id: uuid.UUID) -> AnyRow | None:
        """(request, requester's login, decider's login or None)."""
        stmt = self._with_logins().where(Request.id == request_id)
        return (await self.db.execute(stmt)).one_or_none()

    async def page(
        self, filters: RequestFilters, params: PageParams, sort: SortParams
    ) -> PageResult[AnyRow]:
        """Rows of (request, requester's login, decider's login)."""
        stmt = self._with_logins()
        if filters.kind is not None:
            stmt = stmt.where(Request.kind == filters.kind)
        if filters.status is not None:
            stmt = stmt.where(Request.status == filters.status)
        if filters.user_id is not None:
            stmt = stmt.where(Request.user_id == filters.user_id)
        stmt = stmt.order_by(*order_by(sort, SORTABLE, Request.id))
        return await paginate_rows(self.db, stmt, params)

    async def open_for_user(self, user_id: uuid.UUID) -> list[Request]:
        stmt = (
            sa.select(Request)
            .where(Request.user_id == user_id, Request.status == RequestStatus.new)
            .order_by(Request.created_at, Request.id)
        )
        return list((await self.db.scalars(stmt)).all())

    async def decide(
        self,
        request_id: uuid.UUID,
        status: RequestStatus,
        *,
        decided_by_id: uuid.UUID | None,
        comment: str | None,
        now: datetime,
    ) -> Request | None:
        """Close an open request: `UPDATE ... WHERE status = 'new'`, atomically.

        Returns the updated request, or None when it was not open — already decided,
        possibly by a concurrent call that committed first (the row lock makes the loser
        wait and then re-check the condition)."""
        stmt = (
            sa.update(Request)
            .where(Request.id == request_id, Request.status == RequestStatus.new)
            .values(
                status=status,
                decided_by_id=decided_by_id,
                decided_at=now,
                comment=comment,
                updated_at=now,
            )
            .returning(Request)
            .execution_options(populate_existing=True, synchronize_session=False)
        )
        return (await self.db.scalars(stmt)).one_or_none()

    async def decide_open(
        self,
        user_id: uuid.UUID,
        kind: RequestKind,
        status: RequestStatus,
        *,
        decided_by_id: uuid.UUID | None,
        now: datetime,
    ) -> list[uuid.UUID]:
        """Close every open request of `kind` by `user_id` (a direct admin action made
        them moot); returns their ids."""
        stmt = (
            sa.update(Request)
            .where(
                Request.user_id == user_id,
                Request.kind == kind,
                Request.status == RequestStatus.new,
            )
            .values(status=status, decided_by_id=decided_by_id, decided_at=now, updated_at=now)
            .returning(Request.id)
        )
        result = await self.db.execute(stmt.execution_options(synchronize_session=False))
        return list(result.scalars().all())
