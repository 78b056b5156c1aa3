"""Log in with Telegram, and link or unlink a Telegram account.

A Telegram user seen for the first time gets an account: a login derived from the
Telegram id, a profile from Telegram's data, a `telegram` social link, and verification
when the superuser's `auto_verify_telegram` setting says so.
"""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.app_settings.service import get_settings
from rayport.auth.principal import ClientInfo
from rayport.auth.schemas import TokenPair
from rayport.auth.service import AuthService
from rayport.db.locks import hold_lock
from rayport.errors import Conflict, NotFound, PermissionDenied
from rayport.models import Social, User
from rayport.models.enums import LangCode, SocialName, UserStatus
from rayport.telegram.auth import TelegramIdentity
from rayport.users.repository import SocialRepository, UserRepository
from rayport.users.schemas import SocialRead
from rayport.users.service import create_user


def telegram_login_name(telegram_id: int, attempt: int = 0) -> str:
    """`tg<id>` (valid under the login rules: a letter first, 6-20 characters)."""
    base = f"tg{telegram_id}" if telegram_id >= 10_000 else f"tg_{telegram_id:04d}"
    return base if attempt == 0 else f"{base[:16]}_{attempt}"


def _name(value: str | None) -> str | None:
    return value[:64] if value else None


async def login_with_telegram(
    db: AsyncSession, auth: AuthService, identity: TelegramIdentity, client: ClientInfo
) -> TokenPair:
    """Sign in the account linked to this Telegram user, creating it the first time.

    Serialised per Telegram id, so two concurrent first logins create one account.
    """
    external_id = str(identity.id)
    await hold_lock(db, f"telegram:{external_id}")
    socials = SocialRepository(db)
    social = await socials.find(SocialName.telegram, external_id)
    if social is not None:
        user = await UserRepository(db).get(social.user_id)
        if user is None or not user.is_active:
            raise PermissionDenied("This account is deactivated")
        social.username = identity.username
        social.reachable = True
        return await auth.start_session(user, client)
    auto_verify = (await get_settings(db)).basic.auto_verify_telegram
    user = await _create_account(db, identity, auto_verify)
    await socials.add(
        Social(
            user_id=user.id,
            name=SocialName.telegram,
            external_id=external_id,
            username=identity.username,
            reachable=True,
        )
    )
    return await auth.start_session(user, client)


async def _create_account(db: AsyncSession, identity: TelegramIdentity, verified: bool) -> User:
    for attempt in range(20):
        try:
            return await create_user(
                db,
                login=telegram_login_name(identity.id, attempt),
                password=None,
                status=UserStatus.verified if verified else UserStatus.not_verified,
                first_name=_name(identity.first_name),
                last_name=_name(identity.last_name),
                lang_code=LangCode(identity.lang),
            )
        except Conflict:
            continue  # someone registered "tg<id>" by hand: take the next free variant
    raise Conflict("Could not find a free login for this Telegram account")


async def link_telegram(
    db: AsyncSession, user_id: uuid.UUID, identity: TelegramIdentity
) -> SocialRead:
    """Link Telegram to the caller's account. Raises Conflict when this Telegram account
    belongs to someone else, or the caller already linked another one."""
    socials = SocialRepository(db)
    external_id = str(identity.id)
    existing = await socials.find(SocialName.telegram, external_id)
    if existing is not None:
        if existing.user_id != user_id:
            raise Conflict("This Telegram account is linked to another user")
        return SocialRead.model_validate(existing)
    if await socials.for_user(SocialName.telegram, user_id) is not None:
        raise Conflict("Another Telegram account is linked already; unlink it first")
    try:
        async with db.begin_nested():
            social = await socials.add(
                Social(
                    user_id=user_id,
                    name=SocialName.telegram,
                    external_id=external_id,
                    username=identity.username,
                    reachable=True,
                )
            )
    except IntegrityError as exc:
        raise Conflict("This Telegram account is linked to another user") from exc
    return SocialRead.model_validate(social)


async def unlink_telegram(db: AsyncSession, user_id: uuid.UUID) -> None:
    """Unlink Telegram; only for accounts that can still sign in with a password."""
    socials = SocialRepository(db)
    social = await socials.for_user(SocialName.telegram, user_id)
    if social is None:
        raise NotFound("No Telegram account is linked")
    user = await UserRepository(db).get(user_id)
    if user is None or user.password_hash is None:
        raise Conflict("Set a password first: without Telegram you could not sign in")
    await socials.delete(social)
