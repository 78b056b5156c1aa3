"""`/api/admin/v1/users`: find users, verify them, change role, reset password, deactivate."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from rayport.api.deps import (
    DB,
    AdminPrincipal,
    Auth,
    Context,
    CurrentActor,
    Pagination,
    ReadDB,
    SuperuserPrincipal,
    sorting,
)
from rayport.models.enums import RoleName, UserStatus
from rayport.pagination import Page, SortParams
from rayport.text import NO_NUL
from rayport.users.admin import UserAdminService, list_users, read_user_detail
from rayport.users.admin_schemas import AdminUserDetail, PasswordResetRead, RoleIn
from rayport.users.repository import UserFilters
from rayport.users.schemas import UserRead

router = APIRouter(prefix="/api/admin/v1", tags=["admin: users"])


async def get_user_admin(context: Context, db: DB, auth: Auth) -> UserAdminService:
    return UserAdminService(db=db, app=context, auth=auth)


UserAdmin = Annotated[UserAdminService, Depends(get_user_admin)]


@router.get("/users", summary="Find users")
async def get_users(
    _: AdminPrincipal,
    db: ReadDB,
    pagination: Pagination,
    sort: Annotated[SortParams, sorting(("created_at", "login", "status"), "-created_at")],
    q: Annotated[
        str | None,
        Query(
            min_length=1,
            max_length=64,
            pattern=NO_NUL,
            description="Part of the login, first or last name, e-mail or Telegram username "
            "(any case)",
        ),
    ] = None,
    role: RoleName | None = None,
    status: UserStatus | None = None,
    is_active: bool | None = None,
    has_telegram: bool | None = None,
) -> Page[UserRead]:
    filters = UserFilters(
        q=q, role=role, status=status, is_active=is_active, has_telegram=has_telegram
    )
    return Page[UserRead].model_validate(await list_users(db, filters, pagination, sort))


@router.get("/users/{user_id}", summary="A user with sessions, open requests and configs")
async def get_user(user_id: uuid.UUID, _: AdminPrincipal, db: ReadDB) -> AdminUserDetail:
    return await read_user_detail(db, user_id)


@router.post("/users/{user_id}/verify", summary="Verify a user (closes their verify request)")
async def verify_user(
    user_id: uuid.UUID, _: AdminPrincipal, actor: CurrentActor, users: UserAdmin
) -> UserRead:
    return await users.set_verified(actor, user_id, verified=True)


@router.post("/users/{user_id}/unverify", summary="Take a user's verification back")
async def unverify_user(
    user_id: uuid.UUID, _: AdminPrincipal, actor: CurrentActor, users: UserAdmin
) -> UserRead:
    return await users.set_verified(actor, user_id, verified=False)


@router.patch(
    "/users/{user_id}/role",
    summary="Change a user's role (superuser); the user's sessions end",
)
async def change_role(
    user_id: uuid.UUID,
    data: RoleIn,
    _: SuperuserPrincipal,
    actor: CurrentActor,
    users: UserAdmin,
) -> UserRead:
    return await users.change_role(actor, user_id, data.role)


@router.post(
    "/users/{user_id}/password-reset",
    summary="Set a temporary password (superuser); sent to the user or shown once here",
)
async def reset_password(
    user_id: uuid.UUID, _: SuperuserPrincipal, actor: CurrentActor, users: UserAdmin
) -> PasswordResetRead:
    return await users.reset_password(actor, user_id)


@router.post(
    "/users/{user_id}/deactivate",
    summary="Deactivate a user: sign-in refused, sessions ended, configs disabled",
)
async def deactivate_user(
    user_id: uuid.UUID, _: AdminPrincipal, actor: CurrentActor, users: UserAdmin
) -> UserRead:
    return await users.set_active(actor, user_id, active=False)


@router.post("/users/{user_id}/reactivate", summary="Let a deactivated user sign in again")
async def reactivate_user(
    user_id: uuid.UUID, _: AdminPrincipal, actor: CurrentActor, users: UserAdmin
) -> UserRead:
    return await users.set_active(actor, user_id, active=True)
