"""All SQL about users, profiles, roles and socials."""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from rayport.models import Profile, Role, Social, User
from rayport.models.enums import RoleName


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: uuid.UUID) -> User | None:
        return await self.session.get(User, user_id, options=[joinedload(User.role)])

    async def get_full(self, user_id: uuid.UUID) -> User | None:
        """User with role, profile and socials, in one round trip (the `me` hot path)."""
        stmt = (
            sa.select(User)
            .where(User.id == user_id)
            .options(joinedload(User.role), joinedload(User.profile), joinedload(User.socials))
        )
        return (await self.session.scalars(stmt)).unique().one_or_none()

    async def get_by_login(self, login: str) -> User | None:
        stmt = sa.select(User).where(User.login == login.lower()).options(joinedload(User.role))
        return (await self.session.scalars(stmt)).one_or_none()

    async def login_exists(self, login: str) -> bool:
        stmt = sa.select(sa.exists().where(User.login == login.lower()))
        return bool(await self.session.scalar(stmt))

    async def role(self, name: RoleName) -> Role:
        role = await self.session.scalar(sa.select(Role).where(Role.name == name))
        if role is None:  # the initial migration seeds all three
            raise LookupError(f"role {name} missing: run `rayport migrate`")
        return role

    async def add(self, user: User, profile: Profile) -> User:
        self.session.add(user)
        await self.session.flush()
        profile.user_id = user.id
        self.session.add(profile)
        await self.session.flush()
        return user

    async def profile(self, user_id: uuid.UUID) -> Profile | None:
        return await self.session.scalar(sa.select(Profile).where(Profile.user_id == user_id))

    async def socials(self, user_id: uuid.UUID) -> list[Social]:
        return list(
            (await self.session.scalars(sa.select(Social).where(Social.user_id == user_id))).all()
        )

    async def count_superusers(self) -> int:
        stmt = (
            sa.select(sa.func.count())
            .select_from(User)
            .join(Role, User.role_id == Role.id)
            .where(Role.name == RoleName.superuser, User.is_active.is_(True))
        )
        return int(await self.session.scalar(stmt) or 0)

    async def with_relations(self, user: User) -> User:
        """Reload a user with everything the `me` shape needs."""
        stmt = (
            sa.select(User)
            .where(User.id == user.id)
            .options(joinedload(User.role), joinedload(User.profile), selectinload(User.socials))
            .execution_options(populate_existing=True)
        )
        return (await self.session.scalars(stmt)).one()
