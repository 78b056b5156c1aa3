from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from rayport.db.base import Base, str_enum
from rayport.models.enums import NotificationChannel, NotificationStatus, TargetType

# Rows waiting for a (first or next) delivery attempt: the predicate of the partial index
# the notifier claims from. Migration 0003 creates it with this exact text.
WAITING_PREDICATE = "status IN ('pending', 'failed')"


class Notification(Base):
    """A message to a user, queued for delivery and shown in-app.

    The unique key (user, kind, target, period) makes a scan idempotent: the "expires soon"
    notice for one config, threshold and expiry date can only exist once.
    """

    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "kind", "target_id", "period_key"),
        sa.Index("ix_notification_status_next_attempt_at", "status", "next_attempt_at"),
        sa.Index("ix_notification_user_id_created_at", "user_id", "created_at"),
        # The delivery queue's waiting rows in claim order (see notifier.repository).
        sa.Index(
            "ix_notification_waiting",
            "next_attempt_at",
            postgresql_where=sa.text(WAITING_PREDICATE),
            sqlite_where=sa.text(WAITING_PREDICATE),
        ),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[dict[str, Any]]  # {"ru": ..., "en": ...}
    content: Mapped[dict[str, Any]]
    target_type: Mapped[TargetType | None] = mapped_column(str_enum(TargetType))
    target_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    period_key: Mapped[str | None] = mapped_column(sa.String(64))
    status: Mapped[NotificationStatus] = mapped_column(
        str_enum(NotificationStatus), default=NotificationStatus.pending
    )
    channel: Mapped[NotificationChannel | None] = mapped_column(str_enum(NotificationChannel))
    attempts: Mapped[int] = mapped_column(default=0)
    # Set for every undelivered row: a row without it would never be due.
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=lambda: datetime.now(UTC))
    locked_until: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))
