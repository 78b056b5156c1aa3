"""Read and change the superuser's run-time settings."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.app_settings.repository import AppSettingsRepository
from rayport.app_settings.schemas import (
    AllSettings,
    BasicSettings,
    ServiceSettings,
    SettingsPatch,
)
from rayport.audit.repository import AuditRepository
from rayport.auth.principal import Actor
from rayport.errors import ValidationFailed
from rayport.models.enums import TargetType


async def get_settings(db: AsyncSession) -> AllSettings:
    stored = await AppSettingsRepository(db).all()
    return AllSettings(
        basic=BasicSettings.model_validate(stored.get("basic", {})),
        service=ServiceSettings.model_validate(stored.get("service", {})),
    )


async def update_settings(db: AsyncSession, patch: SettingsPatch, actor: Actor) -> AllSettings:
    """Apply a partial change, validate the result as a whole, store and audit it.

    Raises `ValidationFailed` when the merged settings are inconsistent (e.g. base > max).
    """
    current = await get_settings(db)
    merged: dict[str, dict[str, Any]] = current.model_dump()
    changes = patch.model_dump(exclude_none=True)
    for group, values in changes.items():
        merged[group].update(values)
    try:
        updated = AllSettings(
            basic=BasicSettings.model_validate(merged["basic"]),
            service=ServiceSettings.model_validate(merged["service"]),
        )
    except ValidationError as exc:
        raise ValidationFailed(
            "The settings are not valid",
            details=[{"loc": list(e["loc"]), "msg": e["msg"]} for e in exc.errors()],
        ) from exc
    repository = AppSettingsRepository(db)
    before = current.model_dump()
    after = updated.model_dump()
    for group in changes:
        await repository.save(group, after[group])
    await AuditRepository(db).record(
        actor_id=actor.user_id,
        action="settings.update",
        target_type=TargetType.settings,
        before={g: before[g] for g in changes},
        after={g: after[g] for g in changes},
        ip=actor.ip,
    )
    return updated
