from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.models import AppSettings


class AppSettingsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.db = session

    async def all(self) -> dict[str, dict[str, Any]]:
        rows = (await self.db.scalars(sa.select(AppSettings))).all()
        return {row.name: dict(row.values) for row in rows}

    async def save(self, name: str, values: dict[str, Any]) -> None:
        row = await self.db.scalar(sa.select(AppSettings).where(AppSettings.name == name))
        if row is None:
            self.db.add(AppSettings(name=name, values=values))
        else:
            row.values = values
        await self.db.flush()
