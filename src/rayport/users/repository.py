"""All SQL about users, profiles, roles and socials."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from rayport.models import Profile, Role, Social, User
from rayport.models.enums import RoleName, SocialName, UserStatus
from rayport.pagination import PageParams, PageResult, SortParams, order_by, paginate

SORTABLE: dict[str, Any] = {
    "created_at": User.created_at,
    "login": User.login,
    "status": User.status,
}


@dataclass(frozen=True, slots=True)
class UserFilters:
    q: str | None = None
    role: RoleName | None = None
    status: UserStatus | None = None
    is_active: bool | None = None
    has_telegram: bool | None = None


def _contains(value: str) -> str:
    """A LIKE pattern matching `value` anywhere, lower-case, wildcards escaped with \\."""
    escaped = value.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


# The `me` shape as plain rows (one per social link, at least one): a Core query in one
# round trip, without ORM identity-map work — this is the hottest read. Built once: its
# cache key is memoised on the object, so executing it costs no statement construction.
ME_QUERY = (
    sa.select(
        User.id,
        User.login,
        User.status,
        User.is_active,
        User.must_change_password,
        (User.password_hash.is_not(None)).label("has_password"),
        User.created_at,
        Role.name.label("role"),
        Profile.first_name,
        Profile.last_name,
        Profile.email,
        Profile.lang_code,
        Social.name.label("social_name"),
        Social.external_id,
        Social.username,
        Social.reachable,
    )
    .join(Role, Role.id == User.role_id)
    .join(Profile, Profile.user_id == User.id)
    .outerjoin(Social, Social.user_id == User.id)
    .where(User.id == sa.bindparam("user_id"))
)


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

    async def me_rows(self, user_id: uuid.UUID) -> list[sa.RowMapping]:
        return list((await self.session.execute(ME_QUERY, {"user_id": user_id})).mappings().all())

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

    async def reload(self, user_id: uuid.UUID) -> User | None:
        """A user with role, read from the database even if already loaded in this session
        (after taking a lock, the state from before the wait is stale)."""
        return await self.session.get(
            User, user_id, options=[joinedload(User.role)], populate_existing=True
        )

    async def login_of(self, user_id: uuid.UUID) -> str | None:
        return await self.session.scalar(sa.select(User.login).where(User.id == user_id))

    async def active_staff_ids(self) -> list[uuid.UUID]:
        """Ids of active admins and superusers (who hear about new requests)."""
        stmt = (
            sa.select(User.id)
            .join(Role, User.role_id == Role.id)
            .where(Role.name.in_([RoleName.admin, RoleName.superuser]), User.is_active.is_(True))
        )
        return list((await self.session.scalars(stmt)).all())

    async def lock_active_superusers(self) -> list[uuid.UUID]:
        """Lock the rows of every active superuser (in id order) and return their ids.

        Taken before demoting or deactivating a superuser, so that two such changes cannot
        both see "another superuser remains" and leave none: the second waits for the first
        to commit and then sees the new state. (On SQLite writers are serialised anyway.)
        """
        superuser_role = sa.select(Role.id).where(Role.name == RoleName.superuser)
        stmt = (
            sa.select(User.id)
            .where(User.role_id == superuser_role.scalar_subquery(), User.is_active.is_(True))
            .order_by(User.id)
            .with_for_update()
        )
        return list((await self.session.scalars(stmt)).all())

    async def page(
        self, filters: UserFilters, params: PageParams, sort: SortParams
    ) -> PageResult[User]:
        """Users with role, profile and socials loaded, filtered and sorted.

        `q` matches login, first and last name, e-mail and Telegram username, ignoring
        case (a leading `@` is ignored, as people type Telegram usernames with it).
        """
        stmt = (
            sa.select(User)
            .join(Role, User.role_id == Role.id)
            .outerjoin(Profile, Profile.user_id == User.id)
            .options(joinedload(User.role), joinedload(User.profile), selectinload(User.socials))
        )
        telegram = sa.select(Social.id).where(
            Social.user_id == User.id, Social.name == SocialName.telegram
        )
        if filters.q:
            pattern = _contains(filters.q.strip().lstrip("@"))
            stmt = stmt.where(
                sa.or_(
                    sa.func.lower(User.login).like(pattern, escape="\\"),
                    sa.func.lower(Profile.first_name).like(pattern, escape="\\"),
                    sa.func.lower(Profile.last_name).like(pattern, escape="\\"),
                    sa.func.lower(Profile.email).like(pattern, escape="\\"),
                    telegram.where(
                        sa.func.lower(Social.username).like(pattern, escape="\\")
                    ).exists(),
                )
            )
        if filters.role is not None:
            stmt = stmt.where(Role.name == filters.role)
        if filters.status is not None:
            stmt = stmt.where(User.status == filters.status)
        if filters.is_active is not None:
            stmt = stmt.where(User.is_active.is_(filters.is_active))
        if filters.has_telegram is not None:
            exists = telegram.exists()
            stmt = stmt.where(exists if filters.has_telegram else ~exists)
        stmt = stmt.order_by(*order_by(sort, SORTABLE, User.id))
        return await paginate(self.session, stmt, params)


class SocialRepository:
    """All SQL about linked outside identities (Telegram)."""

    def __init__(self, session: AsyncSession) -> None:
        self.db = session

    async def find(self, name: SocialName, external_id: str) -> Social | None:
        stmt = sa.select(Social).where(Social.name == name, Social.external_id == external_id)
        return await self.db.scalar(stmt)

    async def for_user(self, name: SocialName, user_id: uuid.UUID) -> Social | None:
        stmt = sa.select(Social).where(Social.name == name, Social.user_id == user_id)
        return await self.db.scalar(stmt)

    async def add(self, social: Social) -> Social:
        self.db.add(social)
        await self.db.flush()
        return social

    async def delete(self, social: Social) -> None:
        await self.db.delete(social)
        await self.db.flush()

    async def set_reachable(self, name: SocialName, external_id: str, reachable: bool) -> bool:
        stmt = (
            sa.update(Social)
            .where(Social.name == name, Social.external_id == external_id)
            .values(reachable=reachable)
        )
        result = await self.db.execute(stmt.execution_options(synchronize_session=False))
        return bool(result.rowcount)  # type: ignore[attr-defined]
