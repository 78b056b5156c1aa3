"""The two client APIs of 3X-UI behind one interface.

``LegacyDialect`` — eras A-D (v2.0 - v3.0.x): clients live inside an inbound's
``settings`` JSON *string* and are changed with ``/panel/api/inbounds/addClient``,
``updateClient/<uuid|password>``, ``<id>/delClient/<uuid|password>`` (CONTRACT §5).

``ClientsDialect`` — era E (v3.1+): clients are first-class and addressed by email under
``/panel/api/clients/*``; the legacy client routes answer 404 (CONTRACT §6).

Both read inbounds with ``/panel/api/inbounds/list`` and ``get/<id>``.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

from rayport.errors import XuiError
from rayport.xui.models import Client, ClientTraffic, Inbound, PanelClient
from rayport.xui.transport import PanelTransport


def _segment(value: str) -> str:
    """A path segment: emails and passwords may hold characters a URL path cannot."""
    return quote(value, safe="")


@contextmanager
def unexpected_answer(what: str) -> Iterator[None]:
    """Turn a parsing surprise (missing key, wrong type) into XuiError, never a 500."""
    try:
        yield
    except (TypeError, ValueError, KeyError, AttributeError, IndexError) as exc:
        raise XuiError(
            f"The VPN panel's answer to {what} has an unexpected format",
            details={"reason": "unexpected_answer"},
        ) from exc


def _as_list(obj: Any) -> list[Any]:
    # The panel answers `null` for an empty list in places (CONTRACT §9.2).
    if obj is None:
        return []
    if not isinstance(obj, list):
        raise TypeError("expected a list")
    return obj


class Dialect(ABC):
    """Operations whose routes differ between the eras."""

    def __init__(self, transport: PanelTransport) -> None:
        self._t = transport

    async def list_inbounds(self) -> list[Inbound]:
        obj = await self._t.call("GET", "panel/api/inbounds/list", read=True)
        with unexpected_answer("list inbounds"):
            return [Inbound.from_panel(item) for item in _as_list(obj)]

    async def get_inbound(self, inbound_id: int) -> Inbound:
        obj = await self._t.call("GET", f"panel/api/inbounds/get/{int(inbound_id)}", read=True)
        with unexpected_answer("get inbound"):
            if not isinstance(obj, Mapping):
                raise TypeError("expected an object")
            return Inbound.from_panel(obj)

    @abstractmethod
    async def add_client(self, inbound_id: int, client: Client) -> None: ...

    @abstractmethod
    async def read_back(self, inbound_id: int, email: str) -> Client | None: ...

    @abstractmethod
    async def update_client(self, inbound_id: int, client: Client, previous: Client) -> None: ...

    @abstractmethod
    async def delete_client(self, inbound_id: int, client: Client) -> None: ...

    @abstractmethod
    async def get_client(self, email: str) -> PanelClient | None: ...

    @abstractmethod
    async def get_client_traffic(self, email: str) -> ClientTraffic | None: ...

    @abstractmethod
    async def list_client_traffic(self, inbound_id: int) -> list[ClientTraffic]: ...

    @abstractmethod
    async def reset_client_traffic(self, inbound_id: int, email: str) -> None: ...


class LegacyDialect(Dialect):
    """Eras A-D: per-inbound client endpoints, ``settings`` as a JSON string."""

    @staticmethod
    def _settings_body(inbound_id: int, client: Client) -> dict[str, Any]:
        # v2.x/v3.0 bind `settings` as a Go string: an object here fails binding.
        return {"id": int(inbound_id), "settings": json.dumps({"clients": [client.to_panel()]})}

    async def add_client(self, inbound_id: int, client: Client) -> None:
        await self._t.call(
            "POST",
            "panel/api/inbounds/addClient",
            read=False,
            json_body=self._settings_body(inbound_id, client),
        )

    async def read_back(self, inbound_id: int, email: str) -> Client | None:
        return (await self.get_inbound(inbound_id)).find_client(email)

    async def update_client(self, inbound_id: int, client: Client, previous: Client) -> None:
        if not previous.key:
            raise ValueError("the client to update has neither an id nor a password")
        await self._t.call(
            "POST",
            f"panel/api/inbounds/updateClient/{_segment(previous.key)}",
            read=False,
            json_body=self._settings_body(inbound_id, client),
        )

    async def delete_client(self, inbound_id: int, client: Client) -> None:
        if not client.key:
            raise ValueError("the client to delete has neither an id nor a password")
        await self._t.call(
            "POST",
            f"panel/api/inbounds/{int(inbound_id)}/delClient/{_segment(client.key)}",
            read=False,
        )

    async def get_client(self, email: str) -> PanelClient | None:
        found: Client | None = None
        inbound_ids: list[int] = []
        for inbound in await self.list_inbounds():
            client = inbound.find_client(email)
            if client is not None:
                found = found or client
                inbound_ids.append(inbound.id)
        return PanelClient(found, tuple(inbound_ids)) if found else None

    async def get_client_traffic(self, email: str) -> ClientTraffic | None:
        # `getClientTraffics/<email>` exists, but its `enable` is the admin flag on
        # v2.8.1-v3.0 and its not-found answer changed twice; the list's clientStats
        # carry the depletion flag everywhere, so both lookups agree with
        # list_client_traffic.
        wanted = email.casefold()
        for inbound in await self.list_inbounds():
            for row in inbound.client_stats or ():
                if row.email.casefold() == wanted:
                    return row
        return None

    async def list_client_traffic(self, inbound_id: int) -> list[ClientTraffic]:
        # `get/<id>` has clientStats = null before v3.4; the list always has them.
        inbound = next((i for i in await self.list_inbounds() if i.id == inbound_id), None)
        if inbound is None:
            raise XuiError(f"Inbound {inbound_id} was not found on the VPN panel")
        stats = {row.email.casefold(): row for row in inbound.client_stats or ()}
        return [
            stats.get(c.email.casefold()) or ClientTraffic.from_client(c, inbound_id)
            for c in inbound.clients
        ]

    async def reset_client_traffic(self, inbound_id: int, email: str) -> None:
        await self._t.call(
            "POST",
            f"panel/api/inbounds/{int(inbound_id)}/resetClientTraffic/{_segment(email)}",
            read=False,
        )


class ClientsDialect(Dialect):
    """Era E (v3.1+): ``/panel/api/clients/*``, identity = email."""

    async def add_client(self, inbound_id: int, client: Client) -> None:
        await self._t.call(
            "POST",
            "panel/api/clients/add",
            read=False,
            json_body={"client": client.to_panel(), "inboundIds": [int(inbound_id)]},
        )
        if not client.enable:
            # clients/add forces enable=true; the legacy dialect keeps what was sent.
            await self.update_client(inbound_id, client, client)

    async def read_back(self, inbound_id: int, email: str) -> Client | None:
        found = await self.get_client(email)
        return found.client if found else None

    async def update_client(self, inbound_id: int, client: Client, previous: Client) -> None:
        # Whole-client replacement: an omitted `enable` would disable the client and an
        # omitted quota/expiry would make it unlimited, so the complete object is sent.
        await self._t.call(
            "POST",
            f"panel/api/clients/update/{_segment(previous.email)}",
            read=False,
            json_body=client.to_panel(),
        )

    async def delete_client(self, inbound_id: int, client: Client) -> None:
        # RayPort gives every client its own email on one inbound, so deleting the
        # record is deleting it from that inbound.
        await self._t.call("POST", f"panel/api/clients/del/{_segment(client.email)}", read=False)

    async def get_client(self, email: str) -> PanelClient | None:
        try:
            obj = await self._t.call("GET", f"panel/api/clients/get/{_segment(email)}", read=True)
        except XuiError as exc:
            # The Go error text (unlike the context text before it) is not localised.
            if "record not found" in exc.message:
                return None
            raise
        with unexpected_answer("get client"):
            record = obj["client"]
            if not isinstance(record, Mapping):
                raise TypeError("expected an object")
            inbound_ids = tuple(int(i) for i in _as_list(obj.get("inboundIds")))
            return PanelClient(Client.from_panel(record), inbound_ids)

    async def get_client_traffic(self, email: str) -> ClientTraffic | None:
        obj = await self._t.call("GET", f"panel/api/clients/traffic/{_segment(email)}", read=True)
        if obj is None:  # unknown email is `success:true, obj:null` here
            return None
        with unexpected_answer("get client traffic"):
            return ClientTraffic.from_panel(obj)

    async def list_client_traffic(self, inbound_id: int) -> list[ClientTraffic]:
        obj = await self._t.call("GET", "panel/api/clients/list", read=True)
        with unexpected_answer("list clients"):
            rows: list[ClientTraffic] = []
            for record in _as_list(obj):
                if inbound_id not in (record.get("inboundIds") or ()):
                    continue
                traffic = record.get("traffic")
                if isinstance(traffic, Mapping):
                    rows.append(ClientTraffic.from_panel(traffic))
                else:
                    rows.append(ClientTraffic.from_client(Client.from_panel(record), inbound_id))
            return rows

    async def reset_client_traffic(self, inbound_id: int, email: str) -> None:
        await self._t.call("POST", f"panel/api/clients/resetTraffic/{_segment(email)}", read=False)
