#!/bin/sh
# Container entry point: wait for the database, migrate when asked (RUN_MIGRATIONS=1; only the web
# service does, so workers never race it), then run the command (gunicorn, celery worker or beat).
set -eu

if [ -n "${DATABASE_URL:-}" ] && [ "${DB_WAIT_TIMEOUT:-60}" != 0 ]; then
    python - <<'PY'
import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "eloket.settings")
django.setup()
from django.db import connection  # noqa: E402

deadline = time.monotonic() + float(os.environ.get("DB_WAIT_TIMEOUT", "60"))
while True:
    try:
        connection.ensure_connection()
        break
    except Exception as exc:
        if time.monotonic() > deadline:
            sys.exit(f"entrypoint: the database does not answer: {exc}")
        print("entrypoint: waiting for the database ...", file=sys.stderr, flush=True)
        time.sleep(1)
connection.close()
PY
fi

if [ "${RUN_MIGRATIONS:-0}" = 1 ]; then
    python manage.py migrate --noinput
fi

exec "$@"
