"""`/api/app/v1`: health, status, settings."""

from __future__ import annotations

from fastapi import APIRouter

from rayport.api.deps import DB, Context, CurrentActor, SuperuserPrincipal
from rayport.api.status import StatusRead, read_status
from rayport.app_settings.schemas import AllSettings, PublicSettings, SettingsPatch, TelegramPublic
from rayport.app_settings.service import get_settings, update_settings

router = APIRouter(prefix="/api/app/v1", tags=["app"])


@router.get("/health", summary="Liveness: the process answers")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/status", summary="Readiness of each dependency, uptime and version")
async def status(context: Context) -> StatusRead:
    return await read_status(context)


@router.get("/settings", summary="The public part of the settings")
async def public_settings(context: Context, db: DB) -> PublicSettings:
    settings = await get_settings(db)
    return PublicSettings(
        registration_enabled=settings.basic.registration_enabled,
        telegram=TelegramPublic(
            login_enabled=context.telegram is not None,
            bot_username=context.telegram.bot_username if context.telegram else None,
        ),
        service=settings.service,
    )


@router.get("/settings/all", summary="All run-time settings (superuser)")
async def all_settings(_: SuperuserPrincipal, db: DB) -> AllSettings:
    return await get_settings(db)


@router.patch("/settings", summary="Change run-time settings (superuser)")
async def patch_settings(
    patch: SettingsPatch, _: SuperuserPrincipal, actor: CurrentActor, db: DB
) -> AllSettings:
    return await update_settings(db, patch, actor)
