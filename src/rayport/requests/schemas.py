"""Shapes of user requests on the admin wire."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from rayport.models.enums import RequestKind, RequestStatus, TargetType
from rayport.text import NO_NUL


class RequestRead(BaseModel):
    id: uuid.UUID
    user_id: uuid.UUID
    user_login: str
    kind: RequestKind
    status: RequestStatus
    target_type: TargetType
    target_id: uuid.UUID
    payload: dict[str, Any]
    comment: str | None
    decided_by_id: uuid.UUID | None
    decided_by_login: str | None
    decided_at: datetime | None
    created_at: datetime


class RequestDecisionRead(RequestRead):
    """The request with its new status after apply/deny."""

    temporary_password: str | None = Field(
        None,
        description="Set only when a reset password could not be sent to the user privately "
        "(no reachable Telegram, no e-mail with SMTP configured): shown to the admin once.",
    )


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    comment: (
        Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000, pattern=NO_NUL)]
        | None
    ) = Field(None, description="Shown to the user with the decision")
