"""A short device name from a User-Agent ("Chrome on Android"), for the sessions list."""

from __future__ import annotations

_OS = (
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Android", "Android"),
    ("Windows", "Windows"),
    ("Mac OS X", "macOS"),
    ("Macintosh", "macOS"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)
# Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_APPS = (
    ("Telegram", "Telegram"),
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
    ("curl/", "curl"),
    ("python-httpx", "httpx"),
)


def device_name(user_agent: str | None) -> str | None:
    if not user_agent:
        return None
    app = next((name for marker, name in _APPS if marker in user_agent), None)
    os_name = next((name for marker, name in _OS if marker in user_agent), None)
    if app and os_name:
        return f"{app} on {os_name}"
    return app or os_name or user_agent[:64]
