"""`/api/admin/v1/news`: superusers write and publish news; admins see drafts too."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, status

from rayport.api.deps import (
    DB,
    AdminPrincipal,
    CurrentActor,
    Pagination,
    ReadDB,
    SuperuserPrincipal,
    sorting,
)
from rayport.news.schemas import NewsCreate, NewsRead, NewsUpdate
from rayport.news.service import create_news, delete_news, list_news, read_news, update_news
from rayport.pagination import Page, SortParams

router = APIRouter(prefix="/api/admin/v1", tags=["admin: news"])


@router.get("/news", summary="All news, drafts included")
async def get_news_list(
    _: AdminPrincipal,
    db: ReadDB,
    pagination: Pagination,
    sort: Annotated[SortParams, sorting(("created_at", "published_at"), "-created_at")],
    is_published: bool | None = None,
) -> Page[NewsRead]:
    return Page[NewsRead].model_validate(await list_news(db, pagination, sort, is_published))


@router.get("/news/{news_id}")
async def get_news(news_id: uuid.UUID, _: AdminPrincipal, db: ReadDB) -> NewsRead:
    return await read_news(db, news_id)


@router.post("/news", status_code=status.HTTP_201_CREATED, summary="Write a news item")
async def post_news(
    data: NewsCreate, _: SuperuserPrincipal, actor: CurrentActor, db: DB
) -> NewsRead:
    return await create_news(db, data, actor)


@router.patch("/news/{news_id}", summary="Edit, publish or unpublish a news item")
async def patch_news(
    news_id: uuid.UUID, data: NewsUpdate, _: SuperuserPrincipal, actor: CurrentActor, db: DB
) -> NewsRead:
    return await update_news(db, news_id, data, actor)


@router.delete("/news/{news_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_news(
    news_id: uuid.UUID, _: SuperuserPrincipal, actor: CurrentActor, db: DB
) -> None:
    await delete_news(db, news_id, actor)
