from __future__ import annotations

import uuid
from datetime import datetime
from typing import Self

from pydantic import BaseModel, Field, model_validator

from rayport.models import Config
from rayport.models.enums import ConfigStatus, ConfigType, RequestKind


class PendingRequest(BaseModel):
    id: uuid.UUID
    kind: RequestKind
    payload: dict[str, int]
    created_at: datetime


class ConfigRead(BaseModel):
    id: uuid.UUID
    type: ConfigType
    status: ConfigStatus
    valid_from: datetime
    valid_to: datetime
    days_left: int = Field(description="Whole days until valid_to (0 once expired)")
    total_gb: int = Field(description="Traffic limit in GiB; 0 = unlimited")
    limit_ip: int = Field(description="Devices at once; 0 = unlimited")
    used_bytes: int
    up_bytes: int
    down_bytes: int
    connection_url: str | None = Field(description="Share link (vless:// or trojan://)")
    subscription_url: str
    last_synced_at: datetime | None
    pending_request: PendingRequest | None = None


class ConfigBrief(BaseModel):
    """A config in a list of someone's configs (admin user detail)."""

    id: uuid.UUID
    type: ConfigType
    status: ConfigStatus
    valid_to: datetime
    total_gb: int
    limit_ip: int
    used_bytes: int
    client_email: str

    @classmethod
    def from_row(cls, config: Config) -> ConfigBrief:
        return cls(
            id=config.id,
            type=config.type,
            status=config.status,
            valid_to=config.valid_to,
            total_gb=config.total_gb,
            limit_ip=config.limit_ip,
            used_bytes=config.up_bytes + config.down_bytes,
            client_email=config.client_email,
        )


class AdminConfigRead(ConfigRead):
    user_id: uuid.UUID
    login: str
    client_email: str
    inbound_id: int


class LimitsIn(BaseModel):
    total_gb: int | None = Field(None, ge=0, le=100_000)
    limit_ip: int | None = Field(None, ge=0, le=100)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.total_gb is None and self.limit_ip is None:
            raise ValueError("give total_gb, limit_ip or both")
        return self


class TimeChangeIn(BaseModel):
    days: int = Field(0, ge=0, le=365)
    hours: int = Field(0, ge=0, le=23)

    @model_validator(mode="after")
    def _something(self) -> Self:
        if self.days == 0 and self.hours == 0:
            raise ValueError("give days, hours or both")
        return self


class EnabledIn(BaseModel):
    enabled: bool


class SubscriptionRead(BaseModel):
    subscription_url: str
