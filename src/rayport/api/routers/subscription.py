"""`/sub/{sub_token}`: the subscription VPN apps poll (no auth: the token is the secret)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Response

from rayport.api.deps import Context, ReadDB
from rayport.configs.sub_service import build_subscription
from rayport.text import NO_NUL

router = APIRouter(tags=["subscription"])


@router.get(
    "/sub/{sub_token}",
    summary="Subscription for VPN apps: base64 links (default), sing-box JSON or Clash YAML",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}, "application/json": {}, "text/yaml": {}}}},
)
async def subscription(
    sub_token: Annotated[str, Path(pattern=NO_NUL)],
    context: Context,
    db: ReadDB,
    format: Annotated[
        str | None,
        Query(pattern="(?i)^(base64|singbox|clash)$", description="base64 | singbox | clash"),
    ] = None,
    user_agent: Annotated[str | None, Header()] = None,
) -> Response:
    result = await build_subscription(db, context.panel, sub_token, format, user_agent)
    return Response(result.body, media_type=result.media_type, headers=result.headers)
