"""What applying or denying a request *does*, per request kind — the extension point.

`RequestService.apply`/`deny` (rayport.requests.service) own the common part: the atomic
`new → applied|denied` transition, the permission check, the user's notice and the audit
entry. What the decision changes is up to the handler registered for the request's kind:

- `verify`, `reset_password`: rayport.users.admin (registered by rayport.requests.service);
- `update_config`, `renew_config`: the configs domain registers its handler, e.g. at the
  bottom of its service module::

      register_request_handler(RequestKind.renew_config, ConfigRequestHandler())

A handler runs inside the request's unit of work, after the request row was claimed: if it
raises (an `AppError` such as `XuiUnavailable`), everything rolls back and the request stays
`new`. Work that must not happen for a rolled-back decision goes through `after_commit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from rayport.auth.principal import Actor
from rayport.models import Request, User
from rayport.models.enums import RequestKind
from rayport.notifications.texts import Notice

if TYPE_CHECKING:
    from rayport.api.context import AppContext
    from rayport.auth.service import AuthService


@dataclass(slots=True)
class DecisionContext:
    db: AsyncSession
    request: Request  # already marked applied/denied, with decided_by/at and comment
    user: User  # the requester (role loaded)
    actor: Actor
    comment: str | None
    app: AppContext  # process resources: settings, cache, the 3X-UI panel
    auth: AuthService  # to end sessions with the cache updated after commit


@dataclass(slots=True)
class Decision:
    """What a handler reports back."""

    notice: Notice | None = None  # replaces the generic "request approved/declined" notice
    temporary_password: str | None = None  # shown once to the admin (reset_password)
    before: dict[str, Any] = field(default_factory=dict)  # merged into the audit entry
    after: dict[str, Any] = field(default_factory=dict)


class RequestKindHandler(Protocol):
    async def apply(self, ctx: DecisionContext) -> Decision: ...

    async def deny(self, ctx: DecisionContext) -> Decision: ...


_handlers: dict[RequestKind, RequestKindHandler] = {}


def register_request_handler(kind: RequestKind, handler: RequestKindHandler) -> None:
    """Make `handler` decide requests of `kind`. Registering a second, different handler
    for a kind is a programming error (two domains claiming one kind)."""
    current = _handlers.get(kind)
    if current is not None and type(current) is not type(handler):
        raise RuntimeError(f"request kind {kind} already handled by {type(current).__name__}")
    _handlers[kind] = handler


def request_handler(kind: RequestKind) -> RequestKindHandler | None:
    return _handlers.get(kind)
