"""RayPort: a self-hosted portal for a VPN service on a 3X-UI (Xray) panel."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("rayport")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0"
