"""`/api/admin/v1/notifications`: the delivery queue; resend failed ones; delete old ones."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from rayport.api.deps import DB, AdminPrincipal, Context, CurrentActor, Pagination, ReadDB, sorting
from rayport.models.enums import NotificationChannel, NotificationStatus
from rayport.notifications.repository import NotificationFilters
from rayport.notifications.schemas import AdminNotificationRead, NotificationCleanupRead
from rayport.notifications.service import cleanup, list_notifications, resend
from rayport.pagination import Page, SortParams
from rayport.text import NO_NUL

router = APIRouter(prefix="/api/admin/v1", tags=["admin: notifications"])


@router.get("/notifications")
async def get_notifications(
    _: AdminPrincipal,
    db: ReadDB,
    pagination: Pagination,
    sort: Annotated[
        SortParams,
        sorting(("created_at", "status", "next_attempt_at", "attempts"), "-created_at"),
    ],
    status: NotificationStatus | None = None,
    channel: NotificationChannel | None = None,
    user_id: uuid.UUID | None = None,
    kind: Annotated[str | None, Query(max_length=64, pattern=NO_NUL)] = None,
) -> Page[AdminNotificationRead]:
    filters = NotificationFilters(status=status, channel=channel, user_id=user_id, kind=kind)
    return Page[AdminNotificationRead].model_validate(
        await list_notifications(db, filters, pagination, sort)
    )


@router.post(
    "/notifications/{notification_id}/resend",
    summary="Queue a failed or dead notification again",
)
async def post_resend(
    notification_id: uuid.UUID, _: AdminPrincipal, actor: CurrentActor, db: DB
) -> AdminNotificationRead:
    return await resend(db, notification_id, actor)


@router.post(
    "/notifications/cleanup",
    summary="Delete notifications older than `days` (default CLEANUP_PERIOD_DAYS)",
)
async def post_notifications_cleanup(
    _: AdminPrincipal,
    actor: CurrentActor,
    db: DB,
    context: Context,
    days: Annotated[int | None, Query(ge=1, le=3650)] = None,
) -> NotificationCleanupRead:
    return await cleanup(db, days or context.settings.notifier.cleanup_period_days, actor)
