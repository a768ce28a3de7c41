"""eloket's own settings for the benchmark's processes, with the static files collected into a folder of the run's.

With DEBUG off, pages name their static files through the manifest that collectstatic writes into STATIC_ROOT (the
Dockerfile runs it at build time). STATIC_ROOT is fixed in eloket/settings.py, and a manifest left in the checkout's
staticfiles/ would serve stale files to everybody's test servers, so the benchmark collects into BENCH_STATIC_ROOT.
"""

import os
from pathlib import Path

from eloket.settings import *  # noqa: F403  (the real settings; only the folder below differs)

STATIC_ROOT = Path(os.environ["BENCH_STATIC_ROOT"])
# The same hashed names, without whitenoise's gzip and brotli copies (about 40 s of the run): pages name the same files.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}  # noqa: F405
