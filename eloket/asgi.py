"""ASGI entry point: gunicorn runs it with uvicorn_worker.UvicornWorker (pages and event streams)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eloket.settings")
application = get_asgi_application()
