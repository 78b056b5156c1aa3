"""All SQL about news."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.models import News
from rayport.pagination import PageParams, PageResult, SortParams, order_by, paginate

SORTABLE: dict[str, Any] = {
    "created_at": News.created_at,
    "published_at": News.published_at,
}


class NewsRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.db = session

    async def get(self, news_id: uuid.UUID) -> News | None:
        return await self.db.get(News, news_id)

    async def add(self, news: News) -> News:
        self.db.add(news)
        await self.db.flush()
        return news

    async def delete(self, news: News) -> None:
        await self.db.delete(news)
        await self.db.flush()

    async def page(
        self, params: PageParams, sort: SortParams, *, is_published: bool | None = None
    ) -> PageResult[News]:
        """Every item, drafts included (admins)."""
        stmt = sa.select(News)
        if is_published is not None:
            stmt = stmt.where(News.is_published.is_(is_published))
        stmt = stmt.order_by(*order_by(sort, SORTABLE, News.id))
        return await paginate(self.db, stmt, params)

    async def published_page(self, params: PageParams, sort: SortParams) -> PageResult[News]:
        """Published items only (the users' feed)."""
        stmt = (
            sa.select(News)
            .where(News.is_published.is_(True))
            .order_by(*order_by(sort, SORTABLE, News.id))
        )
        return await paginate(self.db, stmt, params)
