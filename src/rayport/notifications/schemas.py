from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict

from rayport.models.enums import NotificationChannel, NotificationStatus


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
