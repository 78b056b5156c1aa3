from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from rayport.db.base import Base, str_enum
from rayport.models.enums import RequestKind, RequestStatus, TargetType


class Request(Base):
    """Something a user asked for that an admin decides (verify, reset, renew, limits)."""

    __tablename__ = "request"
    __table_args__ = (
        # At most one open request per (user, kind, target).
        sa.Index(
            "uq_request_open",
            "user_id",
            "kind",
            "target_id",
            unique=True,
            postgresql_where=sa.text("status = 'new'"),
            sqlite_where=sa.text("status = 'new'"),
        ),
        sa.Index("ix_request_status_created_at", "status", "created_at"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[RequestKind] = mapped_column(str_enum(RequestKind))
    target_type: Mapped[TargetType] = mapped_column(str_enum(TargetType))
    target_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[RequestStatus] = mapped_column(
        str_enum(RequestStatus), default=RequestStatus.new
    )
    comment: Mapped[str | None] = mapped_column(sa.String(1000))
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None]
