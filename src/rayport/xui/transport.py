"""The HTTP session with a 3X-UI panel: era probe, authentication, CSRF, retries.

Everything here is dialect-neutral; ``rayport.xui.dialects`` decides which routes to call.
Rules (CONTRACT §3, §4, §9):

- one ``httpx.AsyncClient``, redirects never followed, ``X-Requested-With`` always sent;
- the era is probed once (``csrf-token`` answers → v3; ``clients`` API answers → v3.1+)
  and cached for the life of the object;
- Bearer token when configured and the panel is v3 (token wins), else cookie login with
  a CSRF token on v3; a failed login is not retried for ``login_cooldown`` seconds so
  RayPort never trips the panel's 5-failures lockout;
- 401/404/3xx from a route the era has → log in again (once, under a lock, so concurrent
  callers that all saw the expiry log in once) and retry once; an empty 403 on a v3
  cookie POST → fetch a new CSRF token and retry once;
- success is read from the JSON envelope only; ``success:false`` → ``XuiError`` with the
  panel's message; connection errors, timeouts and 5xx → ``XuiUnavailable``;
- only reads are retried on ``XuiUnavailable`` (a bounded number of times, short
  exponential backoff); a write that timed out may or may not have been applied, so it
  is reported, never repeated.

Messages never contain the panel URL: its web base path is a secret of the operator.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import re
import ssl
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, TypeVar

import httpx

from rayport.errors import XuiError, XuiUnavailable
from rayport.xui.models import Era

logger = logging.getLogger(__name__)

_T = TypeVar("_T")

# Answers that mean "this request was not authenticated" on a route the era has: 3xx
# (eras A-B without the XHR header, or a proxy's login redirect), 401 (A-B with XHR,
# v3.0.2+ with XHR), bare 404 (v2.8.4+).
_AUTH_LOST = frozenset({301, 302, 303, 307, 308, 401, 404})
# Any email works; the clients API answers `success:true, obj:null` for unknown ones.
_ERA_PROBE_ROUTE = "panel/api/clients/traffic/rayport-era-probe"
_STATUS_ROUTE = "panel/api/server/status"


def clean_panel_message(msg: Any) -> str:
    """The panel's ``msg`` without its println quirks: ``"x (Duplicate email: a\\n)"`` →
    ``"x (Duplicate email: a)"``; other line breaks become spaces."""
    text = msg if isinstance(msg, str) else ""
    text = re.sub(r"\s*\n\s*\)", ")", text)
    text = re.sub(r"\s*\n\s*", " ", text)
    return text.strip()


class _AuthMode(enum.Enum):
    COOKIE = "cookie"
    BEARER = "bearer"


class RouteMissing(XuiUnavailable):
    """A route the cached era should have answered 404 right after a fresh login.

    The panel was most likely upgraded under us; the era is forgotten so the next call
    probes again. Never retried in place (the same route would fail the same way).
    """


class PanelTransport:
    """Authenticated JSON calls to one panel. Safe for concurrent use on one event loop."""

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        api_token: str | None,
        timeout: float,
        read_retries: int,
        retry_backoff: float,
        login_cooldown: float,
        verify_tls: bool | ssl.SSLContext,
        http_client: httpx.AsyncClient | None,
        transport: httpx.AsyncBaseTransport | None,
    ) -> None:
        try:
            url = httpx.URL(base_url)
        except httpx.InvalidURL as exc:
            raise ValueError("the 3X-UI URL is not a valid URL") from exc
        if url.scheme not in {"http", "https"} or not url.host:
            raise ValueError("the 3X-UI URL must be http(s)://host[:port]/<web base path>/")
        # CONTRACT §2: every route lives under the web base path, which ends with '/'.
        self._base = str(url.copy_with(query=None, fragment=None)).rstrip("/") + "/"
        self._username = username
        self._password = password
        self._api_token = api_token or None
        self._timeout = httpx.Timeout(timeout)
        self._read_retries = max(0, read_retries)
        self._retry_backoff = max(0.0, retry_backoff)
        self._login_cooldown = login_cooldown
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(
            transport=transport, verify=verify_tls, follow_redirects=False
        )
        self._default_headers = {
            "X-Requested-With": "XMLHttpRequest",
            "Accept": "application/json",
        }

        self._lock = asyncio.Lock()
        self._era: Era | None = None
        self._ready = False
        self._mode = _AuthMode.COOKIE
        self._csrf_required = False
        self._csrf_token: str | None = None
        # Bumped on every (re)login / CSRF refresh; a caller that saw an auth failure
        # under generation g only re-authenticates if nobody else did since g.
        self._generation = 0
        self._login_blocked_until = 0.0
        self._login_error = ""

    @property
    def era(self) -> Era | None:
        return self._era

    async def aclose(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    # --- public calls ------------------------------------------------------------------

    async def ensure_ready(self, *, retry: bool = True) -> Era:
        """Probe the era and authenticate if not done yet; returns the era.

        Connecting only reads and logs in, so it is retried like a read (``retry``).
        Raises XuiUnavailable (panel down) or XuiError (credentials refused, wrong URL).
        """
        era = self._era
        if era is not None and self._ready:
            return era
        return await self._with_retries("connect", self._connect_once, read=retry)

    async def _connect_once(self) -> Era:
        async with self._lock:
            if self._era is None or not self._ready:
                await self._connect()
            assert self._era is not None
            return self._era

    async def call(
        self,
        method: str,
        route: str,
        *,
        read: bool,
        json_body: Any = None,
    ) -> Any:
        """One panel API call; returns the envelope's ``obj``.

        ``read=True`` marks an idempotent read: it is retried on XuiUnavailable up to
        ``read_retries`` times. Writes are sent once (plus the auth/CSRF retry, which is
        safe because the panel rejected the first attempt before running the handler).
        Raises XuiUnavailable, XuiError.
        """
        return await self._with_retries(
            f"{method} {route}", lambda: self._call_once(method, route, json_body), read=read
        )

    async def _with_retries(
        self, what: str, operation: Callable[[], Awaitable[_T]], *, read: bool
    ) -> _T:
        attempts = 1 + (self._read_retries if read else 0)
        attempt = 0
        while True:
            attempt += 1
            try:
                return await operation()
            except RouteMissing:
                raise
            except XuiUnavailable as exc:
                if attempt >= attempts:
                    raise
                delay = self._retry_backoff * 2 ** (attempt - 1)
                logger.info(
                    "3X-UI %s unavailable (%s); retry %d/%d in %.2fs",
                    what,
                    (exc.details or {}).get("reason"),
                    attempt,
                    attempts - 1,
                    delay,
                )
                await asyncio.sleep(delay)

    async def server_status(self) -> Mapping[str, Any] | None:
        """``panel/api/server/status`` (v2.7+), or None where the panel has no such route.

        Proves the session works: an expired session is renewed once. Raises
        XuiUnavailable / XuiError like ``call``.
        """
        await self.ensure_ready(retry=False)
        generation = self._generation
        response = await self._send("GET", _STATUS_ROUTE)
        if response.status_code in _AUTH_LOST:
            await self._reauthenticate(generation)
            response = await self._send("GET", _STATUS_ROUTE)
        if response.status_code != 200:
            return None  # eras A-B before v2.7 have no such route
        obj = self._unwrap(response)
        return obj if isinstance(obj, Mapping) else None

    # --- request plumbing ----------------------------------------------------------------

    async def _call_once(self, method: str, route: str, json_body: Any) -> Any:
        # XuiClient connected (with retries) before choosing the dialect; this only
        # matters after RouteMissing made the era be probed again.
        await self.ensure_ready(retry=False)
        relogged = csrf_refreshed = False
        while True:
            generation = self._generation
            response = await self._send(method, route, json_body=json_body)
            status = response.status_code
            if status in _AUTH_LOST:
                if relogged:
                    self._forget_era()
                    raise RouteMissing(
                        "The VPN panel does not offer this operation any more; "
                        "RayPort will re-detect its version on the next call",
                        details={"reason": "route_missing", "status": status},
                    )
                relogged = True
                await self._reauthenticate(generation)
                continue
            if (
                status == 403
                and not response.content
                and method != "GET"
                and self._mode is _AuthMode.COOKIE
                and self._csrf_required
                and not csrf_refreshed
            ):
                csrf_refreshed = True
                await self._refresh_csrf(generation)
                continue
            return self._unwrap(response)

    async def _send(
        self,
        method: str,
        route: str,
        *,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
    ) -> httpx.Response:
        headers = dict(self._default_headers)
        if self._mode is _AuthMode.BEARER and self._api_token and route.startswith("panel/api/"):
            headers["Authorization"] = f"Bearer {self._api_token}"
        elif method != "GET" and self._csrf_token:
            headers["X-CSRF-Token"] = self._csrf_token
        try:
            response = await self._http.request(
                method,
                self._base + route,
                json=json_body,
                data=form,
                headers=headers,
                timeout=self._timeout,
                follow_redirects=False,
            )
        except httpx.TimeoutException as exc:
            raise XuiUnavailable(
                "The VPN panel did not answer in time, try again later",
                details={"reason": "timeout"},
            ) from exc
        except httpx.HTTPError as exc:
            logger.warning("3X-UI %s %s failed: %s", method, route, type(exc).__name__)
            raise XuiUnavailable(details={"reason": "unreachable"}) from exc
        if response.status_code >= 500:
            logger.warning("3X-UI %s %s answered HTTP %d", method, route, response.status_code)
            raise XuiUnavailable(details={"reason": "server_error", "status": response.status_code})
        return response

    @staticmethod
    def _unwrap(response: httpx.Response) -> Any:
        """The envelope's ``obj``; XuiError when ``success`` is not true."""
        status = response.status_code
        try:
            data = response.json() if response.content else None
        except ValueError:
            data = None
        if not isinstance(data, dict) or "success" not in data:
            if status == 200:
                raise XuiError(
                    "The VPN panel answered with something that is not its JSON API",
                    details={"status": status},
                )
            raise XuiError(
                f"The VPN panel refused the request (HTTP {status})", details={"status": status}
            )
        message = clean_panel_message(data.get("msg"))
        if data.get("success") is not True:
            obj = data.get("obj")
            details: dict[str, Any] = {"status": status}
            if obj is not None:
                details["panel_obj"] = obj
            raise XuiError(message or None, details=details)
        return data.get("obj")

    # --- authentication -----------------------------------------------------------------

    def _forget_era(self) -> None:
        self._era = None
        self._ready = False

    async def _connect(self) -> None:
        """Probe the era and authenticate. Caller holds the lock."""
        self._check_login_cooldown()
        token = await self._fetch_csrf_token()
        self._csrf_required = token is not None
        self._csrf_token = token
        if self._api_token and self._csrf_required:
            self._mode = _AuthMode.BEARER
            if not await self._bearer_accepted():
                self._fall_back_to_login("rejected")
                await self._login()
        else:
            if self._api_token:
                self._fall_back_to_login("not supported by 3X-UI v2")
            self._mode = _AuthMode.COOKIE
            await self._login()
        if not self._csrf_required:
            era = Era.V2
        else:
            era = Era.V3_1 if await self._has_clients_api() else Era.V3_0
        self._era = era
        self._ready = True
        self._generation += 1
        logger.info("3X-UI panel detected: %s, auth by %s", era.value, self._mode.value)

    def _fall_back_to_login(self, why: str) -> None:
        if not (self._username and self._password):
            raise XuiError(f"The VPN panel's API token is {why} and no username/password is set")
        logger.warning("3X-UI API token %s; using username/password instead", why)
        self._mode = _AuthMode.COOKIE

    async def _bearer_accepted(self) -> bool:
        # Every v3 panel has server/status; a wrong token falls through to the cookie
        # check and gets the unauthenticated answer (CONTRACT §3.3).
        response = await self._send("GET", _STATUS_ROUTE)
        if response.status_code in _AUTH_LOST:
            return False
        self._unwrap(response)
        return True

    async def _has_clients_api(self) -> bool:
        response = await self._send("GET", _ERA_PROBE_ROUTE)
        if response.status_code == 404:
            return False
        self._unwrap(response)
        return True

    async def _fetch_csrf_token(self) -> str | None:
        """The session's CSRF token on v3; None on v2 (no such route)."""
        response = await self._send("GET", "csrf-token")
        if response.status_code != 200:
            return None
        try:
            data = response.json()
        except ValueError:
            return None  # an HTML page: old v2 builds answer unknown routes that way
        if isinstance(data, dict) and data.get("success") is True:
            obj = data.get("obj")
            if isinstance(obj, str) and obj:
                return obj
        return None

    def _check_login_cooldown(self) -> None:
        remaining = self._login_blocked_until - time.monotonic()
        if remaining > 0:
            raise XuiError(
                self._login_error or None,
                details={"reason": "login_failed", "retry_after": int(remaining) + 1},
            )

    async def _login(self) -> None:
        """Cookie login (with the CSRF header on v3). Caller holds the lock."""
        if not (self._username and self._password):
            raise XuiError("The VPN panel needs a username and password (or a v3 API token)")
        self._check_login_cooldown()
        form = {"username": self._username, "password": self._password}
        response = await self._send("POST", "login", form=form)
        if response.status_code == 403 and self._csrf_required:
            # The token belongs to a session the panel no longer knows; get a fresh one.
            self._csrf_token = await self._fetch_csrf_token()
            response = await self._send("POST", "login", form=form)
        if response.status_code == 404:
            raise XuiError(
                "No 3X-UI login page at the configured panel URL; "
                "it must include the panel's web base path",
                details={"reason": "login_not_found"},
            )
        try:
            self._unwrap(response)
        except XuiError as exc:
            # Said as RayPort's problem: shown bare, the panel's "Invalid username or
            # password" would make an end user doubt their own password.
            message = f"The VPN panel refused RayPort's login: {exc.message}"
            self._login_blocked_until = time.monotonic() + self._login_cooldown
            self._login_error = message
            logger.warning("%s (not retried for %.0fs)", message, self._login_cooldown)
            raise XuiError(message, details={"reason": "login_failed"}) from exc
        self._login_blocked_until = 0.0

    async def _reauthenticate(self, generation: int) -> None:
        """Log in again unless another caller already did since ``generation``."""
        async with self._lock:
            if generation != self._generation:
                return
            if self._mode is _AuthMode.BEARER:
                self._fall_back_to_login("rejected")
            # Start from a clean jar: a stale session cookie is exactly what failed.
            self._http.cookies.clear()
            if self._csrf_required:
                self._csrf_token = await self._fetch_csrf_token()
            await self._login()
            self._generation += 1
            logger.info("3X-UI session renewed")

    async def _refresh_csrf(self, generation: int) -> None:
        async with self._lock:
            if generation != self._generation:
                return
            self._csrf_token = await self._fetch_csrf_token()
            self._generation += 1
