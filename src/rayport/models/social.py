from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rayport.db.base import Base, str_enum
from rayport.models.enums import SocialName

if TYPE_CHECKING:
    from rayport.models.user import User


class Social(Base):
    """A user's link to an outside identity (Telegram), also their notification channel."""

    __tablename__ = "social"
    __table_args__ = (
        sa.UniqueConstraint("name", "external_id"),
        sa.UniqueConstraint("name", "user_id"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(
        sa.ForeignKey("user.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[SocialName] = mapped_column(str_enum(SocialName))
    external_id: Mapped[str] = mapped_column(sa.String(64))
    username: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    # False once the user blocked the bot: the notifier stops trying this channel.
    reachable: Mapped[bool] = mapped_column(default=True)

    user: Mapped[User] = relationship(lazy="raise", back_populates="socials")
