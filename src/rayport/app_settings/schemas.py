"""Run-time settings the superuser edits: `basic` and `service` groups with defaults."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class BasicSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    registration_enabled: bool = True
    auto_verify_telegram: bool = False


class ServiceSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    promo_days: int = Field(7, ge=0, le=365, description="Validity of a user's first config")
    renew_days: int = Field(30, ge=1, le=365, description="Days a renewal adds")
    base_total_gb: int = Field(
        50, ge=0, le=100_000, description="Traffic of a new config; 0 = unlimited"
    )
    base_limit_ip: int = Field(
        2, ge=0, le=100, description="Devices of a new config; 0 = unlimited"
    )
    max_total_gb: int = Field(
        500, ge=0, le=100_000, description="Most a user may request; 0 = no cap"
    )
    max_limit_ip: int = Field(5, ge=0, le=100, description="Most a user may request; 0 = no cap")

    @model_validator(mode="after")
    def _base_within_max(self) -> Self:
        if self.max_total_gb and (
            self.base_total_gb == 0 or self.base_total_gb > self.max_total_gb
        ):
            raise ValueError(
                "base_total_gb must be between 1 and max_total_gb when max_total_gb is set"
            )
        if self.max_limit_ip and (
            self.base_limit_ip == 0 or self.base_limit_ip > self.max_limit_ip
        ):
            raise ValueError(
                "base_limit_ip must be between 1 and max_limit_ip when max_limit_ip is set"
            )
        return self


class AllSettings(BaseModel):
    basic: BasicSettings
    service: ServiceSettings


# The patches are strict (JSON `true`, not `1` or `"yes"`; `5`, not `"5"` or `false`) and
# carry the same bounds as the settings: what the schema documents is what is accepted.
class BasicSettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    registration_enabled: bool | None = None
    auto_verify_telegram: bool | None = None


class ServiceSettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    promo_days: int | None = Field(None, ge=0, le=365)
    renew_days: int | None = Field(None, ge=1, le=365)
    base_total_gb: int | None = Field(None, ge=0, le=100_000)
    base_limit_ip: int | None = Field(None, ge=0, le=100)
    max_total_gb: int | None = Field(None, ge=0, le=100_000)
    max_limit_ip: int | None = Field(None, ge=0, le=100)


class SettingsPatch(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    basic: BasicSettingsPatch | None = None
    service: ServiceSettingsPatch | None = None


class TelegramPublic(BaseModel):
    login_enabled: bool
    bot_username: str | None = None


class PublicSettings(BaseModel):
    """What anyone may read: enough for the login/register screens and the limits form."""

    registration_enabled: bool
    telegram: TelegramPublic
    service: ServiceSettings
