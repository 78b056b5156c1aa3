"""``XuiClient``: everything RayPort asks of a 3X-UI panel, whatever its version.

Callers never see the panel's era: the client probes it once (CONTRACT §9.1), then sends
each operation through the matching dialect (``rayport.xui.dialects``). Errors are only
``XuiUnavailable`` (unreachable, timeout, 5xx — retry later) and ``XuiError`` (the panel
answered and refused; ``message`` is the panel's own text); no httpx exception or parsing
error escapes. ``ValueError`` is raised for programming errors in the arguments.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Self, TypeVar

import httpx

from rayport.errors import XuiError, XuiUnavailable
from rayport.xui.dialects import ClientsDialect, Dialect, LegacyDialect
from rayport.xui.models import Client, ClientTraffic, Era, Inbound, PanelClient, PanelStatus
from rayport.xui.transport import PanelTransport, RouteMissing

logger = logging.getLogger(__name__)

_T = TypeVar("_T")


def select_inbound(inbounds: list[Inbound], remark: str) -> Inbound | None:
    """The inbound whose remark is ``remark`` (exact, else case-insensitive), or None.

    Raises XuiError when several match: users must not land on an arbitrary one.
    """
    matches = [i for i in inbounds if i.remark == remark]
    if not matches:
        wanted = remark.strip().casefold()
        matches = [i for i in inbounds if i.remark.strip().casefold() == wanted]
    if len(matches) > 1:
        ids = ", ".join(str(i.id) for i in matches)
        raise XuiError(
            f"Several VPN panel inbounds have the remark {remark!r} (ids {ids}); make it unique",
            details={"reason": "ambiguous_remark"},
        )
    return matches[0] if matches else None


class XuiClient:
    """An async client for one 3X-UI panel. Use as ``async with`` or call ``aclose()``.

    ``base_url`` includes the panel's web base path (``https://h:2053/k3J9xQ2mPaL7/``).
    ``api_token`` (v3.0+) wins over ``username``/``password``; the credentials are the
    fallback when the token is refused or the panel is v2. ``timeout`` is per request
    (seconds). Reads are retried ``read_retries`` times with exponential backoff
    starting at ``retry_backoff`` seconds; writes never. After a refused login, logins
    pause for ``login_cooldown`` seconds (v3 locks a user out after 5 failures in 5
    minutes). ``verify_tls`` is False for a panel with a self-signed certificate, or an
    ``ssl.SSLContext`` trusting its CA (building a default context costs ~0.1 s, so share
    one when creating many clients). ``http_client`` / ``transport`` are for tests; an
    injected ``http_client`` is not closed by ``aclose()``.

    One instance can serve many concurrent tasks on one event loop.
    """

    def __init__(
        self,
        base_url: str,
        username: str = "",
        password: str = "",
        *,
        api_token: str | None = None,
        timeout: float = 10.0,
        read_retries: int = 2,
        retry_backoff: float = 0.25,
        login_cooldown: float = 90.0,
        verify_tls: bool | ssl.SSLContext = True,
        http_client: httpx.AsyncClient | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._transport = PanelTransport(
            base_url,
            username,
            password,
            api_token=api_token,
            timeout=timeout,
            read_retries=read_retries,
            retry_backoff=retry_backoff,
            login_cooldown=login_cooldown,
            verify_tls=verify_tls,
            http_client=http_client,
            transport=transport,
        )
        self._legacy = LegacyDialect(self._transport)
        self._clients = ClientsDialect(self._transport)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the HTTP connections (not an injected ``http_client``)."""
        await self._transport.aclose()

    @property
    def era(self) -> Era | None:
        """The detected panel era, or None before the first call."""
        return self._transport.era

    async def _dialect(self) -> Dialect:
        era = await self._transport.ensure_ready()
        return self._clients if era.has_clients_api else self._legacy

    async def _run(self, operation: Callable[[Dialect], Awaitable[_T]]) -> _T:
        """Run one dialect operation; if the panel was upgraded (or downgraded) under us,
        probe its era again and repeat it once in the new dialect. Safe for writes too:
        RouteMissing means the panel had no handler for the request, so nothing ran."""
        try:
            return await operation(await self._dialect())
        except RouteMissing:
            logger.warning("3X-UI API changed under RayPort (upgrade?); re-detecting its era")
            return await operation(await self._dialect())

    # --- health -------------------------------------------------------------------------

    async def status(self) -> PanelStatus:
        """Reachability, login, era and versions, for health checks. Never raises."""
        try:
            # No retries: a health check should answer quickly and say what it saw.
            era = await self._transport.ensure_ready(retry=False)
            info = await self._transport.server_status()
        except XuiUnavailable as exc:
            return PanelStatus(reachable=False, era=self.era, error=exc.message)
        except XuiError as exc:
            return PanelStatus(reachable=True, era=self.era, error=exc.message)
        panel_version = xray_version = None
        if info is not None:
            raw_panel = info.get("panelVersion")
            panel_version = raw_panel if isinstance(raw_panel, str) and raw_panel else None
            xray = info.get("xray")
            if isinstance(xray, dict) and isinstance(xray.get("version"), str):
                xray_version = xray["version"] or None
        return PanelStatus(
            reachable=True,
            authenticated=True,
            era=era,
            panel_version=panel_version,
            xray_version=xray_version,
        )

    # --- inbounds -----------------------------------------------------------------------

    async def list_inbounds(self) -> list[Inbound]:
        """Every inbound with its clients and ``client_stats``. One panel call."""
        return await self._run(lambda d: d.list_inbounds())

    async def get_inbound(self, inbound_id: int) -> Inbound:
        """One inbound; XuiError (``... (record not found)``) if there is none."""
        return await self._run(lambda d: d.get_inbound(inbound_id))

    async def find_inbound(self, remark: str) -> Inbound | None:
        """The inbound whose remark is ``remark`` (exact, else case-insensitive), or None.

        Remarks are not unique on the panel; several matches raise XuiError rather than
        put users on an arbitrary one.
        """
        return select_inbound(await self.list_inbounds(), remark)

    # --- clients ------------------------------------------------------------------------

    async def add_client(self, inbound_id: int, client: Client) -> Client:
        """Create ``client`` on inbound ``inbound_id``; returns it as the panel stored it.

        Choose the credentials and ``sub_id`` yourself (``new_client``). The email must be
        unused panel-wide (case-insensitively); otherwise XuiError with the panel's
        message (``... (Duplicate email: x)`` / ``... (email already in use: x)``). Not
        retried: if this raises XuiUnavailable the client may or may not exist — look it
        up with ``get_client`` before creating it again. The read-back is one more call.
        """
        await self._run(lambda d: d.add_client(inbound_id, client))
        stored = await self._run(lambda d: d.read_back(inbound_id, client.email))
        if stored is None:
            raise XuiError(
                f"The VPN panel accepted client {client.email!r} but does not list it",
                details={"reason": "missing_after_add"},
            )
        return stored

    async def update_client(
        self, inbound_id: int, client: Client, *, previous: Client | None = None
    ) -> None:
        """Replace the stored client with ``client`` — the COMPLETE object is sent.

        Read the client first, change fields with ``dataclasses.replace``, pass it here:
        fields you leave at defaults overwrite the panel's. ``previous`` is the client as
        stored, needed only when the key (UUID/password) or the email changes. Raising
        the quota or moving the expiry with ``enable=True`` re-enables a depleted client;
        counters are kept (``reset_client_traffic`` zeroes them). XuiError on refusal.
        """
        await self._run(lambda d: d.update_client(inbound_id, client, previous or client))

    async def delete_client(self, inbound_id: int, client: Client) -> None:
        """Delete the client and its counters. v2-v3.0 panels refuse to delete the last
        client of an inbound (XuiError ``... (no client remained in Inbound)``)."""
        await self._run(lambda d: d.delete_client(inbound_id, client))

    async def get_client(self, email: str) -> PanelClient | None:
        """The client with this email and the inbounds it is on, or None."""
        return await self._run(lambda d: d.get_client(email))

    async def get_client_traffic(self, email: str) -> ClientTraffic | None:
        """Usage counters of one email, or None if the panel has none."""
        return await self._run(lambda d: d.get_client_traffic(email))

    async def list_client_traffic(self, inbound_id: int) -> list[ClientTraffic]:
        """Traffic, expiry and depletion flag of every client of an inbound, in ONE call.

        A client without a stats row yet is reported with zero usage.
        """
        return await self._run(lambda d: d.list_client_traffic(inbound_id))

    async def reset_client_traffic(self, inbound_id: int, email: str) -> None:
        """Zero the client's up/down counters (and lift depletion). Not retried."""
        await self._run(lambda d: d.reset_client_traffic(inbound_id, email))
