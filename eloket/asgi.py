"""ASGI entry point: gunicorn runs it with uvicorn_worker.UvicornWorker (pages and event streams)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eloket.settings")
# The web server keeps a pool of database connections (settings.py, DATABASE_POOL); Celery's workers do not.
os.environ["ELOKET_SERVER"] = "asgi"
application = get_asgi_application()
