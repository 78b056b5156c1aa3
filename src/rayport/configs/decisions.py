"""How the configs domain takes part in admin workflows: deciding `renew_config` /
`update_config` requests, and disabling a deactivated user's panel clients.

Imported once by `create_app` (registration is a side effect of the import).
"""

from __future__ import annotations

from rayport.configs.repository import ConfigRepository
from rayport.configs.service import ConfigService, config_snapshot
from rayport.models.enums import RequestKind
from rayport.requests.registry import Decision, DecisionContext, register_request_handler
from rayport.users.admin import UserStateChange, on_user_deactivated, on_user_reactivated


def _service(ctx: DecisionContext | UserStateChange) -> ConfigService:
    return ConfigService(db=ctx.db, panel=ctx.app.panel, web_app_url=ctx.app.settings.web_app_url)


class ConfigRequestHandler:
    """Apply: write the new expiry or limits to the panel, then the row. Deny: the config
    goes back to the status it had before the request."""

    async def apply(self, ctx: DecisionContext) -> Decision:
        config = await ConfigRepository(ctx.db).get(ctx.request.target_id)
        before = config_snapshot(config) if config else {}
        config = await _service(ctx).apply_request(ctx.request)
        return Decision(before={"config": before}, after={"config": config_snapshot(config)})

    async def deny(self, ctx: DecisionContext) -> Decision:
        await _service(ctx).deny_request(ctx.request)
        return Decision()


register_request_handler(RequestKind.renew_config, ConfigRequestHandler())
register_request_handler(RequestKind.update_config, ConfigRequestHandler())


@on_user_deactivated
async def disable_user_configs(change: UserStateChange) -> None:
    await _service(change).set_user_configs_enabled(change.user.id, enabled=False)


@on_user_reactivated
async def enable_user_configs(change: UserStateChange) -> None:
    await _service(change).set_user_configs_enabled(change.user.id, enabled=True)
