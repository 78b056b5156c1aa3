"""Creating notifications, and what users and admins do with them.

A notification is a row: the notifier process delivers `pending` ones (Telegram, e-mail)
after the change that created them has committed — a rolled-back change leaves no row, so
nothing is ever sent for it. In-app, the row is visible at once under
`GET /api/auth/v1/account/notifications`.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.audit.repository import AuditRepository
from rayport.auth.principal import Actor
from rayport.errors import Conflict, NotFound
from rayport.models import Notification
from rayport.models.enums import NotificationChannel, NotificationStatus, SocialName, TargetType
from rayport.notifications.repository import (
    RETRYABLE,
    NotificationFilters,
    NotificationRepository,
)
from rayport.notifications.schemas import (
    AdminNotificationRead,
    Localized,
    NotificationCleanupRead,
    NotificationRead,
)
from rayport.notifications.texts import SECRET_KINDS
from rayport.pagination import PageParams, SortParams
from rayport.settings import Settings
from rayport.users.repository import UserRepository

HIDDEN = Localized(ru="(скрыто)", en="(hidden)")


def _now() -> datetime:
    return datetime.now(UTC)


def _localized(value: Mapping[str, str]) -> dict[str, str]:
    """Both languages, always: a text missing one is a bug in the caller."""
    return {"ru": value["ru"], "en": value["en"]}


async def list_for_user(db: AsyncSession, user_id: uuid.UUID, params: PageParams) -> dict[str, Any]:
    """A user's own notifications, newest first, as a page."""
    result = await NotificationRepository(db).list_for_user(user_id, params)
    return result.to_page([NotificationRead.model_validate(n) for n in result.items])


async def notify_user(
    db: AsyncSession,
    user_id: uuid.UUID,
    kind: str,
    title: Mapping[str, str],
    content: Mapping[str, str],
    target_type: TargetType | None = None,
    target_id: uuid.UUID | None = None,
    period_key: str | None = None,
) -> Notification | None:
    """Queue a `pending` notification for one user, in the caller's transaction.

    With a `period_key` the call is idempotent: a second notification with the same
    (user, kind, target, period) is not created and None is returned. `title` and
    `content` must carry both `ru` and `en`.
    """
    notification = Notification(
        user_id=user_id,
        kind=kind,
        title=_localized(title),
        content=_localized(content),
        target_type=target_type,
        target_id=target_id,
        period_key=period_key,
        status=NotificationStatus.pending,
        attempts=0,
        next_attempt_at=_now(),
    )
    repository = NotificationRepository(db)
    if period_key is None:
        return await repository.add(notification)
    return await repository.add_once(notification)


async def notify_admins(
    db: AsyncSession,
    kind: str,
    title: Mapping[str, str],
    content: Mapping[str, str],
    target_type: TargetType | None = None,
    target_id: uuid.UUID | None = None,
    period_key: str | None = None,
) -> int:
    """Queue one notification per active admin and superuser; returns how many."""
    recipients = await UserRepository(db).active_staff_ids()
    if period_key is not None:
        count = 0
        for user_id in recipients:
            created = await notify_user(
                db, user_id, kind, title, content, target_type, target_id, period_key
            )
            count += created is not None
        return count
    now = _now()
    await NotificationRepository(db).add_many(
        [
            Notification(
                user_id=user_id,
                kind=kind,
                title=_localized(title),
                content=_localized(content),
                target_type=target_type,
                target_id=target_id,
                status=NotificationStatus.pending,
                attempts=0,
                next_attempt_at=now,
            )
            for user_id in recipients
        ]
    )
    return len(recipients)


async def private_channels(
    db: AsyncSession, settings: Settings, user_id: uuid.UUID
) -> list[NotificationChannel]:
    """Channels that reach the user privately, outside the web app: Telegram when the bot
    is configured and the user has a reachable Telegram link, e-mail when SMTP is
    configured and the profile has an address. Decides whether a secret (a temporary
    password) may be sent to the user rather than handed to an admin."""
    users = UserRepository(db)
    channels = []
    if settings.telegram.configured and any(
        social.name is SocialName.telegram and social.reachable
        for social in await users.socials(user_id)
    ):
        channels.append(NotificationChannel.telegram)
    smtp_url = settings.smtp.url.get_secret_value() if settings.smtp.url else ""
    profile = await users.profile(user_id)
    if smtp_url and profile is not None and profile.email:
        channels.append(NotificationChannel.email)
    return channels


async def mark_read(db: AsyncSession, user_id: uuid.UUID, notification_id: uuid.UUID) -> None:
    """Mark one of the user's own notifications read. Someone else's is a 404."""
    if not await NotificationRepository(db).mark_read(notification_id, user_id, _now()):
        raise NotFound("Notification not found")


# --- admin -------------------------------------------------------------------------


async def list_notifications(
    db: AsyncSession, filters: NotificationFilters, params: PageParams, sort: SortParams
) -> dict[str, Any]:
    result = await NotificationRepository(db).page(filters, params, sort)
    return result.to_page([_admin_read(row[0], row[1]) for row in result.items])


def _admin_read(notification: Notification, login: str) -> AdminNotificationRead:
    hidden = notification.kind in SECRET_KINDS
    return AdminNotificationRead(
        id=notification.id,
        user_id=notification.user_id,
        user_login=login,
        kind=notification.kind,
        title=Localized.model_validate(notification.title),
        content=HIDDEN if hidden else Localized.model_validate(notification.content),
        content_hidden=hidden,
        target_type=notification.target_type,
        target_id=notification.target_id,
        status=notification.status,
        channel=notification.channel,
        attempts=notification.attempts,
        next_attempt_at=notification.next_attempt_at,
        sent_at=notification.sent_at,
        read_at=notification.read_at,
        last_error=notification.last_error,
        created_at=notification.created_at,
    )


async def resend(
    db: AsyncSession, notification_id: uuid.UUID, actor: Actor
) -> AdminNotificationRead:
    """Queue a `failed` or `dead` notification again (attempts reset, due now).

    Raises `NotFound`, or `Conflict` when it is not failed/dead (already pending, being sent,
    or sent). Audited.
    """
    repository = NotificationRepository(db)
    current = await repository.get(notification_id)
    if current is None:
        raise NotFound("Notification not found")
    before = {"status": current.status.value, "attempts": current.attempts}
    notification = await repository.requeue(notification_id, _now())
    if notification is None:
        raise Conflict(
            "Only a failed or dead notification can be sent again",
            details={"status": current.status.value, "allowed": [s.value for s in RETRYABLE]},
        )
    await AuditRepository(db).record(
        actor_id=actor.user_id,
        action="notification.resend",
        target_type=TargetType.notification,
        target_id=notification.id,
        before=before,
        after={"status": notification.status.value, "attempts": 0},
        ip=actor.ip,
    )
    login = await UserRepository(db).login_of(notification.user_id)
    return _admin_read(notification, login or "")


async def cleanup(db: AsyncSession, days: int, actor: Actor) -> NotificationCleanupRead:
    """Delete notifications created more than `days` ago (not those being sent). Audited."""
    cutoff = _now() - timedelta(days=days)
    deleted = await NotificationRepository(db).delete_older_than(cutoff)
    await AuditRepository(db).record(
        actor_id=actor.user_id,
        action="notification.cleanup",
        target_type=TargetType.notification,
        after={"deleted": deleted, "days": days, "cutoff": cutoff.isoformat()},
        ip=actor.ip,
    )
    return NotificationCleanupRead(deleted=deleted, cutoff=cutoff)
