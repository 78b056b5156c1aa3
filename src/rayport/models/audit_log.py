from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from rayport.db.base import Base, str_enum
from rayport.models.enums import TargetType


class AuditLog(Base):
    """Who did what to which object, and what changed. Written in the change's transaction."""

    __tablename__ = "audit_log"
    __table_args__ = (
        sa.Index("ix_audit_log_created_at", "created_at"),
        sa.Index("ix_audit_log_target", "target_type", "target_id"),
    )

    actor_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    target_type: Mapped[TargetType | None] = mapped_column(str_enum(TargetType))
    target_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    ip: Mapped[str | None] = mapped_column(sa.String(45))
