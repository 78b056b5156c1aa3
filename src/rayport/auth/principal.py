"""Who is calling: the authenticated principal of a request, and an actor for audit rows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from rayport.models.enums import RoleName


@dataclass(frozen=True, slots=True)
class Principal:
    user_id: uuid.UUID
    session_id: uuid.UUID
    role: RoleName

    def has_role(self, minimum: RoleName) -> bool:
        return self.role.weight <= minimum.weight


@dataclass(frozen=True, slots=True)
class Actor:
    """Who performed a change, for the audit log (None user = the system)."""

    user_id: uuid.UUID | None
    ip: str | None = None


@dataclass(frozen=True, slots=True)
class ClientInfo:
    ip: str | None
    user_agent: str | None
