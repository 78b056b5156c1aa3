"""`create_app()`: the FastAPI application with its middleware, routers and lifespan."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

import rayport.configs.decisions  # noqa: F401 - registers request handlers and user hooks
from rayport import __version__
from rayport.api.context import AppContext
from rayport.api.errors import install_error_handlers
from rayport.api.middleware import EdgeMiddleware
from rayport.api.openapi import install_openapi
from rayport.api.routers import admin_audit as admin_audit_router
from rayport.api.routers import admin_configs as admin_configs_router
from rayport.api.routers import admin_news as admin_news_router
from rayport.api.routers import admin_notifications as admin_notifications_router
from rayport.api.routers import admin_requests as admin_requests_router
from rayport.api.routers import admin_sessions as admin_sessions_router
from rayport.api.routers import admin_users as admin_users_router
from rayport.api.routers import app as app_router
from rayport.api.routers import auth as auth_router
from rayport.api.routers import backend as backend_router
from rayport.api.routers import client_configs as client_configs_router
from rayport.api.routers import subscription as subscription_router
from rayport.api.routers import telegram as telegram_router
from rayport.api.spa import DEFAULT_DIST, mount_spa
from rayport.metrics import metrics_endpoint
from rayport.settings import Settings, load_settings


def create_app(
    settings: Settings | None = None,
    *,
    bootstrap: bool = True,
    web_dist: Path | None = DEFAULT_DIST,
) -> FastAPI:
    settings = settings or load_settings()
    context = AppContext.create(settings)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        if bootstrap:
            await context.bootstrap()
        if context.telegram is not None:
            # getMe once at start-up: the Login Widget needs the bot's username.
            await context.telegram.is_ok()
        # Everything alive now (modules, routes, metadata, pools) lives as long as the
        # process: freezing it keeps the cyclic GC from re-scanning ~10^6 objects on every
        # old-generation collection, which otherwise shows up as a tax on each request.
        gc.freeze()
        try:
            yield
        finally:
            await context.close()

    docs = settings.docs_enabled
    app = FastAPI(
        title="RayPort",
        version=__version__,
        description="Self-hosted portal for a VPN service on a 3X-UI panel.",
        lifespan=lifespan,
        docs_url="/api/docs" if docs else None,
        redoc_url=None,
        openapi_url="/api/openapi.json" if docs else None,
    )
    app.state.context = context
    install_error_handlers(app)
    install_openapi(app)

    app.include_router(app_router.router)
    app.include_router(auth_router.router)
    app.include_router(backend_router.router)
    app.include_router(admin_users_router.router)
    app.include_router(admin_requests_router.router)
    app.include_router(admin_news_router.router)
    app.include_router(admin_sessions_router.router)
    app.include_router(admin_notifications_router.router)
    app.include_router(admin_audit_router.router)
    app.include_router(client_configs_router.router)
    app.include_router(admin_configs_router.router)
    app.include_router(subscription_router.router)
    app.include_router(telegram_router.router)
    if settings.metrics.enabled:  # issue #8: bearer METRICS_TOKEN; before the SPA catch-all
        app.add_api_route(
            "/metrics",
            metrics_endpoint(settings.metrics, context.cache),
            methods=["GET"],
            include_in_schema=False,
        )
    if web_dist is not None:
        mount_spa(app, web_dist)

    # Last added runs first: the edge (request id, limits, headers, last-resort errors) is
    # outermost; CORS only when cross-origin callers are allowed at all.
    if settings.allowed_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.allowed_origins,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Request-ID", "Retry-After"],
            max_age=600,
        )
    app.add_middleware(EdgeMiddleware, settings=settings, limiter=context.limiter)
    return app
