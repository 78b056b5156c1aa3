"""`/api/telegram/webhook`: Telegram's updates in webhook mode (`rayport bot --webhook`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from rayport.api.deps import Context
from rayport.errors import NotFound

router = APIRouter(prefix="/api/telegram", tags=["telegram"])


@router.post(
    "/webhook",
    status_code=200,
    response_class=Response,
    summary="Telegram Bot API updates (checked against the secret-token header)",
)
async def webhook(
    request: Request,
    context: Context,
    x_telegram_bot_api_secret_token: Annotated[str | None, Header()] = None,
) -> Response:
    if context.telegram is None:
        raise NotFound("Telegram is not enabled on this server")
    await context.telegram.webhook(await request.body(), x_telegram_bot_api_secret_token)
    return Response(status_code=200)
