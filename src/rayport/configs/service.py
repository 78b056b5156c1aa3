"""VPN configs: get-or-create against the panel, user requests, admin changes.

The panel is written first, the row second; the request's unit of work commits. A panel
failure leaves no row (the transaction rolls back). A database failure after the panel
call leaves a panel client without a row: the next get-or-create finds it by its
deterministic email and adopts it, so nothing is ever created twice.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from rayport.app_settings.service import get_settings
from rayport.audit.repository import AuditRepository
from rayport.auth.principal import Actor
from rayport.configs.panel import GIB, Panel, client_email
from rayport.configs.repository import ConfigRepository
from rayport.configs.schemas import AdminConfigRead, ConfigRead, PendingRequest
from rayport.db.locks import hold_lock
from rayport.errors import Conflict, NotFound, ValidationFailed, XuiError, XuiUnavailable
from rayport.models import Config, Request, User
from rayport.models.enums import ConfigStatus, ConfigType, RequestKind, TargetType
from rayport.pagination import PageParams
from rayport.requests.repository import RequestRepository
from rayport.requests.service import open_request
from rayport.users.repository import UserRepository
from rayport.users.service import sub_url
from rayport.xui.links import UnsupportedInbound


def _now() -> datetime:
    return datetime.now(UTC)


def days_left(valid_to: datetime, now: datetime) -> int:
    return max(0, math.ceil((valid_to - now).total_seconds() / 86400))


def config_snapshot(config: Config) -> dict[str, Any]:
    return {
        "status": config.status.value,
        "valid_to": config.valid_to.isoformat(),
        "total_gb": config.total_gb,
        "limit_ip": config.limit_ip,
    }


def _config_fields(config: Config, pending: Request | None) -> dict[str, Any]:
    """What every view of a config shows, whoever is looking."""
    return {
        "id": config.id,
        "type": config.type,
        "status": config.status,
        "valid_from": config.valid_from,
        "valid_to": config.valid_to,
        "days_left": days_left(config.valid_to, _now()),
        "total_gb": config.total_gb,
        "limit_ip": config.limit_ip,
        "used_bytes": config.up_bytes + config.down_bytes,
        "up_bytes": config.up_bytes,
        "down_bytes": config.down_bytes,
        "last_synced_at": config.last_synced_at,
        "pending_request": (
            PendingRequest(
                id=pending.id,
                kind=pending.kind,
                payload=pending.payload,
                created_at=pending.created_at,
            )
            if pending is not None
            else None
        ),
    }


class PanelNotConfigured(XuiUnavailable):
    default_message = "The VPN panel is not configured on this server"


@dataclass
class ConfigService:
    db: AsyncSession
    panel: Panel | None
    web_app_url: str

    @property
    def configs(self) -> ConfigRepository:
        return ConfigRepository(self.db)

    def _panel(self) -> Panel:
        if self.panel is None:
            raise PanelNotConfigured()
        return self.panel

    def subscription_url(self, user: User) -> str:
        return sub_url(self.web_app_url, user.sub_token)

    # --- reading -------------------------------------------------------------------

    async def _read(self, config: Config, user: User, pending: Request | None) -> ConfigRead:
        link = None
        if self.panel is not None:
            try:
                inbound = await self.panel.inbound(config.type)
                link = self.panel.share_link(config, inbound).to_url()
            except (XuiError, XuiUnavailable, UnsupportedInbound, ValueError):
                link = None  # the panel is down or odd: show the rest, not an error
        return ConfigRead(
            **_config_fields(config, pending),
            connection_url=link,
            subscription_url=self.subscription_url(user),
        )

    async def _user(self, user_id: uuid.UUID) -> User:
        user = await UserRepository(self.db).get(user_id)
        if user is None:
            raise NotFound("User not found")
        return user

    async def list_for_user(self, user_id: uuid.UUID) -> list[ConfigRead]:
        user = await self._user(user_id)
        configs = await self.configs.list_for_user(user_id)
        pending = await self.configs.open_requests([c.id for c in configs])
        return [await self._read(c, user, pending.get(c.id)) for c in configs]

    async def _own(self, user_id: uuid.UUID, config_id: uuid.UUID) -> Config:
        config = await self.configs.get(config_id)
        if config is None or config.user_id != user_id:
            raise NotFound("Config not found")  # someone else's config does not exist for you
        return config

    # --- get-or-create -------------------------------------------------------------

    async def get_or_create(self, user_id: uuid.UUID, config_type: ConfigType) -> ConfigRead:
        """The user's config of this type, created (or reconciled) on the panel first.

        Four cases: row and client → return; row without client → recreate the client
        from the row; client without row → adopt it; neither → create both. Serialised
        per (user, type) until the unit of work ends, so concurrent calls create one.
        Raises XuiUnavailable (503) / XuiError (502) from the panel.
        """
        panel = self._panel()
        await hold_lock(self.db, f"config:{user_id}:{config_type.value}")
        user = await self._user(user_id)
        inbound = await panel.inbound(config_type)
        config = await self.configs.get_for_user(user_id, config_type)
        email = client_email(user.login, config_type)
        found = await panel.client.get_client(config.client_email if config else email)
        if config is not None:
            if found is None:
                config.inbound_id = inbound.id
                await panel.client.add_client(inbound.id, panel.client_for(config, inbound))
                await self.db.flush()
        elif found is not None:
            config = await self._adopt(
                user, config_type, found.client, found.inbound_ids, inbound.id
            )
        else:
            config = await self._create(user, config_type, inbound, email)
        pending = await self.configs.open_requests([config.id])
        return await self._read(config, user, pending.get(config.id))

    async def _create(
        self, user: User, config_type: ConfigType, inbound: Any, email: str
    ) -> Config:
        panel = self._panel()
        service = (await get_settings(self.db)).service
        now = _now()
        others = await self.configs.list_for_user(user.id)
        # A user's configs share one period: a second type ends when the first does.
        valid_to = others[0].valid_to if others else now + timedelta(days=service.promo_days)
        client = panel.new_client(
            inbound,
            email,
            valid_to=valid_to,
            total_gb=service.base_total_gb,
            limit_ip=service.base_limit_ip,
        )
        stored = await panel.client.add_client(inbound.id, client)
        config = Config(
            user_id=user.id,
            type=config_type,
            xui_client_id=stored.key,
            client_email=stored.email,
            sub_id=stored.sub_id,
            inbound_id=inbound.id,
            total_gb=service.base_total_gb,
            limit_ip=service.base_limit_ip,
            valid_from=now,
            valid_to=valid_to,
            status=ConfigStatus.active if valid_to > now else ConfigStatus.expired,
        )
        return await self._insert(config)

    async def _adopt(
        self,
        user: User,
        config_type: ConfigType,
        client: Any,
        inbound_ids: tuple[int, ...],
        default_inbound: int,
    ) -> Config:
        now = _now()
        valid_to = client.expiry_time or now
        config = Config(
            user_id=user.id,
            type=config_type,
            xui_client_id=client.key,
            client_email=client.email,
            sub_id=client.sub_id,
            inbound_id=inbound_ids[0] if inbound_ids else default_inbound,
            total_gb=client.total_bytes // GIB,
            limit_ip=client.limit_ip,
            valid_from=now,
            valid_to=valid_to,
            status=(
                ConfigStatus.disabled
                if not client.enable
                else ConfigStatus.active
                if valid_to > now
                else ConfigStatus.expired
            ),
        )
        return await self._insert(config)

    async def _insert(self, config: Config) -> Config:
        try:
            async with self.db.begin_nested():
                return await self.configs.add(config)
        except IntegrityError as exc:
            raise Conflict("This config is being created by another request; retry") from exc

    # --- user requests -------------------------------------------------------------

    async def request_renew(self, user_id: uuid.UUID, config_id: uuid.UUID) -> uuid.UUID:
        config = await self._own(user_id, config_id)
        return await self._open_request(config, RequestKind.renew_config, {})

    async def request_limits(
        self, user_id: uuid.UUID, config_id: uuid.UUID, total_gb: int | None, limit_ip: int | None
    ) -> uuid.UUID:
        """Ask for other limits, within the service maxima (0 = no cap)."""
        config = await self._own(user_id, config_id)
        service = (await get_settings(self.db)).service
        problems = []
        if (
            total_gb is not None
            and service.max_total_gb
            and not 1 <= total_gb <= service.max_total_gb
        ):
            problems.append(
                {
                    "loc": ["body", "total_gb"],
                    "msg": f"must be between 1 and {service.max_total_gb}",
                }
            )
        if (
            limit_ip is not None
            and service.max_limit_ip
            and not 1 <= limit_ip <= service.max_limit_ip
        ):
            problems.append(
                {
                    "loc": ["body", "limit_ip"],
                    "msg": f"must be between 1 and {service.max_limit_ip}",
                }
            )
        if problems:
            raise ValidationFailed(
                "The requested limits are outside what the service offers", details=problems
            )
        payload = {
            k: v for k, v in {"total_gb": total_gb, "limit_ip": limit_ip}.items() if v is not None
        }
        return await self._open_request(config, RequestKind.update_config, payload)

    async def _open_request(
        self, config: Config, kind: RequestKind, payload: dict[str, Any]
    ) -> uuid.UUID:
        requests = RequestRepository(self.db)
        if await requests.find_open(config.user_id, kind, config.id) is not None:
            raise Conflict("This config already has such a request waiting for an admin")
        user = await self._user(config.user_id)
        request = await open_request(self.db, user, kind, TargetType.config, config.id, payload)
        if config.status is ConfigStatus.active:
            config.status = ConfigStatus.update_pending
        await self.db.flush()
        return request.id

    # --- applying decisions (called by the requests workflow) ----------------------

    async def apply_request(self, request: Request) -> Config:
        """Apply an `update_config` / `renew_config` request: panel first, then the row."""
        config = await self.configs.get(request.target_id)
        if config is None:
            raise NotFound("The request's config no longer exists")
        if request.kind is RequestKind.renew_config:
            renew_days = (await get_settings(self.db)).service.renew_days
            config.valid_to = max(_now(), config.valid_to) + timedelta(days=renew_days)
        elif request.kind is RequestKind.update_config:
            config.total_gb = int(request.payload.get("total_gb", config.total_gb))
            config.limit_ip = int(request.payload.get("limit_ip", config.limit_ip))
        self._settle_status(config)
        await self._panel().write(config)
        await self.db.flush()
        return config

    async def deny_request(self, request: Request) -> None:
        """Put the config back to the state it had before the request."""
        config = await self.configs.get(request.target_id)
        if config is not None:
            self._settle_status(config)
            await self.db.flush()

    @staticmethod
    def _settle_status(config: Config) -> None:
        if config.status is ConfigStatus.disabled:
            return
        config.status = ConfigStatus.active if config.valid_to > _now() else ConfigStatus.expired

    # --- admin ---------------------------------------------------------------------

    async def admin_page(self, params: PageParams, **filters: Any) -> dict[str, Any]:
        result = await self.configs.page(params, **filters)
        ids = [config.id for config, _ in result.items]
        pending = await self.configs.open_requests(ids)
        items = [
            self._admin_read(config, login, pending.get(config.id))
            for config, login in result.items
        ]
        return result.to_page(items)

    def _admin_read(self, config: Config, login: str, pending: Request | None) -> AdminConfigRead:
        return AdminConfigRead(
            **_config_fields(config, pending),
            connection_url=None,
            subscription_url="",
            user_id=config.user_id,
            login=login,
            client_email=config.client_email,
            inbound_id=config.inbound_id,
        )

    async def admin_get(self, config_id: uuid.UUID) -> AdminConfigRead:
        config = await self.configs.get(config_id)
        if config is None:
            raise NotFound("Config not found")
        user = await self._user(config.user_id)
        pending = await self.configs.open_requests([config.id])
        base = await self._read(config, user, pending.get(config.id))
        return AdminConfigRead(
            **base.model_dump(),
            user_id=user.id,
            login=user.login,
            client_email=config.client_email,
            inbound_id=config.inbound_id,
        )

    async def _admin_change(
        self, actor: Actor, config_id: uuid.UUID, action: str, change: Any
    ) -> AdminConfigRead:
        config = await self.configs.get(config_id)
        if config is None:
            raise NotFound("Config not found")
        before = config_snapshot(config)
        await change(config)
        await self._panel().write(config)
        await self.db.flush()
        await AuditRepository(self.db).record(
            actor_id=actor.user_id,
            action=action,
            target_type=TargetType.config,
            target_id=config.id,
            before=before,
            after=config_snapshot(config),
            ip=actor.ip,
        )
        return await self.admin_get(config.id)

    async def add_time(
        self, actor: Actor, config_id: uuid.UUID, days: int, hours: int
    ) -> AdminConfigRead:
        async def change(config: Config) -> None:
            config.valid_to = max(config.valid_to, _now()) + timedelta(days=days, hours=hours)
            self._settle_status(config)

        return await self._admin_change(actor, config_id, "config.time_add", change)

    async def remove_time(
        self, actor: Actor, config_id: uuid.UUID, days: int, hours: int
    ) -> AdminConfigRead:
        """Shorten a config; it never ends before now — removing more expires it now."""

        async def change(config: Config) -> None:
            now = _now()
            config.valid_to = max(now, config.valid_to - timedelta(days=days, hours=hours))
            self._settle_status(config)

        return await self._admin_change(actor, config_id, "config.time_remove", change)

    async def set_limits(
        self, actor: Actor, config_id: uuid.UUID, total_gb: int | None, limit_ip: int | None
    ) -> AdminConfigRead:
        async def change(config: Config) -> None:
            if total_gb is not None:
                config.total_gb = total_gb
            if limit_ip is not None:
                config.limit_ip = limit_ip

        return await self._admin_change(actor, config_id, "config.limits", change)

    async def set_enabled(
        self, actor: Actor, config_id: uuid.UUID, enabled: bool
    ) -> AdminConfigRead:
        async def change(config: Config) -> None:
            config.status = ConfigStatus.active if enabled else ConfigStatus.disabled
            if enabled:
                self._settle_status(config)

        return await self._admin_change(
            actor, config_id, "config.enable" if enabled else "config.disable", change
        )

    async def reset_traffic(self, actor: Actor, config_id: uuid.UUID) -> AdminConfigRead:
        config = await self.configs.get(config_id)
        if config is None:
            raise NotFound("Config not found")
        before = {"up_bytes": config.up_bytes, "down_bytes": config.down_bytes}
        await self._panel().client.reset_client_traffic(config.inbound_id, config.client_email)
        config.up_bytes = config.down_bytes = 0
        await self.db.flush()
        await AuditRepository(self.db).record(
            actor_id=actor.user_id,
            action="config.reset_traffic",
            target_type=TargetType.config,
            target_id=config.id,
            before=before,
            after={"up_bytes": 0, "down_bytes": 0},
            ip=actor.ip,
        )
        return await self.admin_get(config.id)

    async def set_user_configs_enabled(self, user_id: uuid.UUID, enabled: bool) -> None:
        """Disable or re-enable every panel client of a user (deactivation hook)."""
        for config in await self.configs.list_for_user(user_id):
            config.status = ConfigStatus.active if enabled else ConfigStatus.disabled
            if enabled:
                self._settle_status(config)
            if self.panel is not None:
                await self.panel.write(config)
        await self.db.flush()
