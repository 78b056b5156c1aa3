"""Typed views of the 3X-UI panel's objects, for both API dialects.

The panel speaks in milliseconds since the epoch (``0`` = never, negative = "starts on
first use") and in bytes; these models expose aware UTC datetimes, ``timedelta`` for the
first-use delay, and keep byte counts as ints. Parsing is tolerant: the panel's JSON
changed shape between releases (``settings`` as a JSON string until v3.0, as an object
since v3.1; ``tgId`` as ``""`` or an int; era-E client records with ``uuid`` instead of
``id``), and unknown client keys are kept so that a whole-client replacement never drops
fields RayPort does not know about.
"""

from __future__ import annotations

import json
import logging
import secrets
import string
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

logger = logging.getLogger(__name__)

__all__ = [
    "Client",
    "ClientTraffic",
    "Era",
    "Inbound",
    "PanelClient",
    "PanelStatus",
    "StreamSettings",
    "datetime_to_ms",
    "ms_to_datetime",
    "new_client",
]


class Era(StrEnum):
    """Which API the panel speaks (CONTRACT §1).

    ``V2`` covers eras A-C (no CSRF, no API tokens), ``V3_0`` era D (CSRF, Bearer tokens,
    legacy client endpoints), ``V3_1`` era E (first-class ``/panel/api/clients``).
    """

    V2 = "v2"
    V3_0 = "v3.0"
    V3_1 = "v3.1+"

    @property
    def has_clients_api(self) -> bool:
        return self is Era.V3_1


# --- small coercions: the panel's JSON is loosely typed across releases -----------------


def _int(value: Any, default: int = 0) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip() or default)
        except ValueError:
            return default
    return default


def _str(value: Any, default: str = "") -> str:
    if value is None:
        return default
    return value if isinstance(value, str) else str(value)


def _bool(value: Any, default: bool = False) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return bool(value)
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1", "on", "yes"}
    return default


def load_json_field(value: Any) -> dict[str, Any]:
    """Parse a panel field that is a JSON string (≤ v3.0) or already an object (v3.1+).

    Unparseable or non-object content yields ``{}`` (logged): one odd inbound must not
    make every other inbound unreadable.
    """
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, str) and value.strip():
        try:
            parsed = json.loads(value)
        except ValueError:
            logger.warning("3X-UI returned a JSON field that does not parse; treating it as empty")
            return {}
        if isinstance(parsed, dict):
            return parsed
    return {}


def ms_to_datetime(ms: int) -> datetime | None:
    """Panel milliseconds → aware UTC datetime; ``0`` and negative values → ``None``."""
    if ms <= 0:
        return None
    return datetime.fromtimestamp(ms / 1000, tz=UTC)


def datetime_to_ms(value: datetime | None) -> int:
    """Aware datetime → panel milliseconds (``None`` → ``0`` = never).

    Raises ValueError for a naive datetime: guessing its zone would shift expiries.
    """
    if value is None:
        return 0
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("expiry datetimes must be timezone-aware")
    return int(value.timestamp() * 1000)


def _split_expiry(ms: int) -> tuple[datetime | None, timedelta | None]:
    """A panel ``expiryTime`` → (fixed expiry, delay that starts on first use)."""
    if ms < 0:
        return None, timedelta(milliseconds=-ms)
    return ms_to_datetime(ms), None


def _join_expiry(expiry: datetime | None, after_first_use: timedelta | None) -> int:
    if after_first_use is not None:
        if expiry is not None:
            raise ValueError("set either expiry_time or expires_after_first_use, not both")
        return -int(after_first_use.total_seconds() * 1000)
    return datetime_to_ms(expiry)


# --- Client ---------------------------------------------------------------------------

# Keys Client models itself; everything else a panel client carries is kept in ``extra``.
_CLIENT_KEYS = frozenset(
    {
        "id",
        "uuid",
        "password",
        "email",
        "enable",
        "expiryTime",
        "totalGB",
        "limitIp",
        "subId",
        "flow",
        "tgId",
        "comment",
        "reset",
    }
)
# Era-E client *records* (``clients/list``, ``clients/get``) carry these besides the
# client itself; they are not part of the Client object the panel accepts back.
_RECORD_ONLY_KEYS = frozenset({"createdAt", "updatedAt", "inboundIds", "traffic"})


@dataclass(frozen=True, slots=True, kw_only=True)
class Client:
    """One panel client (an element of an inbound's ``settings.clients``).

    ``id`` is the VLESS UUID, ``password`` the Trojan password; ``key`` is whichever is
    set. ``total_bytes`` is the panel's ``totalGB`` — bytes despite its name, 0 =
    unlimited. ``expiry_time`` is ``None`` for "never"; a panel client whose clock starts
    on first use has ``expires_after_first_use`` instead. ``enable`` is the admin switch
    (depletion does not flip it; see ``ClientTraffic.enable``). ``extra`` keeps keys this
    model does not know, so sending a read client back loses nothing.
    """

    email: str
    id: str = ""
    password: str = ""
    enable: bool = True
    expiry_time: datetime | None = None
    expires_after_first_use: timedelta | None = None
    total_bytes: int = 0
    limit_ip: int = 0
    sub_id: str = ""
    flow: str = ""
    tg_id: int | None = None
    comment: str = ""
    reset: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.expiry_time is not None and self.expires_after_first_use is not None:
            raise ValueError("set either expiry_time or expires_after_first_use, not both")
        if self.expiry_time is not None and self.expiry_time.tzinfo is None:
            raise ValueError("expiry_time must be timezone-aware")

    @property
    def key(self) -> str:
        """The credential the legacy API addresses this client by (UUID or password)."""
        return self.id or self.password

    @property
    def expiry_ms(self) -> int:
        return _join_expiry(self.expiry_time, self.expires_after_first_use)

    @classmethod
    def from_panel(cls, data: Mapping[str, Any]) -> Client:
        """Build from a settings-style client or an era-E client record."""
        # Era-E records use a numeric ``id`` (row id) and put the UUID in ``uuid``.
        raw_id = data.get("id")
        is_record = "uuid" in data or isinstance(raw_id, int)
        credential_id = _str(data.get("uuid")) if is_record else _str(raw_id)
        expiry, after_first_use = _split_expiry(_int(data.get("expiryTime")))
        tg = _int(data.get("tgId"))
        skip = _CLIENT_KEYS | _RECORD_ONLY_KEYS if is_record else _CLIENT_KEYS
        extra = {k: v for k, v in data.items() if k not in skip}
        return cls(
            email=_str(data.get("email")),
            id=credential_id,
            password=_str(data.get("password")),
            enable=_bool(data.get("enable"), default=True),
            expiry_time=expiry,
            expires_after_first_use=after_first_use,
            total_bytes=_int(data.get("totalGB")),
            limit_ip=_int(data.get("limitIp")),
            sub_id=_str(data.get("subId")),
            flow=_str(data.get("flow")),
            tg_id=tg or None,
            comment=_str(data.get("comment")),
            reset=_int(data.get("reset")),
            extra=extra,
        )

    def to_panel(self) -> dict[str, Any]:
        """The complete client object the panel expects (whole-client replacement)."""
        body: dict[str, Any] = dict(self.extra)
        if self.id:
            body["id"] = self.id
        if self.password:
            body["password"] = self.password
        body.update(
            {
                "email": self.email,
                "enable": self.enable,
                "expiryTime": self.expiry_ms,
                "totalGB": self.total_bytes,
                "limitIp": self.limit_ip,
                "subId": self.sub_id,
                "flow": self.flow,
                "tgId": self.tg_id or 0,
                "comment": self.comment,
                "reset": self.reset,
            }
        )
        return body


_SUB_ID_ALPHABET = string.ascii_lowercase + string.digits
_PASSWORD_ALPHABET = string.ascii_letters + string.digits


def new_client(protocol: str, email: str, **fields: Any) -> Client:
    """A new client with fresh credentials for ``protocol`` (``vless`` or ``trojan``).

    Generates a UUIDv4 (VLESS) or a 24-char alphanumeric password (Trojan — no
    ``@/?#%`` so v2 panels that paste it raw into links stay correct) and a 16-char
    ``subId`` like the panel UI does. ``fields`` override any Client field.
    """
    protocol = protocol.lower()
    credentials: dict[str, Any] = {}
    if protocol in {"vless", "vmess"}:
        credentials["id"] = str(uuid.uuid4())
    elif protocol == "trojan":
        credentials["password"] = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(24))
    else:
        raise ValueError(f"RayPort does not create clients for protocol {protocol!r}")
    sub_id = "".join(secrets.choice(_SUB_ID_ALPHABET) for _ in range(16))
    return Client(email=email, **{"sub_id": sub_id, **credentials, **fields})


# --- ClientTraffic --------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class ClientTraffic:
    """Usage counters of one client email (a ``clientStats`` row).

    ``enable`` is the panel's *depletion* flag: false once the quota or the expiry was
    hit, even while the admin switch (``Client.enable``) is still on. ``total`` is the
    quota in bytes (0 = unlimited).
    """

    email: str
    inbound_id: int = 0
    up: int = 0
    down: int = 0
    total: int = 0
    expiry_time: datetime | None = None
    expires_after_first_use: timedelta | None = None
    enable: bool = True
    reset: int = 0
    last_online: datetime | None = None
    sub_id: str = ""
    uuid: str = ""

    @property
    def used(self) -> int:
        return self.up + self.down

    def is_depleted(self, now: datetime | None = None) -> bool:
        """Quota used up or expiry passed, computed from the numbers (not the flag)."""
        now = now or datetime.now(UTC)
        over_quota = self.total > 0 and self.used >= self.total
        expired = self.expiry_time is not None and self.expiry_time <= now
        return over_quota or expired

    @classmethod
    def from_panel(cls, data: Mapping[str, Any]) -> ClientTraffic:
        expiry, after_first_use = _split_expiry(_int(data.get("expiryTime")))
        return cls(
            email=_str(data.get("email")),
            inbound_id=_int(data.get("inboundId")),
            up=_int(data.get("up")),
            down=_int(data.get("down")),
            total=_int(data.get("total")),
            expiry_time=expiry,
            expires_after_first_use=after_first_use,
            enable=_bool(data.get("enable"), default=True),
            reset=_int(data.get("reset")),
            last_online=ms_to_datetime(_int(data.get("lastOnline"))),
            sub_id=_str(data.get("subId")),
            uuid=_str(data.get("uuid")),
        )

    @classmethod
    def from_client(cls, client: Client, inbound_id: int = 0) -> ClientTraffic:
        """Counters for a client the panel has no stats row for yet (nothing used)."""
        return cls(
            email=client.email,
            inbound_id=inbound_id,
            total=client.total_bytes,
            expiry_time=client.expiry_time,
            expires_after_first_use=client.expires_after_first_use,
            enable=client.enable,
            reset=client.reset,
            sub_id=client.sub_id,
            uuid=client.id,
        )


# --- Inbound --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StreamSettings:
    """An inbound's transport: ``network`` (tcp, ws, grpc, xhttp, ...) and ``security``
    (none, tls, reality); ``raw`` is the whole parsed ``streamSettings`` object."""

    network: str = "tcp"
    security: str = "none"
    raw: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @classmethod
    def from_panel(cls, value: Any) -> StreamSettings:
        raw = load_json_field(value)
        return cls(
            network=_str(raw.get("network")) or "tcp",
            security=_str(raw.get("security")) or "none",
            raw=raw,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Inbound:
    """One inbound with its parsed settings and clients.

    ``client_stats`` is ``None`` when the panel did not load them (legacy ``get/:id``);
    use ``XuiClient.list_client_traffic`` for usage rather than relying on it.
    """

    id: int
    remark: str
    protocol: str
    port: int
    listen: str = ""
    enable: bool = True
    tag: str = ""
    up: int = 0
    down: int = 0
    total: int = 0
    expiry_time: datetime | None = None
    settings: Mapping[str, Any] = field(default_factory=dict, hash=False)
    stream: StreamSettings = field(default_factory=StreamSettings)
    clients: tuple[Client, ...] = ()
    client_stats: tuple[ClientTraffic, ...] | None = None

    def find_client(self, email: str) -> Client | None:
        """The client with this email (case-insensitive, like the panel's uniqueness)."""
        wanted = email.casefold()
        return next((c for c in self.clients if c.email.casefold() == wanted), None)

    @classmethod
    def from_panel(cls, data: Mapping[str, Any]) -> Inbound:
        settings = load_json_field(data.get("settings"))
        raw_clients = settings.get("clients")
        clients = tuple(Client.from_panel(c) for c in (raw_clients or []) if isinstance(c, Mapping))
        raw_stats = data.get("clientStats")
        stats = (
            tuple(ClientTraffic.from_panel(s) for s in raw_stats if isinstance(s, Mapping))
            if isinstance(raw_stats, list)
            else None
        )
        return cls(
            id=_int(data.get("id")),
            remark=_str(data.get("remark")),
            protocol=_str(data.get("protocol")),
            port=_int(data.get("port")),
            listen=_str(data.get("listen")),
            enable=_bool(data.get("enable"), default=True),
            tag=_str(data.get("tag")),
            up=_int(data.get("up")),
            down=_int(data.get("down")),
            total=_int(data.get("total")),
            expiry_time=ms_to_datetime(_int(data.get("expiryTime"))),
            settings=settings,
            stream=StreamSettings.from_panel(data.get("streamSettings")),
            clients=clients,
            client_stats=stats,
        )


# --- results of XuiClient calls ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PanelClient:
    """A client as found on the panel: the client itself and where it lives."""

    client: Client
    inbound_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class PanelStatus:
    """Result of ``XuiClient.status()``; never raises, so health checks can show it.

    ``reachable`` — the panel answered HTTP at all; ``authenticated`` — RayPort's
    credentials were accepted; ``error`` — why not, in words safe to show an admin
    (never the panel URL or secrets).
    """

    reachable: bool
    authenticated: bool = False
    era: Era | None = None
    panel_version: str | None = None
    xray_version: str | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.reachable and self.authenticated and self.error is None
