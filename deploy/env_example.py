"""Write deploy/.env.example from the repository's .env.example (the source of truth).

    python3 deploy/env_example.py           # regenerate deploy/.env.example
    python3 deploy/env_example.py --check   # exit 1 if it is out of date (a test runs this)

The deploy file is the root file with compose's own variables in front and production
values for the variables below (each keeps its documentation, plus a note); every other
variable keeps the root file's default.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

DEPLOY = Path(__file__).resolve().parent
SOURCE = DEPLOY.parent / ".env.example"
TARGET = DEPLOY / ".env.example"

HEADER = """\
# RayPort under docker compose: copy to deploy/.env, fill in every CHANGE-ME, then
#   docker compose -f deploy/compose.yml up -d --build
# Generated from the repository's .env.example by deploy/env_example.py: edit that file
# (or the production values in this script), then run `python3 deploy/env_example.py`.
# compose.yml reads the first block itself; every container of RayPort gets this whole file.

# --- compose ---------------------------------------------------------------------------
# Optional services, comma-separated: `bot` (the long-polling Telegram bot; leave it out in
# webhook mode), `ratelimit-redis` (a second Redis for rate limits; then set
# RATE_LIMIT_REDIS_URL=redis://redis-ratelimit:6379/0 below).
COMPOSE_PROFILES=
# The bundled PostgreSQL. The password must match the one in DATABASE_URL below; use
# letters, digits, - and _ only (it goes into a URL), e.g. the output of
#   python3 -c "import secrets; print(secrets.token_urlsafe(24))"
POSTGRES_USER=rayport
POSTGRES_PASSWORD=CHANGE-ME
POSTGRES_DB=rayport
# Where the web container (nginx: the app, /api and /sub) is published on the host. Put
# your TLS proxy in front of it (docs/operations.md); 0.0.0.0 publishes it to the world.
WEB_BIND=127.0.0.1
WEB_PORT=8080
# Image names (build locally by default; set them to pull a registry's images instead).
RAYPORT_IMAGE=rayport:local
RAYPORT_WEB_IMAGE=rayport-web:local

"""

# variable -> (value, note added to its documentation)
PRODUCTION: dict[str, tuple[str, str]] = {
    "ENVIRONMENT": ("production", ""),
    "WEB_APP_URL": ("https://CHANGE-ME.example.com", "Your public https address."),
    "ALLOWED_ORIGINS": ("https://CHANGE-ME.example.com", "Usually just WEB_APP_URL."),
    "TRUSTED_PROXIES": (
        "172.16.0.0/12,192.168.0.0/16",
        "Compose: Docker's private networks, where the web container (nginx) lives.",
    ),
    "DOCS_ENABLED": ("false", ""),
    "DATABASE_URL": (
        "postgresql+asyncpg://rayport:CHANGE-ME@postgres:5432/rayport",
        "Compose: the bundled postgres service.",
    ),
    "REDIS_URL": ("redis://redis:6379/0", "Compose: the bundled redis service."),
    "JWT_SECRET": ("CHANGE-ME", ""),
    "SUPERUSER_PASSWORD": ("CHANGE-ME", "Production requires 12+ characters."),
}

_ASSIGNMENT = re.compile(r"^([A-Z][A-Z0-9_]*)=(.*)$")


def render(source: str) -> str:
    lines: list[str] = []
    seen: set[str] = set()
    for line in source.splitlines():
        match = _ASSIGNMENT.match(line)
        if match is None or match[1] not in PRODUCTION:
            lines.append(line)
            continue
        name = match[1]
        value, note = PRODUCTION[name]
        seen.add(name)
        lines.append(f"# (Default: {match[2] or 'unset'}.) {note}".rstrip())
        lines.append(f"{name}={value}")
    missing = sorted(set(PRODUCTION) - seen)
    if missing:
        raise SystemExit(f"{SOURCE} no longer has {', '.join(missing)}: update {__file__}")
    body = "\n".join(lines)
    body = body.split("\n", 2)[2] if body.startswith("# RayPort configuration.") else body
    return HEADER + body.lstrip("\n") + "\n"


def main(argv: list[str]) -> int:
    wanted = render(SOURCE.read_text(encoding="utf-8"))
    if argv[1:] == ["--check"]:
        current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
        if current != wanted:
            print(f"{TARGET} is out of date: run python3 deploy/env_example.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(wanted, encoding="utf-8")
    print(f"wrote {TARGET}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
