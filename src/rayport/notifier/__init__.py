"""The notifier process: expiry/traffic scans, 3X-UI sync, durable delivery of the
notification queue over Telegram, e-mail and in-app. See `rayport.notifier.worker`.

The worker (and with it aiogram, ~130 MiB) is imported on first use: the API process reads
only the heartbeat from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rayport.notifier.heartbeat import Heartbeat, NotifierState, notifier_state, read_heartbeat

if TYPE_CHECKING:
    from rayport.notifier.worker import Notifier, run_notifier

__all__ = [
    "Heartbeat",
    "Notifier",
    "NotifierState",
    "notifier_state",
    "read_heartbeat",
    "run_notifier",
]


def __getattr__(name: str) -> Any:
    if name in ("Notifier", "run_notifier"):
        from rayport.notifier import worker

        return getattr(worker, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
