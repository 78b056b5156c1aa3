"""All SQL about VPN configs."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.models import Config, Request, User
from rayport.models.enums import ConfigStatus, ConfigType, RequestStatus
from rayport.pagination import PageParams, PageResult

SORTABLE = {
    "created_at": Config.created_at,
    "valid_to": Config.valid_to,
    "type": Config.type,
    "status": Config.status,
    "used_bytes": Config.up_bytes + Config.down_bytes,
}


class ConfigRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.db = session

    async def get(self, config_id: uuid.UUID) -> Config | None:
        return await self.db.get(Config, config_id)

    async def get_for_user(self, user_id: uuid.UUID, config_type: ConfigType) -> Config | None:
        stmt = sa.select(Config).where(Config.user_id == user_id, Config.type == config_type)
        return await self.db.scalar(stmt)

    async def list_for_user(self, user_id: uuid.UUID) -> list[Config]:
        stmt = sa.select(Config).where(Config.user_id == user_id).order_by(Config.created_at)
        return list((await self.db.scalars(stmt)).all())

    async def add(self, config: Config) -> Config:
        self.db.add(config)
        await self.db.flush()
        return config

    async def open_requests(self, config_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Request]:
        if not config_ids:
            return {}
        stmt = sa.select(Request).where(
            Request.target_id.in_(config_ids), Request.status == RequestStatus.new
        )
        return {r.target_id: r for r in (await self.db.scalars(stmt)).all()}

    async def page(
        self,
        params: PageParams,
        *,
        sort: str = "-created_at",
        user_id: uuid.UUID | None = None,
        config_type: ConfigType | None = None,
        status: ConfigStatus | None = None,
        login: str | None = None,
    ) -> PageResult[Any]:
        stmt = sa.select(Config, User.login).join(User, User.id == Config.user_id)
        if user_id is not None:
            stmt = stmt.where(Config.user_id == user_id)
        if config_type is not None:
            stmt = stmt.where(Config.type == config_type)
        if status is not None:
            stmt = stmt.where(Config.status == status)
        if login:
            stmt = stmt.where(User.login.contains(login.lower(), autoescape=True))
        column = SORTABLE[sort.lstrip("-")]
        stmt = stmt.order_by(column.desc() if sort.startswith("-") else column.asc(), Config.id)
        total = await self.db.scalar(
            sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
        )
        rows = (await self.db.execute(stmt.limit(params.limit).offset(params.offset))).all()
        return PageResult(
            items=[(row[0], row[1]) for row in rows], total=int(total or 0), params=params
        )

    async def all_by_email(self) -> dict[str, Config]:
        """Every config keyed by lower-case panel email (the bulk sync's join key)."""
        rows = (await self.db.scalars(sa.select(Config))).all()
        return {config.client_email.lower(): config for config in rows}
