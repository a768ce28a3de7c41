"""eloket's settings for the web server and Celery worker a fault test starts, with DEBUG off as in production.

With DEBUG off, pages name their static files through the manifest collectstatic writes into STATIC_ROOT (the
Dockerfile does it at build time). STATIC_ROOT is fixed in eloket/settings.py, and a manifest left in the checkout's
staticfiles/ would serve stale files to every other test server, so the test collects into FAULT_STATIC_ROOT.
"""

import os
from pathlib import Path

from eloket.settings import *  # noqa: F403  (the real settings; only the static files' folder differs)

STATIC_ROOT = Path(os.environ["FAULT_STATIC_ROOT"])
# The same hashed names, without whitenoise's gzip and brotli copies that only take time to make.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}  # noqa: F405
