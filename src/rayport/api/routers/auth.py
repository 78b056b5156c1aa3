"""`/api/auth/v1`: register, log in, tokens, the account, sessions."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from rayport.api.context import AppContext
from rayport.api.deps import DB, Auth, Client, Context, CurrentPrincipal, Pagination
from rayport.auth.schemas import (
    AcceptedOut,
    ChangePasswordIn,
    ForgotPasswordIn,
    LoginIn,
    RefreshIn,
    RegisterIn,
    RequestCreated,
    SessionRead,
    TokenPair,
)
from rayport.auth.telegram_login import link_telegram, login_with_telegram, unlink_telegram
from rayport.errors import PermissionDenied
from rayport.notifications.schemas import NotificationRead
from rayport.notifications.service import list_for_user, mark_read
from rayport.pagination import Page
from rayport.telegram.auth import TelegramIdentity, TelegramLoginPayload, validate_telegram_login
from rayport.users.schemas import ProfileRead, ProfileUpdate, SocialRead, UserRead
from rayport.users.service import read_me, read_user, update_profile

router = APIRouter(prefix="/api/auth/v1", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED)
async def register(data: RegisterIn, auth: Auth, client: Client, context: Context) -> TokenPair:
    await context.limiter.hit_auth("register", client.ip)
    return await auth.register(data, client)


@router.post("/login")
async def login(data: LoginIn, auth: Auth, client: Client, context: Context) -> TokenPair:
    await context.limiter.hit_auth("login", client.ip, data.login)
    return await auth.login(data.login, data.password, client)


def _telegram_identity(context: AppContext, payload: TelegramLoginPayload) -> TelegramIdentity:
    if context.telegram is None:
        raise PermissionDenied("Telegram login is not enabled on this server")
    return validate_telegram_login(
        payload, context.telegram.token, max_age=context.settings.telegram.auth_max_age_sec
    )


@router.post("/login/social/telegram", summary="Log in with Telegram (Mini App or Login Widget)")
async def login_telegram(
    payload: TelegramLoginPayload, auth: Auth, client: Client, context: Context, db: DB
) -> TokenPair:
    await context.limiter.hit_auth("telegram", client.ip)
    identity = _telegram_identity(context, payload)
    return await login_with_telegram(db, auth, identity, client)


@router.post("/account/socials/telegram", summary="Link Telegram to this account")
async def link_telegram_account(
    payload: TelegramLoginPayload, principal: CurrentPrincipal, context: Context, db: DB
) -> SocialRead:
    return await link_telegram(db, principal.user_id, _telegram_identity(context, payload))


@router.delete(
    "/account/socials/telegram",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Unlink Telegram (only when the account has a password)",
)
async def unlink_telegram_account(principal: CurrentPrincipal, db: DB) -> None:
    await unlink_telegram(db, principal.user_id)


@router.post("/refresh")
async def refresh(data: RefreshIn, auth: Auth, client: Client, context: Context) -> TokenPair:
    await context.limiter.hit_auth("refresh", client.ip)
    return await auth.refresh(data.refresh_token, client)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(principal: CurrentPrincipal, auth: Auth) -> None:
    await auth.logout(principal)


@router.get("/me")
async def me(principal: CurrentPrincipal, context: Context) -> UserRead:
    return await read_me(context.db, principal.user_id)


@router.post(
    "/change-password",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Change the password; every other session of the user ends",
)
async def change_password(
    data: ChangePasswordIn,
    principal: CurrentPrincipal,
    auth: Auth,
    client: Client,
    context: Context,
) -> None:
    # Checking the current password is a password guess like a login: the same stricter
    # limit, per IP and per account, so a stolen access token is no faster an oracle.
    await context.limiter.hit_auth("change-password", client.ip, str(principal.user_id))
    await auth.change_password(principal, data.current_password, data.new_password)


@router.post(
    "/forgot-password",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Ask an admin to reset the password (same answer for any login)",
)
async def forgot_password(
    data: ForgotPasswordIn, auth: Auth, client: Client, context: Context
) -> AcceptedOut:
    await context.limiter.hit_auth("forgot-password", client.ip, data.login)
    await auth.forgot_password(data.login)
    return AcceptedOut(detail="If the account exists, an admin will reset its password.")


@router.post("/request-verification", status_code=status.HTTP_202_ACCEPTED)
async def request_verification(principal: CurrentPrincipal, auth: Auth) -> RequestCreated:
    return RequestCreated(request_id=await auth.request_verification(principal))


@router.get("/account/profile")
async def get_profile(principal: CurrentPrincipal, db: DB) -> ProfileRead:
    return (await read_user(db, principal.user_id)).profile


@router.patch("/account/profile")
async def patch_profile(patch: ProfileUpdate, principal: CurrentPrincipal, db: DB) -> ProfileRead:
    return await update_profile(db, principal.user_id, patch)


@router.get("/account/notifications")
async def list_notifications(
    principal: CurrentPrincipal, db: DB, pagination: Pagination
) -> Page[NotificationRead]:
    page = await list_for_user(db, principal.user_id, pagination)
    return Page[NotificationRead].model_validate(page)


@router.post(
    "/account/notifications/{notification_id}/read",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Mark one of your notifications read",
)
async def read_notification(
    notification_id: uuid.UUID, principal: CurrentPrincipal, db: DB
) -> None:
    await mark_read(db, principal.user_id, notification_id)


@router.get("/sessions")
async def list_sessions(principal: CurrentPrincipal, auth: Auth) -> list[SessionRead]:
    return await auth.list_sessions(principal)


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_session(session_id: uuid.UUID, principal: CurrentPrincipal, auth: Auth) -> None:
    await auth.revoke_session(principal, session_id)


@router.delete(
    "/sessions",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End every session but the current one",
)
async def revoke_other_sessions(principal: CurrentPrincipal, auth: Auth) -> None:
    await auth.revoke_other_sessions(principal)
