"""Page parameters, sorting and the list envelope `{items, page, limit, total, pages}`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeAlias, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")
# A SELECT of several columns, and one of its rows.
RowsSelect: TypeAlias = sa.Select[*tuple[Any, ...]]
AnyRow: TypeAlias = sa.Row[*tuple[Any, ...]]
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
class SortParams:
    """One whitelisted field, `-field` on the wire for descending."""

    field: str
    descending: bool = False

    @classmethod
    def parse(cls, value: str) -> SortParams:
        return cls(field=value.lstrip("-"), descending=value.startswith("-"))

    def __str__(self) -> str:
        return f"-{self.field}" if self.descending else self.field


def order_by(
    sort: SortParams, columns: Mapping[str, Any], tiebreak: Any
) -> list[sa.ColumnElement[Any]]:
    """ORDER BY for `sort` over whitelisted `columns`, with a unique `tiebreak` column so
    that pages never overlap or skip rows. Raises `KeyError` for a field not whitelisted
    (the API validates the parameter against the same whitelist first)."""
    column = columns[sort.field]
    ordered = column.desc() if sort.descending else column.asc()
    expression = getattr(column, "expression", column)
    if getattr(expression, "unique", False) or getattr(expression, "primary_key", False):
        # Already unique: a tiebreak would stop PostgreSQL from walking the column's index.
        return [ordered]
    return [ordered, tiebreak]


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


async def paginate_rows(
    session: AsyncSession, stmt: RowsSelect, params: PageParams
) -> PageResult[AnyRow]:
    """Like `paginate` for a statement selecting several columns: items are rows."""
    total = await session.scalar(
        sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())
    )
    rows = (await session.execute(stmt.limit(params.limit).offset(params.offset))).all()
    return PageResult(items=list(rows), total=int(total or 0), params=params)
