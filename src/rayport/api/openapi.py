"""An honest OpenAPI schema: every error an operation can answer, in the one envelope.

FastAPI documents a `200` (or the route's status) and, for operations with input, a `422`
with its own `HTTPValidationError` body, which RayPort never sends: every failure is the
envelope of `rayport.api.errors` (``{"error": {"code", "message", "details"}}``). Clients
generated from the schema, and the API fuzzer (`tests/fuzz`), need to know what really comes
back, so `install_openapi` post-processes the generated schema once:

- an `ErrorEnvelope` component (and its `ErrorBody`) replaces `HTTPValidationError`;
- each operation gets the error statuses it can really return, derived from the route:

  ====  ===============================================================================
  400   it takes a request body (one that cannot be decoded at all, e.g. not UTF-8)
  401   it depends on the bearer principal (`deps.get_principal`), or the table below
  403   it is role-guarded (`require_role`) or needs a verified user (`require_verified`)
  404   it has path parameters (an unknown id), or the table below
  409   the table below (a state conflict the service reports)
  413   it takes a request body (the body-size limit, checked before the route runs)
  422   it takes any input (path, query, header, body): validation, and service checks
  429   it is under ``/api/`` or ``/sub/`` (the global per-IP limit), health excepted
  500   every operation: the last-resort envelope with a request id
  502   it talks to the 3X-UI panel (`xui_error`: the panel refused), table below
  503   it can reach the database (`service_unavailable` while it is down): a database
        session, the principal (the session gate), or the app context; or the panel
        (`xui_unavailable`: unreachable or not configured). `/status` reports outages in
        its body instead.
  ====  ===============================================================================

The table (`_EXTRA`) lists what the route's dependencies do not show: the statuses its
service raises (e.g. a `409` for a second open renew request). `tests/api/test_openapi.py`
checks that every entry names a real operation.

No `default` response: a status the schema does not list is a bug the fuzzer reports, not
something a catch-all should hide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol, cast

from fastapi import FastAPI, routing
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from starlette.routing import BaseRoute

from rayport.api import deps

ENVELOPE = "ErrorEnvelope"
_REF = f"#/components/schemas/{ENVELOPE}"

_ERROR_BODY: dict[str, Any] = {
    "title": "ErrorBody",
    "type": "object",
    "required": ["code", "message", "details"],
    "properties": {
        "code": {
            "type": "string",
            "title": "Code",
            "description": "Stable machine-readable code, e.g. validation_error, "
            "not_authenticated, permission_denied, user_not_verified, registration_disabled, "
            "not_found, conflict, payload_too_large, rate_limited, service_unavailable, "
            "xui_unavailable, xui_error, internal_error",
        },
        "message": {"type": "string", "title": "Message", "description": "Human-readable"},
        "details": {
            "title": "Details",
            "description": "Structured details (validation errors, retry_after, request_id, "
            "...) or null",
        },
    },
}

_ENVELOPE_SCHEMA: dict[str, Any] = {
    "title": ENVELOPE,
    "type": "object",
    "required": ["error"],
    "properties": {"error": {"$ref": "#/components/schemas/ErrorBody"}},
    "description": "Every failure, whatever the status",
}

_DESCRIPTIONS = {
    400: "The request body cannot be parsed",
    401: "Not authenticated: no, an invalid or an expired access token, or the session ended",
    403: "Permission denied (role, verification, or the operation's own rules)",
    404: "Not found",
    409: "Conflict with the current state",
    413: "The request body is too large",
    422: "The request is not valid",
    429: "Too many requests; retry after `Retry-After` seconds",
    500: "Internal error (the body carries a request id)",
    502: "The VPN panel refused the operation",
    503: "The database or the VPN panel is unavailable; retry after `Retry-After` seconds",
}

_HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": "Always `Bearer`",
            "required": True,
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds until the limit allows another request",
            "required": True,
            "schema": {"type": "integer"},
        }
    },
    503: {
        "Retry-After": {
            "description": "Seconds to wait before retrying",
            "required": True,
            "schema": {"type": "integer"},
        }
    },
}

_PANEL = (502, 503)

# Dependencies that lead to the database: the unit of work, the read session, the session
# gate behind the principal (the database answers on a cache miss), the app context (its
# `db` is used directly by some handlers).
_STORAGE = frozenset({deps.get_db, deps.get_read_db, deps.get_principal, deps.get_context})
# Operations that report an outage in their answer rather than failing with it.
_OUTAGE_IN_BODY = {("GET", "/api/app/v1/status")}

# What the dependencies do not show: statuses raised by the operation's service.
_EXTRA: dict[tuple[str, str], tuple[int, ...]] = {
    # auth
    ("POST", "/api/auth/v1/register"): (403, 409),  # registration_disabled; login taken
    ("POST", "/api/auth/v1/login"): (401, 403),  # bad credentials; deactivated
    ("POST", "/api/auth/v1/login/social/telegram"): (401, 403, 409),
    ("POST", "/api/auth/v1/account/socials/telegram"): (403, 409),
    ("DELETE", "/api/auth/v1/account/socials/telegram"): (404, 409),
    ("POST", "/api/auth/v1/refresh"): (401,),
    ("POST", "/api/auth/v1/change-password"): (403, 409),  # wrong current; same password
    ("POST", "/api/auth/v1/request-verification"): (409,),
    # backend: configs and the panel
    ("GET", "/api/backend/v1/client/configs/by-type/{config_type}"): (409, *_PANEL),
    ("POST", "/api/backend/v1/client/configs/{config_id}/renew"): (409,),
    ("POST", "/api/backend/v1/client/configs/{config_id}/update-limits"): (409,),
    ("GET", "/sub/{sub_token}"): _PANEL,
    # admin
    ("POST", "/api/admin/v1/configs/{config_id}/time/add"): _PANEL,
    ("POST", "/api/admin/v1/configs/{config_id}/time/remove"): _PANEL,
    ("POST", "/api/admin/v1/configs/{config_id}/limits"): _PANEL,
    ("POST", "/api/admin/v1/configs/{config_id}/reset-traffic"): _PANEL,
    ("POST", "/api/admin/v1/configs/{config_id}/enabled"): _PANEL,
    ("GET", "/api/admin/v1/xui/inbounds"): _PANEL,
    ("POST", "/api/admin/v1/xui/sync"): _PANEL,
    ("POST", "/api/admin/v1/requests/{request_id}/apply"): (409, *_PANEL),
    ("POST", "/api/admin/v1/requests/{request_id}/deny"): (409, *_PANEL),
    ("PATCH", "/api/admin/v1/users/{user_id}/role"): (409,),  # the last superuser
    ("POST", "/api/admin/v1/users/{user_id}/deactivate"): (409, *_PANEL),
    ("POST", "/api/admin/v1/users/{user_id}/reactivate"): _PANEL,
    ("POST", "/api/admin/v1/notifications/{notification_id}/resend"): (409,),
    # Telegram's webhook: 404 while Telegram is off, 401 for a wrong secret token; the body
    # is read raw (no declared request body), so the size limit applies too.
    ("POST", "/api/telegram/webhook"): (400, 401, 404, 413),
}


def extra_statuses() -> dict[tuple[str, str], tuple[int, ...]]:
    """The hand-kept part of the error documentation (for the consistency test)."""
    return dict(_EXTRA)


class _Route(Protocol):
    """What the error documentation reads of a route (an `APIRoute` or FastAPI's view of
    one inside an included router)."""

    path: str
    path_format: str  # the path without convertors (`{id:uuid}` -> `{id}`), as in the schema
    methods: set[str]
    include_in_schema: bool
    dependant: Dependant


def api_routes(routes: Sequence[BaseRoute]) -> Iterator[_Route]:
    """The API routes the schema is generated from, with their full paths.

    Newer FastAPI keeps included routers lazily (`app.routes` holds the routers, not their
    routes) and walks them with `iter_route_contexts` when it builds the schema; older
    FastAPI has every `APIRoute` in `app.routes`.
    """
    iterate = getattr(routing, "iter_route_contexts", None)
    if iterate is None:
        yield from (cast(_Route, route) for route in routes if isinstance(route, APIRoute))
        return
    for context in iterate(routes):
        if isinstance(context.original_route, APIRoute):
            yield cast(_Route, context)


def _tree(dependant: Dependant) -> Iterable[Dependant]:
    yield dependant
    for dependency in dependant.dependencies:
        yield from _tree(dependency)


def _is_role_guard(call: Callable[..., Any]) -> bool:
    return getattr(call, "__qualname__", "").startswith(deps.require_role.__qualname__ + ".")


def error_statuses(route: _Route, method: str) -> set[int]:
    """The error statuses `route` can answer with (see the module docstring)."""
    tree = list(_tree(route.dependant))
    calls = [dependant.call for dependant in tree[1:] if dependant.call is not None]
    in_path = any(dependant.path_params for dependant in tree)
    body = any(dependant.body_params for dependant in tree)
    other = any(dependant.query_params or dependant.header_params for dependant in tree)
    statuses = {500}
    if deps.get_principal in calls:
        statuses.add(401)
    if deps.require_verified in calls or any(_is_role_guard(call) for call in calls):
        statuses.add(403)
    if in_path:
        statuses.add(404)
    if body:
        statuses.update((400, 413))
    if in_path or body or other:
        statuses.add(422)
    path = route.path_format
    if path.startswith(("/api/", "/sub/")) and path != "/api/app/v1/health":
        statuses.add(429)
    if _STORAGE.intersection(calls) and (method, path) not in _OUTAGE_IN_BODY:
        statuses.add(503)
    statuses.update(_EXTRA.get((method, path), ()))
    return statuses


def _error_response(status: int) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": _DESCRIPTIONS[status],
        "content": {"application/json": {"schema": {"$ref": _REF}}},
    }
    if status in _HEADERS:
        response["headers"] = _HEADERS[status]
    return response


def document_errors(schema: dict[str, Any], routes: Sequence[BaseRoute]) -> None:
    """Add the envelope and each operation's error responses to `schema` (in place)."""
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components["ErrorBody"] = _ERROR_BODY
    components[ENVELOPE] = _ENVELOPE_SCHEMA
    for route in api_routes(routes):
        if not route.include_in_schema:
            continue
        for method in route.methods:
            operation = schema.get("paths", {}).get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(error_statuses(route, method)):
                if status == 422:  # FastAPI's own 422 describes a body RayPort never sends
                    responses["422"] = _error_response(status)
                else:  # a route that documents a status itself knows better
                    responses.setdefault(str(status), _error_response(status))
    # Nothing refers to FastAPI's validation error schemas any more.
    for name in ("HTTPValidationError", "ValidationError"):
        components.pop(name, None)


def install_openapi(app: FastAPI) -> None:
    """Make `app.openapi()` return the schema with the errors documented (built once)."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document_errors(generate(), app.routes)
        assert app.openapi_schema is not None
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
