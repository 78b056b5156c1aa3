from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from rayport.db.base import Base


class Session(Base):
    """One logged-in device. Access tokens carry its id (`sid`); revoking it ends them all."""

    __tablename__ = "session"
    __table_args__ = (sa.Index("ix_session_user_id_revoked_at", "user_id", "revoked_at"),)

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    user_agent: Mapped[str | None] = mapped_column(sa.String(512))
    ip: Mapped[str | None] = mapped_column(sa.String(45))
    device: Mapped[str | None] = mapped_column(sa.String(128))
    last_activity_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(sa.String(32))
