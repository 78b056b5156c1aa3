"""Shapes of users on the admin wire (`/api/admin/v1/users`)."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from rayport.auth.schemas import SessionRead
from rayport.configs.schemas import ConfigBrief
from rayport.models.enums import NotificationChannel, RoleName
from rayport.requests.schemas import RequestRead
from rayport.users.schemas import UserRead


class AdminUserDetail(UserRead):
    """A user with everything an admin looks at before deciding something."""

    sessions: list[SessionRead] = Field(description="Live sessions, most recently active first")
    open_requests: list[RequestRead]
    configs: list[ConfigBrief] = Field(default_factory=list)


class RoleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: RoleName


class PasswordResetRead(BaseModel):
    user_id: uuid.UUID
    temporary_password: str | None = Field(
        description="Shown once, only when the user has no private channel (reachable "
        "Telegram, or e-mail with SMTP configured); otherwise null and sent to the user."
    )
    delivered_via: list[NotificationChannel] = Field(
        description="Channels the notice with the temporary password will be sent through"
    )
