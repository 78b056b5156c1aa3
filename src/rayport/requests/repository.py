"""All SQL about user requests (verify, reset_password, update_config, renew_config)."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.errors import Conflict
from rayport.models import Request
from rayport.models.enums import RequestKind, RequestStatus


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
