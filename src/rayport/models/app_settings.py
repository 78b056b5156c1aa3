from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from rayport.db.base import Base


class AppSettings(Base):
    """Settings the superuser edits at run time, one row per group (`basic`, `service`)."""

    __tablename__ = "app_settings"

    name: Mapped[str] = mapped_column(sa.String(32), unique=True)
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
