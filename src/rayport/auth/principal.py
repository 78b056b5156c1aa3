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
    """Who performed a change, for the audit log (None user = the system).

    `role` is the caller's role (from its live session) for the permission rules of admin
    actions; None for the system.
    """

    user_id: uuid.UUID | None
    ip: str | None = None
    role: RoleName | None = None

    def outranks(self, role: RoleName) -> bool:
        """True when the actor may manage someone of `role`: a superuser anyone, an admin
        plain users."""
        if self.role is RoleName.superuser:
            return True
        return self.role is RoleName.admin and role is RoleName.user


@dataclass(frozen=True, slots=True)
class ClientInfo:
    ip: str | None
    user_agent: str | None
