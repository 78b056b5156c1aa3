"""`/api/admin/v1/sessions`: every user's sessions; end one; delete old ones."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from rayport.api.deps import (
    DB,
    AdminPrincipal,
    Auth,
    Context,
    CurrentActor,
    Pagination,
    ReadDB,
    sorting,
)
from rayport.auth.admin import cleanup_sessions, end_session, list_sessions
from rayport.auth.admin_schemas import AdminSessionRead, SessionCleanupRead
from rayport.auth.repository import SessionFilters
from rayport.pagination import Page, SortParams

router = APIRouter(prefix="/api/admin/v1", tags=["admin: sessions"])

Days = Annotated[
    int | None,
    Query(ge=1, le=3650, description="Age in days; default CLEANUP_PERIOD_DAYS"),
]


@router.get("/sessions")
async def get_sessions(
    _: AdminPrincipal,
    db: ReadDB,
    pagination: Pagination,
    sort: Annotated[
        SortParams,
        sorting(("created_at", "last_activity_at", "expires_at"), "-last_activity_at"),
    ],
    user_id: uuid.UUID | None = None,
    active: Annotated[
        bool | None, Query(description="true: live sessions only; false: ended ones only")
    ] = None,
) -> Page[AdminSessionRead]:
    filters = SessionFilters(user_id=user_id, active=active)
    return Page[AdminSessionRead].model_validate(await list_sessions(db, filters, pagination, sort))


# `:uuid`: `DELETE /sessions/cleanup` is then no session (a 405), not a malformed id (a 422).
@router.delete(
    "/sessions/{session_id:uuid}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="End a session; its tokens stop working on the next request",
)
async def revoke_session(
    session_id: uuid.UUID, _: AdminPrincipal, actor: CurrentActor, auth: Auth
) -> None:
    await end_session(auth, session_id, actor)


@router.post(
    "/sessions/cleanup",
    summary="Delete sessions that expired or were revoked more than `days` ago",
)
async def post_sessions_cleanup(
    _: AdminPrincipal, actor: CurrentActor, db: DB, context: Context, days: Days = None
) -> SessionCleanupRead:
    return await cleanup_sessions(db, days or context.settings.notifier.cleanup_period_days, actor)
