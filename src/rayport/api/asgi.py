"""ASGI entry point for uvicorn/gunicorn: `rayport.api.asgi:app`."""

from rayport.api.app import create_app

app = create_app()
