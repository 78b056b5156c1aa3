from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from rayport.db.base import Base


class RefreshToken(Base):
    """A refresh token, stored only as its SHA-256. The session is the rotation family."""

    __tablename__ = "refresh_token"

    session_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("session.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    generation: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
