from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rayport.db.base import Base, str_enum
from rayport.models.enums import UserStatus

if TYPE_CHECKING:
    from rayport.models.profile import Profile
    from rayport.models.role import Role
    from rayport.models.social import Social


class User(Base):
    __tablename__ = "user"
    # Admin lists sort by age (newest first) by default.
    __table_args__ = (sa.Index("ix_user_created_at", "created_at"),)

    # Logins are compared case-insensitively: stored lower-case (see docs/decisions).
    login: Mapped[str] = mapped_column(sa.String(64), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("role.id"), index=True)
    status: Mapped[UserStatus] = mapped_column(
        str_enum(UserStatus), default=UserStatus.not_verified, index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    must_change_password: Mapped[bool] = mapped_column(default=False)
    sub_token: Mapped[str] = mapped_column(sa.String(64), unique=True)

    role: Mapped[Role] = relationship(lazy="raise")
    profile: Mapped[Profile] = relationship(lazy="raise", back_populates="user", uselist=False)
    socials: Mapped[list[Social]] = relationship(lazy="raise", back_populates="user")
