"""Rules about users: creating them, their profile, the bootstrap superuser."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.auth.passwords import generate_password, hash_password
from rayport.db.engine import Database
from rayport.errors import Conflict, NotFound
from rayport.models import Profile, User
from rayport.models.enums import LangCode, RoleName, UserStatus
from rayport.users.repository import ME_QUERY, UserRepository
from rayport.users.schemas import ProfileRead, ProfileUpdate, SocialRead, UserRead


def new_sub_token() -> str:
    return secrets.token_urlsafe(24)


async def create_user(
    db: AsyncSession,
    *,
    login: str,
    password: str | None,
    role: RoleName = RoleName.user,
    status: UserStatus = UserStatus.not_verified,
    first_name: str | None = None,
    last_name: str | None = None,
    email: str | None = None,
    lang_code: LangCode = LangCode.en,
) -> User:
    """Create a user with a profile. Raises `Conflict` when the login is taken."""
    repository = UserRepository(db)
    role_row = await repository.role(role)
    user = User(
        role=role_row,
        login=login.lower(),
        password_hash=await hash_password(password) if password is not None else None,
        role_id=role_row.id,
        status=status,
        sub_token=new_sub_token(),
    )
    profile = Profile(first_name=first_name, last_name=last_name, email=email, lang_code=lang_code)
    try:
        async with db.begin_nested():
            await repository.add(user, profile)
    except IntegrityError as exc:
        raise Conflict("This login is already taken", details={"field": "login"}) from exc
    return user


async def read_user(db: AsyncSession, user_id: uuid.UUID) -> UserRead:
    return user_read_from_rows(await UserRepository(db).me_rows(user_id))


async def read_me(database: Database, user_id: uuid.UUID) -> UserRead:
    """`read_user` for the hot path: no ORM session (see `Database.read_mappings`)."""
    return user_read_from_rows(await database.read_mappings(ME_QUERY, {"user_id": user_id}))


def user_read_from_rows(rows: Sequence[Mapping[Any, Any]]) -> UserRead:
    """The `me` shape from `ME_QUERY` rows (SQLAlchemy mappings or asyncpg records)."""
    if not rows:
        raise NotFound("User not found")
    first = rows[0]
    return UserRead(
        id=first["id"],
        login=first["login"],
        role=first["role"],
        status=first["status"],
        is_active=first["is_active"],
        must_change_password=first["must_change_password"],
        has_password=first["has_password"],
        created_at=first["created_at"],
        profile=ProfileRead(
            first_name=first["first_name"],
            last_name=first["last_name"],
            email=first["email"],
            lang_code=first["lang_code"],
        ),
        socials=[
            SocialRead(
                name=row["social_name"],
                external_id=row["external_id"],
                username=row["username"],
                reachable=row["reachable"],
            )
            for row in rows
            if row["social_name"] is not None
        ],
    )


def to_user_read(user: User) -> UserRead:
    return UserRead(
        id=user.id,
        login=user.login,
        role=user.role.name,
        status=user.status,
        is_active=user.is_active,
        must_change_password=user.must_change_password,
        has_password=user.password_hash is not None,
        created_at=user.created_at,
        profile=ProfileRead.model_validate(user.profile),
        socials=[SocialRead.model_validate(social) for social in user.socials],
    )


async def update_profile(db: AsyncSession, user_id: uuid.UUID, patch: ProfileUpdate) -> ProfileRead:
    profile = await UserRepository(db).profile(user_id)
    if profile is None:
        raise NotFound("User not found")
    for field, value in patch.model_dump(exclude_unset=True).items():
        if field == "lang_code" and value is None:
            continue  # the language cannot be "none"; omit it to keep it
        setattr(profile, field, value)
    await db.flush()
    return ProfileRead.model_validate(profile)


async def ensure_superuser(db: AsyncSession, login: str, password: str | None) -> str | None:
    """Create the bootstrap superuser if it does not exist.

    Returns the generated password when none was configured (to print once), else None.
    An existing account is left alone: its password is not reset by a restart.
    """
    repository = UserRepository(db)
    if await repository.login_exists(login):
        return None
    generated = None
    if password is None:
        generated = password = generate_password()
    await create_user(
        db, login=login, password=password, role=RoleName.superuser, status=UserStatus.verified
    )
    return generated


async def set_superuser_password(db: AsyncSession, login: str, password: str) -> bool:
    """Reset an existing superuser's password (the CLI's `create-superuser --reset`)."""
    user = await UserRepository(db).get_by_login(login)
    if user is None:
        return False
    user.password_hash = await hash_password(password)
    await db.flush()
    return True


def sub_url(web_app_url: str, sub_token: str) -> str:
    return f"{web_app_url.rstrip('/')}/sub/{sub_token}"


async def read_sub_url(db: AsyncSession, user_id: uuid.UUID, web_app_url: str) -> str:
    user = await UserRepository(db).get(user_id)
    if user is None:
        raise NotFound("User not found")
    return sub_url(web_app_url, user.sub_token)


async def rotate_sub_token(db: AsyncSession, user_id: uuid.UUID, web_app_url: str) -> str:
    """Give the user a new subscription token; VPN apps holding the old URL get 404."""
    user = await UserRepository(db).get(user_id)
    if user is None:
        raise NotFound("User not found")
    user.sub_token = new_sub_token()
    await db.flush()
    return sub_url(web_app_url, user.sub_token)
