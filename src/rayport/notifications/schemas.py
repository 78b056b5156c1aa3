from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from rayport.models.enums import NotificationChannel, NotificationStatus, TargetType


class Localized(BaseModel):
    ru: str = ""
    en: str = ""


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    kind: str
    title: Localized
    content: Localized
    status: NotificationStatus
    channel: NotificationChannel | None
    created_at: datetime
    sent_at: datetime | None
    read_at: datetime | None


class AdminNotificationRead(BaseModel):
    """A notification as admins see it; the content of secret kinds is hidden."""

    id: uuid.UUID
    user_id: uuid.UUID
    user_login: str
    kind: str
    title: Localized
    content: Localized
    content_hidden: bool
    target_type: TargetType | None
    target_id: uuid.UUID | None
    status: NotificationStatus
    channel: NotificationChannel | None
    attempts: int
    next_attempt_at: datetime | None
    sent_at: datetime | None
    read_at: datetime | None
    last_error: str | None
    created_at: datetime


class NotificationCleanupRead(BaseModel):
    deleted: int
    cutoff: datetime = Field(description="Notifications created before this were deleted")
