from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rayport.db.base import Base, str_enum
from rayport.models.enums import LangCode

if TYPE_CHECKING:
    from rayport.models.user import User


class Profile(Base):
    __tablename__ = "profile"

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), unique=True
    )
    first_name: Mapped[str | None] = mapped_column(sa.String(64))
    last_name: Mapped[str | None] = mapped_column(sa.String(64))
    email: Mapped[str | None] = mapped_column(sa.String(254), index=True)
    lang_code: Mapped[LangCode] = mapped_column(str_enum(LangCode), default=LangCode.en)

    user: Mapped[User] = relationship(lazy="raise", back_populates="profile")
