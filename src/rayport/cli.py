"""`rayport ...`: one command line for every process and chore."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Annotated

import typer
from pydantic import ValidationError

from rayport.settings import Settings, load_settings

app = typer.Typer(
    help="RayPort: a self-hosted portal for a VPN service on a 3X-UI panel.",
    no_args_is_help=True,
    add_completion=False,
)

Host = Annotated[str, typer.Option(help="Interface to listen on")]
Port = Annotated[int, typer.Option(help="Port to listen on")]


def _settings() -> Settings:
    try:
        return load_settings()
    except ValidationError as exc:
        typer.secho("Configuration error:", fg=typer.colors.RED, err=True)
        for error in exc.errors():
            location = ".".join(str(part) for part in error["loc"]) or "settings"
            typer.echo(f"  {location}: {error['msg']}", err=True)
        raise typer.Exit(2) from exc


def _serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    import uvicorn

    from rayport.logging import setup_logging

    setup_logging(settings.log_level)
    uvicorn.run(
        "rayport.api.asgi:app",
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,  # X-Forwarded-For is judged by TRUSTED_PROXIES, not uvicorn
        access_log=False,
        log_config=None,
        lifespan="on",
    )


@app.command()
def api(
    host: Host = "127.0.0.1",
    port: Port = 8000,
    workers: Annotated[int, typer.Option(help="uvicorn worker processes")] = 1,
) -> None:
    """Run the API (and the built web app) on HOST:PORT."""
    _serve(_settings(), host, port, workers)


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (Alembic)."""
    from rayport.db import migrate as migrations

    settings = _settings()
    migrations.upgrade(settings.db.url)
    typer.echo(f"database is at revision {', '.join(sorted(migrations.script_heads()))}")


@app.command("create-superuser")
def create_superuser(
    login: Annotated[str | None, typer.Option(help="Defaults to SUPERUSER_LOGIN")] = None,
    password: Annotated[
        str | None,
        typer.Option(help="Defaults to SUPERUSER_PASSWORD, else one is generated and printed"),
    ] = None,
    reset: Annotated[bool, typer.Option(help="Set a new password if the user exists")] = False,
) -> None:
    """Create the superuser (idempotent); with --reset, give it a new password."""
    from rayport.auth.passwords import generate_password
    from rayport.db.engine import Database
    from rayport.users.service import ensure_superuser, set_superuser_password

    settings = _settings()
    login = login or settings.auth.superuser_login
    configured = settings.auth.superuser_password
    password = password or (configured.get_secret_value() if configured else None)

    async def run() -> None:
        database = Database(settings.db.url)
        try:
            async with database.unit_of_work() as db:
                if reset:
                    new_password = password or generate_password()
                    if not await set_superuser_password(db, login, new_password):
                        typer.secho(f"no user {login!r}", fg=typer.colors.RED, err=True)
                        raise typer.Exit(1)
                    if password is None:
                        typer.echo(f"new password for {login!r}: {new_password}")
                    else:
                        typer.echo(f"password of {login!r} reset")
                    return
                generated = await ensure_superuser(db, login, password)
            if generated:
                typer.echo(f"superuser {login!r} created with password: {generated}")
            else:
                typer.echo(f"superuser {login!r} is ready")
        finally:
            await database.dispose()

    asyncio.run(run())


@app.command()
def dev(host: Host = "127.0.0.1", port: Port = 8000) -> None:
    """Everything in one process group on the embedded defaults: migrate, then serve."""
    from rayport.db import migrate as migrations

    settings = _settings()
    migrations.upgrade(settings.db.url)
    typer.echo(
        f"RayPort on http://{host}:{port}  (API docs: http://{host}:{port}/api/docs)\n"
        f"  database: {settings.db.url.split('@')[-1]}\n"
        f"  cache:    {'redis' if settings.cache.redis_url else 'in-process memory'}\n"
        f"  log in as {settings.auth.superuser_login!r}: the password is printed below the "
        "first time; later, `rayport create-superuser --reset` sets a new one."
    )
    _serve(settings, host, port)


@app.command()
def bot(
    webhook: Annotated[
        bool,
        typer.Option(
            help="Register WEB_APP_URL/api/telegram/webhook with Telegram and exit; "
            "the API processes then receive the updates"
        ),
    ] = False,
) -> None:
    """Run the Telegram bot (long polling), or switch it to webhook mode."""
    from rayport.bot.app import configure_bot, run_polling
    from rayport.bot.webhook import install_webhook
    from rayport.db.engine import Database
    from rayport.logging import setup_logging
    from rayport.telegram.runtime import TelegramRuntime

    settings = _settings()
    setup_logging(settings.log_level)
    if not settings.telegram.configured:
        typer.secho("TELEGRAM_BOT_TOKEN is not set", fg=typer.colors.RED, err=True)
        raise typer.Exit(2)

    async def run() -> None:
        database = Database(settings.db.url)
        runtime = TelegramRuntime(settings, database)
        try:
            if webhook:
                url = settings.web_app_url.rstrip("/") + "/api/telegram/webhook"
                await install_webhook(runtime.dispatcher, runtime.bot, url, runtime.webhook_secret)
                typer.echo(f"webhook set to {url}")
                return
            await configure_bot(runtime.bot, settings.web_app_url)
            await run_polling(runtime.dispatcher, runtime.bot)
        finally:
            await runtime.close()
            await database.dispose()

    asyncio.run(run())


@app.command()
def notifier() -> None:
    """Run the notifier (expiry and traffic notices, 3X-UI sync, delivery) until SIGINT or
    SIGTERM; several may run at once."""
    from rayport.logging import setup_logging
    from rayport.notifier import run_notifier

    settings = _settings()
    setup_logging(settings.log_level)
    asyncio.run(run_notifier(settings))


@app.command()
def doctor() -> None:
    """Check the configuration and every dependency; exit non-zero on a problem."""
    from rayport.doctor import run_checks

    settings = _settings()
    results = asyncio.run(run_checks(settings))
    failed = False
    for result in results:
        colour = {"ok": typer.colors.GREEN, "warn": typer.colors.YELLOW}.get(
            result.state, typer.colors.RED
        )
        typer.secho(f"[{result.state:^4}] {result.name}: {result.detail}", fg=colour)
        failed = failed or result.state == "fail"
    raise typer.Exit(1 if failed else 0)


@app.command()
def backup(
    output: Annotated[
        str | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write, or - for standard output "
            "[default: rayport-<UTC time>.pgdump / .sqlite3 here]",
        ),
    ] = None,
) -> None:
    """Back up the database: pg_dump -Fc on PostgreSQL, a consistent copy on SQLite."""
    from rayport.backup import BackupError
    from rayport.backup import backup as run_backup

    settings = _settings()
    try:
        result = run_backup(settings.db.url, output)
    except BackupError as exc:
        typer.secho(f"backup failed: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    if result.size is not None:
        typer.echo(f"{result.dialect} backup written to {result.path} ({result.size} bytes)")


@app.command()
def restore(
    file: Annotated[str, typer.Argument(help="A file from `rayport backup`, or - for stdin")],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask for confirmation")] = False,
) -> None:
    """Replace the database's contents with a backup. Stop api, notifier and bot first;
    run `rayport migrate` and flush the cache afterwards."""
    from rayport.backup import BackupError
    from rayport.backup import restore as run_restore

    settings = _settings()
    where = settings.db.url.split("@")[-1]
    if not yes:
        if file == "-":
            typer.secho("reading the backup from stdin needs --yes", fg=typer.colors.RED, err=True)
            raise typer.Exit(2)
        typer.confirm(f"Replace everything in {where} with {file}?", abort=True)
    try:
        dialect = run_restore(settings.db.url, file)
    except BackupError as exc:
        typer.secho(f"restore failed: {exc}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from exc
    typer.echo(
        f"{dialect} database {where} restored from {file}; now run `rayport migrate` "
        "and flush the cache"
    )


@app.command()
def openapi() -> None:
    """Print the OpenAPI schema (the web app's client is generated from it)."""
    from rayport.api.app import create_app

    schema = create_app(load_settings(DOCS_ENABLED=True), bootstrap=False).openapi()
    json.dump(schema, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":  # pragma: no cover
    app()
