"""The API's edge, as one pure ASGI middleware (one layer instead of five on every request):
request id and client address, the in-flight cap, the body size limit, the global rate limit,
security headers, the access log and metrics, and the 500/503 envelope of last resort.

Pure ASGI, not BaseHTTPMiddleware, and a single layer: on the authenticated hot path each
extra middleware layer (a coroutine frame, a `send` wrapper, a `Headers` parse) is a few
per cent of the request.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rayport.api.client_ip import resolve_client_ip
from rayport.api.errors import error_response
from rayport.api.ratelimit import RateLimiter
from rayport.db.engine import is_connection_error
from rayport.errors import AppError
from rayport.logging import request_id_var
from rayport.metrics import observe_request
from rayport.settings import Settings

logger = logging.getLogger("rayport.access")
error_logger = logging.getLogger("rayport.errors")

_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_HEALTH = "/api/app/v1/health"

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
_SECURITY_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"strict-origin-when-cross-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)
_CSP_HEADER = (b"content-security-policy", _CSP.encode())
_HSTS_HEADER = (b"strict-transport-security", b"max-age=31536000; includeSubDomains")


class EdgeMiddleware:
    """Everything the API does around a request before and after the router.

    Order inside: request id → in-flight cap → body size (Content-Length) → global rate
    limit → the app, with one `send` wrapper adding the request id and security headers.
    """

    def __init__(self, app: ASGIApp, settings: Settings, limiter: RateLimiter) -> None:
        self.app = app
        self.trusted = settings.trusted_proxy_networks
        self.metrics = settings.metrics.enabled  # issue #8: request metrics
        self.max_bytes = settings.max_body_bytes
        self.limiter = limiter
        # The response headers every answer gets, built once (the docs page without the CSP:
        # Swagger UI loads its assets from a CDN); the request id is added per request.
        common = _SECURITY_HEADERS + ((_HSTS_HEADER,) if settings.is_production else ())
        self.headers = (*common, _CSP_HEADER)
        self.docs_headers = common
        # Overload: past this many requests in this process, answer 503 at once instead of
        # queueing work nobody will wait for (issue #9; measured in bench/overload.py).
        self.max_in_flight = settings.max_in_flight
        self.in_flight = 0

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
        state = scope.setdefault("state", {})
        state["client_ip"] = client_ip
        state["request_id"] = request_id
        path: str = scope["path"]
        started = time.perf_counter()
        status = 500
        response_started = False
        extra_headers = (
            *(self.docs_headers if path.startswith("/api/docs") else self.headers),
            (b"x-request-id", request_id.encode()),
        )

        async def send_wrapper(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                raw = message.setdefault("headers", [])
                present = {name.lower() for name, _ in raw}
                raw.extend(item for item in extra_headers if item[0] not in present)
            await send(message)

        counted = path != _HEALTH
        if counted:
            self.in_flight += 1
        try:
            if counted and self.in_flight > self.max_in_flight:
                response = error_response(
                    503,
                    "overloaded",
                    "The server is busy, try again shortly",
                    headers={"Retry-After": "1"},
                )
                await response(scope, receive, send_wrapper)
                return
            early = await self._refuse_early(headers, path, client_ip)
            if early is not None:
                await early(scope, receive, send_wrapper)
                return
            await self.app(scope, self._limited(receive), send_wrapper)
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
            if counted:
                self.in_flight -= 1
            route = scope.get("route")
            elapsed = time.perf_counter() - started
            if logger.isEnabledFor(logging.INFO):
                logger.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        # The route template, never the raw path: /sub/{token} holds a secret.
                        "route": getattr(route, "path", None) or _safe_path(path),
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                        "client_ip": client_ip,
                    },
                )
            if self.metrics:  # issue #8: unmatched paths get one label, never the raw path
                observe_request(scope["method"], getattr(route, "path", None), status, elapsed)
            request_id_var.reset(token)

    async def _refuse_early(
        self, headers: Headers, path: str, client_ip: str | None
    ) -> JSONResponse | None:
        """413 by Content-Length, 429 by the global per-IP limit; None to go on."""
        length = headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return error_response(
                413,
                "payload_too_large",
                "The request body is too large",
                {"max_bytes": self.max_bytes},
            )
        # The global limit covers API and subscription calls, not static files or health.
        if (path.startswith("/api/") or path.startswith("/sub/")) and path != _HEALTH:
            try:
                await self.limiter.hit(
                    self.limiter.default, "global", client_ip or "unknown", client_ip
                )
            except AppError as exc:
                return error_response(
                    exc.status_code, exc.code, exc.message, exc.details, exc.headers
                )
        return None

    def _limited(self, receive: Receive) -> Receive:
        """`receive` that refuses a body growing past the limit while it streams in."""
        received = 0
        max_bytes = self.max_bytes

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise HTTPException(413, "The request body is too large")
            return message

        return limited_receive


def _safe_path(path: str) -> str:
    if path.startswith("/sub/"):
        return "/sub/{token}"
    return path[:200]
