from __future__ import annotations

from sqlalchemy.orm import Mapped, mapped_column

from rayport.db.base import Base, str_enum
from rayport.models.enums import RoleName


class Role(Base):
    __tablename__ = "role"

    name: Mapped[RoleName] = mapped_column(str_enum(RoleName), unique=True)
    weight: Mapped[int]
