"""`/api/admin/v1/configs` and `/api/admin/v1/xui`: configs and the panel, for admins."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query

from rayport.api.deps import DB, AdminPrincipal, Context, CurrentActor, Pagination
from rayport.api.routers.client_configs import Configs
from rayport.configs.schemas import AdminConfigRead, EnabledIn, LimitsIn, TimeChangeIn
from rayport.configs.xui_admin import XuiStatusRead, panel_inbounds, run_sync, xui_status
from rayport.models.enums import ConfigStatus, ConfigType
from rayport.pagination import Page
from rayport.text import NO_NUL

router = APIRouter(prefix="/api/admin/v1", tags=["admin: configs"])

SortField = Annotated[
    str,
    Query(
        pattern="^-?(created_at|valid_to|type|status|used_bytes)$",
        description="Field to sort by; prefix with - for descending",
    ),
]


@router.get("/configs")
async def list_configs(
    _: AdminPrincipal,
    configs: Configs,
    pagination: Pagination,
    sort: SortField = "-created_at",
    user_id: uuid.UUID | None = None,
    type: ConfigType | None = None,
    status: ConfigStatus | None = None,
    login: Annotated[str | None, Query(max_length=64, pattern=NO_NUL)] = None,
) -> Page[AdminConfigRead]:
    page = await configs.admin_page(
        pagination, sort=sort, user_id=user_id, config_type=type, status=status, login=login
    )
    return Page[AdminConfigRead].model_validate(page)


@router.get("/configs/{config_id}")
async def get_config(config_id: uuid.UUID, _: AdminPrincipal, configs: Configs) -> AdminConfigRead:
    return await configs.admin_get(config_id)


@router.post("/configs/{config_id}/time/add", summary="Extend (from now if already expired)")
async def add_time(
    config_id: uuid.UUID,
    body: TimeChangeIn,
    _: AdminPrincipal,
    actor: CurrentActor,
    configs: Configs,
) -> AdminConfigRead:
    return await configs.add_time(actor, config_id, body.days, body.hours)


@router.post("/configs/{config_id}/time/remove", summary="Shorten (never before now)")
async def remove_time(
    config_id: uuid.UUID,
    body: TimeChangeIn,
    _: AdminPrincipal,
    actor: CurrentActor,
    configs: Configs,
) -> AdminConfigRead:
    return await configs.remove_time(actor, config_id, body.days, body.hours)


@router.post("/configs/{config_id}/limits")
async def set_limits(
    config_id: uuid.UUID, body: LimitsIn, _: AdminPrincipal, actor: CurrentActor, configs: Configs
) -> AdminConfigRead:
    return await configs.set_limits(actor, config_id, body.total_gb, body.limit_ip)


@router.post("/configs/{config_id}/reset-traffic")
async def reset_traffic(
    config_id: uuid.UUID, _: AdminPrincipal, actor: CurrentActor, configs: Configs
) -> AdminConfigRead:
    return await configs.reset_traffic(actor, config_id)


@router.post("/configs/{config_id}/enabled", summary="Enable or disable the config on the panel")
async def set_enabled(
    config_id: uuid.UUID, body: EnabledIn, _: AdminPrincipal, actor: CurrentActor, configs: Configs
) -> AdminConfigRead:
    return await configs.set_enabled(actor, config_id, body.enabled)


@router.get("/xui/status", summary="Panel reachability, era, inbounds, last sync and drift")
async def get_xui_status(_: AdminPrincipal, context: Context) -> XuiStatusRead:
    return await xui_status(context.panel, context.cache)


@router.get("/xui/inbounds", summary="The panel's inbounds (without client secrets)")
async def get_xui_inbounds(_: AdminPrincipal, context: Context) -> list[dict[str, Any]]:
    return await panel_inbounds(context.panel)


@router.post("/xui/sync", summary="Sync traffic and expiry from the panel now")
async def post_xui_sync(_: AdminPrincipal, context: Context, db: DB) -> dict[str, Any]:
    return await run_sync(db, context.panel, context.cache)
