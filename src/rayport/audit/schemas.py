from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from rayport.models.enums import TargetType


class AuditRead(BaseModel):
    id: uuid.UUID
    actor_id: uuid.UUID | None
    actor_login: str | None
    action: str
    target_type: TargetType | None
    target_id: uuid.UUID | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    ip: str | None
    created_at: datetime
