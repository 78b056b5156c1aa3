"""Shapes of sessions on the admin wire (`/api/admin/v1/sessions`)."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field


class AdminSessionRead(BaseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    user_login: str
    device: str | None
    user_agent: str | None
    ip: str | None
    created_at: datetime
    last_activity_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None
    active: bool = Field(description="Neither revoked nor expired")


class SessionCleanupRead(BaseModel):
    deleted: int
    cutoff: datetime = Field(
        description="Sessions that expired or were revoked before this were deleted"
    )
