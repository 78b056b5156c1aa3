from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from rayport.db.base import Base


class News(Base):
    __tablename__ = "news"
    __table_args__ = (
        sa.Index("ix_news_is_published_published_at", "is_published", "published_at"),
    )

    title: Mapped[dict[str, Any]]  # {"ru": ..., "en": ...}
    content: Mapped[dict[str, Any]]
    is_published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None]
    author_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
