"""Pure ASGI middleware: request context and last-resort errors, body size, rate limit,
security headers. Pure ASGI (not BaseHTTPMiddleware) keeps them cheap on the hot path."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rayport.api.client_ip import resolve_client_ip
from rayport.api.errors import error_response
from rayport.db.engine import is_connection_error
from rayport.errors import AppError
from rayport.logging import request_id_var
from rayport.metrics import observe_request
from rayport.settings import Settings

logger = logging.getLogger("rayport.access")
error_logger = logging.getLogger("rayport.errors")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestContextMiddleware:
    """Request id, client address, access log, and the 500/503 envelope of last resort."""

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.trusted = settings.trusted_proxy_networks
        self.metrics = settings.metrics.enabled  # issue #8: request metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        incoming = headers.get("x-request-id", "")
        request_id = incoming if _REQUEST_ID_RE.fullmatch(incoming) else uuid.uuid4().hex
        token = request_id_var.set(request_id)
        peer = scope["client"][0] if scope.get("client") else None
        client_ip = resolve_client_ip(peer, headers.get("x-forwarded-for"), self.trusted)
        scope.setdefault("state", {})["client_ip"] = client_ip
        scope["state"]["request_id"] = request_id
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                MutableHeaders(scope=message).append("X-Request-ID", request_id)
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        except Exception as exc:
            if response_started:
                raise
            if is_connection_error(exc):
                error_logger.warning("database unavailable", extra={"error": type(exc).__name__})
                response = error_response(
                    503,
                    "service_unavailable",
                    "The service is temporarily unavailable, try again shortly",
                    headers={"Retry-After": "2"},
                )
            else:
                error_logger.exception("unhandled error")
                response = error_response(
                    500, "internal_error", "Internal error", {"request_id": request_id}
                )
            await response(scope, receive, send_wrapper)
        finally:
            route = scope.get("route")
            elapsed = time.perf_counter() - started
            logger.info(
                "request",
                extra={
                    "method": scope["method"],
                    # The route template, never the raw path: /sub/{token} holds a secret.
                    "route": getattr(route, "path", None) or _safe_path(scope["path"]),
                    "status": status,
                    "duration_ms": round(elapsed * 1000, 2),
                    "client_ip": client_ip,
                },
            )
            if self.metrics:  # issue #8: unmatched paths get one label, never the raw path
                observe_request(scope["method"], getattr(route, "path", None), status, elapsed)
            request_id_var.reset(token)


def _safe_path(path: str) -> str:
    if path.startswith("/sub/"):
        return "/sub/{token}"
    return path[:200]


class BodySizeLimitMiddleware:
    """413 for bodies over the limit, by Content-Length or while streaming."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            response = error_response(
                413,
                "payload_too_large",
                "The request body is too large",
                {"max_bytes": self.max_bytes},
            )
            await response(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, "The request body is too large")
            return message

        await self.app(scope, limited_receive, send)


class RateLimitMiddleware:
    """The global per-IP limit on API and subscription calls (not on static files)."""

    def __init__(self, app: ASGIApp, limiter: Any) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path.startswith("/api/") or path.startswith("/sub/")):
            await self.app(scope, receive, send)
            return
        if path == "/api/app/v1/health":
            await self.app(scope, receive, send)
            return
        ip = scope.get("state", {}).get("client_ip")
        try:
            await self.limiter.hit(self.limiter.default, "global", ip or "unknown", ip)
        except AppError as exc:
            response = error_response(
                exc.status_code, exc.code, exc.message, exc.details, exc.headers
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


# Telegram opens the Mini App in an iframe on web.telegram.org; the Login Widget loads its
# script from telegram.org and frames oauth.telegram.org.
_CSP = (
    "default-src 'self'; script-src 'self' https://telegram.org; "
    "style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob: https://*.telegram.org https://t.me; "
    "connect-src 'self'; frame-src https://oauth.telegram.org; "
    "frame-ancestors 'self' https://web.telegram.org https://*.telegram.org; "
    "base-uri 'self'; form-action 'self'; object-src 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.hsts = settings.is_production

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = scope.get("path", "").startswith("/api/docs")

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
                headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
                if not docs:  # Swagger UI loads its assets from a CDN
                    headers.setdefault("Content-Security-Policy", _CSP)
                if self.hsts:
                    headers.setdefault(
                        "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
                    )
            await send(message)

        await self.app(scope, receive, send_wrapper)
