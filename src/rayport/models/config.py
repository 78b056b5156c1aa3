from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from rayport.db.base import Base, str_enum
from rayport.models.enums import ConfigStatus, ConfigType


class Config(Base):
    """One VPN config: one client on the 3X-UI inbound of its type."""

    __tablename__ = "config"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "type"),
        # The expiry scan walks active configs by valid_to.
        sa.Index("ix_config_status_valid_to", "status", "valid_to"),
        # Admin lists sort by age or by expiry over every status.
        sa.Index("ix_config_created_at", "created_at"),
        sa.Index("ix_config_valid_to", "valid_to"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"))
    type: Mapped[ConfigType] = mapped_column(str_enum(ConfigType))
    xui_client_id: Mapped[str] = mapped_column(sa.String(64))  # VLESS uuid / Trojan password
    client_email: Mapped[str] = mapped_column(sa.String(128), unique=True)
    sub_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    inbound_id: Mapped[int]
    total_gb: Mapped[int] = mapped_column(default=0)  # 0 = unlimited
    limit_ip: Mapped[int] = mapped_column(default=0)  # 0 = unlimited
    up_bytes: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    down_bytes: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    valid_from: Mapped[datetime]
    valid_to: Mapped[datetime]
    status: Mapped[ConfigStatus] = mapped_column(
        str_enum(ConfigStatus), default=ConfigStatus.active
    )
    last_synced_at: Mapped[datetime | None]
