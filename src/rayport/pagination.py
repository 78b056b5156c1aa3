"""Page parameters and the list envelope `{items, page, limit, total, pages}`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class PageParams:
    page: int = 1
    limit: int = 20

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.limit


class Page(BaseModel, Generic[T]):
    items: list[T]
    page: int
    limit: int
    total: int
    pages: int


@dataclass(frozen=True, slots=True)
class PageResult(Generic[T]):
    items: list[T]
    total: int
    params: PageParams

    def to_page(self, items: list[Any]) -> dict[str, Any]:
        return {
            "items": items,
            "page": self.params.page,
            "limit": self.params.limit,
            "total": self.total,
            "pages": math.ceil(self.total / self.params.limit) if self.total else 0,
        }


async def paginate(
    session: AsyncSession, stmt: sa.Select[Any], params: PageParams
) -> PageResult[Any]:
    """Run `stmt` for one page and count the whole result (one extra COUNT query)."""
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    )
    rows = (await session.scalars(stmt.limit(params.limit).offset(params.offset))).all()
    return PageResult(items=list(rows), total=int(total or 0), params=params)
