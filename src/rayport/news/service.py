"""News: superusers write and publish, admins see drafts too, users read the feed.

`published_at` is set the first time an item is published and kept afterwards, so
unpublishing to fix a typo and publishing again does not move it to the top of the feed.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.audit.repository import AuditRepository
from rayport.auth.principal import Actor
from rayport.errors import NotFound
from rayport.models import News
from rayport.models.enums import LangCode, TargetType
from rayport.news.repository import NewsRepository
from rayport.news.schemas import LocalizedText, NewsCreate, NewsFeedItem, NewsRead, NewsUpdate
from rayport.pagination import PageParams, SortParams
from rayport.users.repository import UserRepository


def _now() -> datetime:
    return datetime.now(UTC)


def to_news_read(news: News) -> NewsRead:
    return NewsRead(
        id=news.id,
        title=LocalizedText.model_validate(news.title),
        content=LocalizedText.model_validate(news.content),
        is_published=news.is_published,
        published_at=news.published_at,
        author_id=news.author_id,
        created_at=news.created_at,
        updated_at=news.updated_at,
    )


def _snapshot(news: News, fields: set[str]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": news.title,
        "content": news.content,
        "is_published": news.is_published,
        "published_at": news.published_at.isoformat() if news.published_at else None,
    }
    return {key: value for key, value in values.items() if key in fields}


async def _get(db: AsyncSession, news_id: uuid.UUID) -> News:
    news = await NewsRepository(db).get(news_id)
    if news is None:
        raise NotFound("News item not found")
    return news


async def list_news(
    db: AsyncSession, params: PageParams, sort: SortParams, is_published: bool | None
) -> dict[str, Any]:
    result = await NewsRepository(db).page(params, sort, is_published=is_published)
    return result.to_page([to_news_read(n) for n in result.items])


async def read_news(db: AsyncSession, news_id: uuid.UUID) -> NewsRead:
    return to_news_read(await _get(db, news_id))


async def create_news(db: AsyncSession, data: NewsCreate, actor: Actor) -> NewsRead:
    news = await NewsRepository(db).add(
        News(
            title=data.title.model_dump(),
            content=data.content.model_dump(),
            is_published=data.is_published,
            published_at=_now() if data.is_published else None,
            author_id=actor.user_id,
        )
    )
    await AuditRepository(db).record(
        actor_id=actor.user_id,
        action="news.create",
        target_type=TargetType.news,
        target_id=news.id,
        after=_snapshot(news, {"title", "is_published", "published_at"}),
        ip=actor.ip,
    )
    return to_news_read(news)


async def update_news(
    db: AsyncSession, news_id: uuid.UUID, patch: NewsUpdate, actor: Actor
) -> NewsRead:
    """Change fields; the first publication sets `published_at`. Audited with the
    changed fields before and after; a patch that changes nothing is not audited."""
    news = await _get(db, news_id)
    changes = patch.model_dump(exclude_none=True)
    fields = {key for key, value in changes.items() if getattr(news, key) != value}
    if "is_published" in fields and patch.is_published and news.published_at is None:
        fields.add("published_at")
    if not fields:
        return to_news_read(news)
    before = _snapshot(news, fields)
    for key in fields - {"published_at"}:
        setattr(news, key, changes[key])
    if "published_at" in fields:
        news.published_at = _now()
    await db.flush()
    await AuditRepository(db).record(
        actor_id=actor.user_id,
        action="news.update",
        target_type=TargetType.news,
        target_id=news.id,
        before=before,
        after=_snapshot(news, fields),
        ip=actor.ip,
    )
    return to_news_read(news)


async def delete_news(db: AsyncSession, news_id: uuid.UUID, actor: Actor) -> None:
    news = await _get(db, news_id)
    before = _snapshot(news, {"title", "is_published", "published_at"})
    await NewsRepository(db).delete(news)
    await AuditRepository(db).record(
        actor_id=actor.user_id,
        action="news.delete",
        target_type=TargetType.news,
        target_id=news_id,
        before=before,
        ip=actor.ip,
    )


def _in_language(news: News, lang: LangCode) -> NewsFeedItem:
    """The reader's language when the item has a title in it, else the other one; a field
    empty in the chosen language falls back to the other language too."""
    other = LangCode.en if lang is LangCode.ru else LangCode.ru
    chosen = lang if news.title.get(lang.value) or not news.title.get(other.value) else other
    other = LangCode.en if chosen is LangCode.ru else LangCode.ru
    return NewsFeedItem(
        id=news.id,
        title=news.title.get(chosen.value) or news.title.get(other.value, ""),
        content=news.content.get(chosen.value) or news.content.get(other.value, ""),
        lang=chosen,
        published_at=news.published_at or news.created_at,
    )


async def news_feed(
    db: AsyncSession, user_id: uuid.UUID, params: PageParams, sort: SortParams
) -> dict[str, Any]:
    """Published news in the reader's language (`profile.lang_code`)."""
    profile = await UserRepository(db).profile(user_id)
    lang = profile.lang_code if profile is not None else LangCode.en
    result = await NewsRepository(db).published_page(params, sort)
    return result.to_page([_in_language(n, lang) for n in result.items])
