"""`/api/backend/v1/client`: a verified user's VPN configs and subscription."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, status

from rayport.api.deps import DB, Context, VerifiedPrincipal
from rayport.auth.schemas import RequestCreated
from rayport.configs.schemas import ConfigRead, LimitsIn, SubscriptionRead
from rayport.configs.service import ConfigService
from rayport.models.enums import ConfigType
from rayport.users.service import read_sub_url, rotate_sub_token

router = APIRouter(prefix="/api/backend/v1/client", tags=["configs"])


async def get_config_service(context: Context, db: DB) -> ConfigService:
    return ConfigService(db=db, panel=context.panel, web_app_url=context.settings.web_app_url)


Configs = Annotated[ConfigService, Depends(get_config_service)]
TypeInPath = Annotated[str, Path(pattern="(?i)^(vless|trojan)$", description="vless or trojan")]


@router.get("/configs", summary="The user's configs")
async def list_configs(principal: VerifiedPrincipal, configs: Configs) -> list[ConfigRead]:
    return await configs.list_for_user(principal.user_id)


@router.get(
    "/configs/by-type/{config_type}",
    summary="The user's config of a type, created on the panel the first time",
)
async def config_by_type(
    config_type: TypeInPath, principal: VerifiedPrincipal, configs: Configs
) -> ConfigRead:
    return await configs.get_or_create(principal.user_id, ConfigType(config_type.lower()))


@router.post(
    "/configs/{config_id}/renew",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Ask an admin to renew the config",
)
async def renew(
    config_id: uuid.UUID, principal: VerifiedPrincipal, configs: Configs
) -> RequestCreated:
    return RequestCreated(request_id=await configs.request_renew(principal.user_id, config_id))


@router.post(
    "/configs/{config_id}/update-limits",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Ask an admin for other limits (within the service maxima)",
)
async def update_limits(
    config_id: uuid.UUID, body: LimitsIn, principal: VerifiedPrincipal, configs: Configs
) -> RequestCreated:
    request_id = await configs.request_limits(
        principal.user_id, config_id, body.total_gb, body.limit_ip
    )
    return RequestCreated(request_id=request_id)


@router.get("/subscription", summary="The user's subscription URL")
async def subscription(principal: VerifiedPrincipal, db: DB, context: Context) -> SubscriptionRead:
    return SubscriptionRead(
        subscription_url=await read_sub_url(db, principal.user_id, context.settings.web_app_url)
    )


@router.post("/subscription/rotate", summary="New subscription URL; the old one stops working")
async def rotate_subscription(
    principal: VerifiedPrincipal, db: DB, context: Context
) -> SubscriptionRead:
    return SubscriptionRead(
        subscription_url=await rotate_sub_token(db, principal.user_id, context.settings.web_app_url)
    )
