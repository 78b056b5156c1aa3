"""`/api/backend/v1`: what verified users read (admins are exempt from verification)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from rayport.api.deps import Pagination, ReadDB, VerifiedPrincipal, sorting
from rayport.news.schemas import NewsFeedItem
from rayport.news.service import news_feed
from rayport.pagination import Page, SortParams

router = APIRouter(prefix="/api/backend/v1", tags=["backend"])


@router.get("/news", summary="Published news in the reader's language, newest first")
async def get_news_feed(
    principal: VerifiedPrincipal,
    db: ReadDB,
    pagination: Pagination,
    sort: Annotated[SortParams, sorting(("published_at",), "-published_at")],
) -> Page[NewsFeedItem]:
    page = await news_feed(db, principal.user_id, pagination, sort)
    return Page[NewsFeedItem].model_validate(page)
