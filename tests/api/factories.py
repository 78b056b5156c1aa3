"""Building the world admin tests need, fast: users straight into the database (no password
hashing unless asked), real token pairs from real sessions, and bulk inserts."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from typing import Any, TypeVar

import httpx
import sqlalchemy as sa

from rayport.api.context import AppContext
from rayport.auth.principal import ClientInfo
from rayport.auth.service import AuthService
from rayport.db.base import Base
from rayport.models import Social, User
from rayport.models.enums import LangCode, RoleName, SocialName, UserStatus
from rayport.users.repository import UserRepository
from rayport.users.service import create_user
from tests.helpers import bearer

M = TypeVar("M", bound=Base)


def context(api: httpx.AsyncClient) -> AppContext:
    ctx: AppContext = api.app.state.context  # type: ignore[attr-defined]
    return ctx


async def make_user(
    api: httpx.AsyncClient,
    login: str,
    *,
    role: RoleName = RoleName.user,
    status: UserStatus = UserStatus.not_verified,
    password: str | None = None,
    email: str | None = None,
    first_name: str | None = None,
    last_name: str | None = None,
    lang_code: LangCode = LangCode.en,
    telegram: str | None = None,
    telegram_reachable: bool = True,
    is_active: bool = True,
) -> uuid.UUID:
    """Create a user directly (the bootstrap path); `telegram` is a Telegram username."""
    async with context(api).db.unit_of_work() as db:
        user = await create_user(
            db,
            login=login,
            password=password,
            role=role,
            status=status,
            email=email,
            first_name=first_name,
            last_name=last_name,
            lang_code=lang_code,
        )
        user.is_active = is_active
        if telegram is not None:
            db.add(
                Social(
                    user_id=user.id,
                    name=SocialName.telegram,
                    external_id=str(secrets.randbelow(10**9) + 10**9),
                    username=telegram,
                    reachable=telegram_reachable,
                )
            )
        return user.id


async def tokens_for(api: httpx.AsyncClient, user_id: uuid.UUID, **client: Any) -> dict[str, Any]:
    """A real token pair from a new session, as a login would give (minus the password)."""
    ctx = context(api)
    async with ctx.db.unit_of_work() as db:
        user = await UserRepository(db).get(user_id)
        assert user is not None
        auth = AuthService(db=db, settings=ctx.settings.auth, gate=ctx.gate)
        pair = await auth.start_session(
            user, ClientInfo(ip=client.get("ip", "198.51.100.1"), user_agent=client.get("ua"))
        )
    return pair.model_dump()


async def headers_for(api: httpx.AsyncClient, user_id: uuid.UUID) -> dict[str, str]:
    return bearer(await tokens_for(api, user_id))


async def superuser_id(api: httpx.AsyncClient) -> uuid.UUID:
    async with context(api).db.read_only() as db:
        user = await UserRepository(db).get_by_login("admin")
        assert user is not None
        return user.id


async def fetch(api: httpx.AsyncClient, model: type[M], *where: Any, order: Any = None) -> list[M]:
    async with context(api).db.read_only() as db:
        stmt = sa.select(model).where(*where)
        stmt = stmt.order_by(order if order is not None else model.created_at)
        return list((await db.scalars(stmt)).all())


async def bulk_insert(
    api: httpx.AsyncClient, model: type[Base], rows: Sequence[dict[str, Any]]
) -> None:
    """One multi-row INSERT per chunk: thousands of rows in well under a second."""
    async with context(api).db.unit_of_work() as db:
        for start in range(0, len(rows), 1000):
            await db.execute(sa.insert(model), list(rows[start : start + 1000]))


async def role_id(api: httpx.AsyncClient, role: RoleName) -> uuid.UUID:
    async with context(api).db.read_only() as db:
        return (await UserRepository(db).role(role)).id


def user_row(login: str, role: uuid.UUID, **values: Any) -> dict[str, Any]:
    return {
        "id": values.pop("id", uuid.uuid4()),
        "login": login,
        "password_hash": None,
        "role_id": role,
        "status": values.pop("status", UserStatus.not_verified),
        "is_active": values.pop("is_active", True),
        "must_change_password": False,
        "sub_token": secrets.token_urlsafe(24),
        **values,
    }


async def user_ids(api: httpx.AsyncClient, *logins: str) -> list[uuid.UUID]:
    async with context(api).db.read_only() as db:
        rows = (
            await db.execute(sa.select(User.login, User.id).where(User.login.in_(logins)))
        ).all()
    by_login = {row[0]: row[1] for row in rows}
    return [by_login[login] for login in logins]
