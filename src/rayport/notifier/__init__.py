"""The notifier process: expiry/traffic scans, 3X-UI sync, durable delivery of the
notification queue over Telegram, e-mail and in-app. See `rayport.notifier.worker`."""

from rayport.notifier.heartbeat import Heartbeat, NotifierState, notifier_state, read_heartbeat
from rayport.notifier.worker import Notifier, run_notifier

__all__ = [
    "Heartbeat",
    "Notifier",
    "NotifierState",
    "notifier_state",
    "read_heartbeat",
    "run_notifier",
]
