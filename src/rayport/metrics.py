"""Prometheus metrics of every RayPort process.

The metric objects live here so that any process can update them: the API records its
requests (`observe_request`, called by `RequestContextMiddleware`) and its 3X-UI calls
(`instrument_panel_client`, applied by `Panel`); the notifier records its sends
(`record_send`) and queue depth (`set_queue_depth`). Nothing here imports the rest of
RayPort at module level, so every layer may import it.

Exposition (see ``docs/operations.md``, "Metrics"):

* API: ``GET /metrics`` (`metrics_endpoint`), mounted only when ``METRICS_ENABLED=true`` and
  answered only with ``Authorization: Bearer <METRICS_TOKEN>``. Each scrape also reads the
  notifier's heartbeat and the last 3X-UI sync report from the shared cache, so the queue
  depth and the sync drift are visible without scraping the notifier at all.
* notifier (a process without an HTTP server): `start_metrics_server` serves the same
  text with the same token check on ``NOTIFIER_METRICS_PORT``.
* Several uvicorn workers in one process group: set ``PROMETHEUS_MULTIPROC_DIR`` to an
  empty directory and `render` aggregates the workers (prometheus-client's multiprocess
  mode). One worker per container, scaled by replicas, needs nothing.
"""

from __future__ import annotations

import functools
import hmac
import logging
import math
import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    make_wsgi_app,
)
from prometheus_client.exposition import ThreadingWSGIServer
from starlette.requests import Request  # at run time: FastAPI reads the endpoint's signature
from starlette.responses import Response

if TYPE_CHECKING:
    from wsgiref.types import StartResponse, WSGIEnvironment

    from rayport.cache import Cache
    from rayport.settings import MetricsSettings

logger = logging.getLogger(__name__)

UNMATCHED_ROUTE = "unmatched"
"""Route label of requests no route matched (404s, rejections before routing): raw paths
would make one series per URL, and `/sub/{token}` paths hold secrets."""

# --- HTTP (API) -----------------------------------------------------------------------------

HTTP_REQUESTS = Counter(
    "rayport_http_requests_total",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
)
HTTP_DURATION = Histogram(
    "rayport_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route template and status code.",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
AUTH_FAILURES = Counter(
    "rayport_auth_failures_total",
    "Requests answered 401 (wrong password, bad or expired token, ended session), by route.",
    ["route"],
)
RATE_LIMITED = Counter(
    "rayport_rate_limit_rejections_total",
    "Requests answered 429 by a rate limit, by route (`unmatched`: the global per-IP limit, "
    "which answers before routing).",
    ["route"],
)

# --- 3X-UI panel ----------------------------------------------------------------------------

PANEL_OPERATIONS = (
    "status",
    "list_inbounds",
    "get_inbound",
    "add_client",
    "update_client",
    "delete_client",
    "get_client",
    "get_client_traffic",
    "list_client_traffic",
    "reset_client_traffic",
)
PANEL_DURATION = Histogram(
    "rayport_panel_call_duration_seconds",
    "Duration of XuiClient operations (retries and re-logins included), by operation.",
    ["operation"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
PANEL_ERRORS = Counter(
    "rayport_panel_call_errors_total",
    "Failed XuiClient operations, by operation and kind (unavailable: unreachable, timeout "
    "or 5xx; refused: the panel answered with an error).",
    ["operation", "kind"],
)

# --- notifier -------------------------------------------------------------------------------

NOTIFIER_SENDS = Counter(
    "rayport_notifier_sends_total",
    "Notification deliveries by channel and outcome (recorded by the notifier process).",
    ["channel", "outcome"],
)
NOTIFIER_UP = Gauge(
    "rayport_notifier_up",
    "1 when some notifier's last heartbeat is fresh (within two periods), else 0.",
    multiprocess_mode="mostrecent",
)
NOTIFIER_HEARTBEAT_AGE = Gauge(
    "rayport_notifier_heartbeat_age_seconds",
    "Seconds since the last notifier heartbeat (NaN: none).",
    multiprocess_mode="mostrecent",
)
NOTIFIER_QUEUE_DUE = Gauge(
    "rayport_notifier_queue_due",
    "Notifications due for delivery now, as of the last heartbeat (NaN: unknown).",
    multiprocess_mode="mostrecent",
)
NOTIFIER_QUEUE_UNDELIVERED = Gauge(
    "rayport_notifier_queue_undelivered",
    "Notifications not yet delivered (due or waiting for a retry), as of the last heartbeat.",
    multiprocess_mode="mostrecent",
)
NOTIFIER_RECENT_FAILURES = Gauge(
    "rayport_notifier_recent_failures",
    "Failed sends and jobs in the last 15 minutes of the worker that wrote the last beat.",
    multiprocess_mode="mostrecent",
)

# --- 3X-UI sync drift -----------------------------------------------------------------------

SYNC_OK = Gauge(
    "rayport_xui_sync_ok",
    "1 when the last 3X-UI bulk sync completed, 0 when it failed (NaN: never ran).",
    multiprocess_mode="mostrecent",
)
SYNC_AGE = Gauge(
    "rayport_xui_sync_age_seconds",
    "Seconds since the last 3X-UI bulk sync (NaN: never ran).",
    multiprocess_mode="mostrecent",
)
SYNC_DRIFT = Gauge(
    "rayport_xui_sync_drift",
    "Drift found by the last 3X-UI sync: configs missing on the panel, panel clients "
    "unknown to RayPort, configs repaired (written back to the panel).",
    ["kind"],
    multiprocess_mode="mostrecent",
)
SYNC_DRIFT_KINDS = ("missing_on_panel", "unknown_to_rayport", "repaired")


# --- recording ------------------------------------------------------------------------------


def observe_request(method: str, route: str | None, status: int, duration_sec: float) -> None:
    """Count one answered request. ``route`` is the route template (None: no route)."""
    label = route or UNMATCHED_ROUTE
    code = str(status)
    HTTP_REQUESTS.labels(method, label, code).inc()
    HTTP_DURATION.labels(method, label, code).observe(duration_sec)
    if status == 401:
        AUTH_FAILURES.labels(label).inc()
    elif status == 429:
        RATE_LIMITED.labels(label).inc()


def record_send(channel: str, outcome: str) -> None:
    """One delivery result of the notifier (channel ``telegram``/``email``/``in_app``, or
    ``none`` when no channel was reached; outcome ``sent``/``failed``/...)."""
    NOTIFIER_SENDS.labels(channel or "none", outcome).inc()


def set_queue_depth(due: int | None, undelivered: int | None) -> None:
    """The notification queue as the notifier last measured it (None: unknown)."""
    NOTIFIER_QUEUE_DUE.set(math.nan if due is None or due < 0 else due)
    NOTIFIER_QUEUE_UNDELIVERED.set(
        math.nan if undelivered is None or undelivered < 0 else undelivered
    )


def _panel_error_kind(exc: BaseException) -> str | None:
    from rayport.errors import XuiError, XuiUnavailable

    if isinstance(exc, XuiUnavailable):
        return "unavailable"
    if isinstance(exc, XuiError):
        return "refused"
    return None


def _timed(operation: str, call: Callable[..., Awaitable[Any]]) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(call)
    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            result = await call(*args, **kwargs)
        except Exception as exc:
            kind = _panel_error_kind(exc)
            if kind is not None:
                PANEL_ERRORS.labels(operation, kind).inc()
            raise
        finally:
            PANEL_DURATION.labels(operation).observe(time.perf_counter() - started)
        if operation == "status" and not getattr(result, "ok", True):  # status never raises
            kind = "refused" if getattr(result, "reachable", False) else "unavailable"
            PANEL_ERRORS.labels(operation, kind).inc()
        return result

    return wrapper


def instrument_panel_client(client: object) -> None:
    """Time every operation of one `XuiClient` instance and count its failures.

    The instance's bound methods are wrapped in place (idempotent), so callers that use
    ``panel.client`` directly are measured too, and the client class stays untouched.
    """
    if getattr(client, "_rayport_metrics", False):
        return
    for operation in PANEL_OPERATIONS:
        setattr(client, operation, _timed(operation, getattr(client, operation)))
    client._rayport_metrics = True  # type: ignore[attr-defined]


# --- exposition -----------------------------------------------------------------------------


def render() -> tuple[bytes, str]:
    """The metrics text and its content type (aggregated over processes in multiprocess
    mode, i.e. when ``PROMETHEUS_MULTIPROC_DIR`` is set)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def _age(at: str | datetime, now: datetime) -> float:
    moment = datetime.fromisoformat(at) if isinstance(at, str) else at
    return max(0.0, (now - moment).total_seconds())


async def refresh_shared_state(cache: Cache) -> None:
    """Set the notifier and sync gauges from what the notifier left in the shared cache
    (its heartbeat, the last sync report). A cache that does not answer leaves NaN."""
    from rayport.cache import CacheUnavailable
    from rayport.notifier.heartbeat import NotifierState, read_heartbeat
    from rayport.xui.sync import load_report

    now = datetime.now(UTC)
    try:
        heartbeat = await read_heartbeat(cache)
    except CacheUnavailable:
        heartbeat = None
    if heartbeat is None:
        NOTIFIER_UP.set(0)
        for gauge in (NOTIFIER_HEARTBEAT_AGE, NOTIFIER_RECENT_FAILURES):
            gauge.set(math.nan)
        set_queue_depth(None, None)
    else:
        NOTIFIER_UP.set(1 if heartbeat.state(now) is NotifierState.ok else 0)
        NOTIFIER_HEARTBEAT_AGE.set(_age(heartbeat.at, now))
        NOTIFIER_RECENT_FAILURES.set(heartbeat.recent_failures)
        set_queue_depth(heartbeat.queue_due, heartbeat.queue_undelivered)

    try:
        report = await load_report(cache)  # None also when the cache does not answer
    except (ValueError, TypeError):  # a report written by another release
        report = None
    if report is None:
        SYNC_OK.set(math.nan)
        SYNC_AGE.set(math.nan)
        for kind in SYNC_DRIFT_KINDS:
            SYNC_DRIFT.labels(kind).set(math.nan)
        return
    SYNC_OK.set(1 if report.ok else 0)
    SYNC_AGE.set(_age(report.at, now))
    SYNC_DRIFT.labels("missing_on_panel").set(len(report.missing_on_panel))
    SYNC_DRIFT.labels("unknown_to_rayport").set(len(report.unknown_to_rayport))
    SYNC_DRIFT.labels("repaired").set(len(report.repaired))


def _bearer(token: str) -> bytes:
    return f"Bearer {token}".encode()


def _authorized(header: str | None, expected: bytes) -> bool:
    return hmac.compare_digest((header or "").encode("latin-1", "replace"), expected)


def metrics_endpoint(
    settings: MetricsSettings, cache: Cache
) -> Callable[[Request], Awaitable[Response]]:
    """The API's ``GET /metrics``: 401 (`not_authenticated`) without the bearer token."""
    from rayport.errors import NotAuthenticated

    assert settings.token is not None, "METRICS_ENABLED requires METRICS_TOKEN"
    expected = _bearer(settings.token.get_secret_value())

    async def endpoint(request: Request) -> Response:
        if not _authorized(request.headers.get("authorization"), expected):
            raise NotAuthenticated("The metrics need the METRICS_TOKEN bearer token")
        try:
            await refresh_shared_state(cache)
        except Exception:  # the request metrics must still be served
            logger.warning("metrics: notifier and sync state not read", exc_info=True)
        body, content_type = render()
        return Response(body, media_type=content_type)

    return endpoint


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Scrapes are not worth a log line each."""


def start_metrics_server(
    settings: MetricsSettings,
    *,
    host: str = "0.0.0.0",  # noqa: S104 - reached over the compose network, not published
    port: int | None = None,
) -> WSGIServer | None:
    """Serve this process's metrics on ``port`` (default ``NOTIFIER_METRICS_PORT``) in a
    daemon thread, with the same bearer-token check as the API. Returns the server (call
    ``shutdown()`` to stop it), or None when metrics are off or no port is configured.

    For processes without an HTTP server of their own — the notifier. Listens on every
    interface by default so a scraper on the compose network can reach it; publish no
    host port for it.
    """
    port = port if port is not None else settings.notifier_port
    if not settings.enabled or port is None:
        return None
    assert settings.token is not None, "METRICS_ENABLED requires METRICS_TOKEN"
    expected = _bearer(settings.token.get_secret_value())
    inner = make_wsgi_app()

    def app(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        if not _authorized(environ.get("HTTP_AUTHORIZATION"), expected):
            start_response(
                "401 Unauthorized",
                [("Content-Type", "text/plain"), ("WWW-Authenticate", "Bearer")],
            )
            return [b"The metrics need the METRICS_TOKEN bearer token\n"]
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            body, content_type = render()
            start_response("200 OK", [("Content-Type", content_type)])
            return [body]
        body_parts: Iterable[bytes] = inner(environ, start_response)
        return body_parts

    server = make_server(host, port, app, ThreadingWSGIServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="metrics-server", daemon=True)
    thread.start()
    logger.info("metrics served", extra={"port": server.server_port})
    return server
