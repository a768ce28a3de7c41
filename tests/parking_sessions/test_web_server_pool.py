"""The ASGI web server keeps its PostgreSQL connections in a pool (settings.py, eloket/asgi.py): requests take one and
give it back instead of connecting each time; other processes (Celery's forked workers) keep plain connections."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

from parking_sessions import devices

SERVE = """
import asyncio, json
from eloket.asgi import application
from asgiref.testing import ApplicationCommunicator
from django.db import connections

async def get(path, query, token):
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"localhost"), (b"authorization", f"Bearer {token}".encode())],
             "client": ("127.0.0.1", 1), "server": ("localhost", 80)}
    app = ApplicationCommunicator(application, scope)
    await app.send_input({"type": "http.request", "body": b""})
    start = await app.receive_output(5)
    await app.receive_output(5)
    await app.wait(5)  # the request's end, where Django gives its connection back, comes after the body
    return start["status"]

statuses = [asyncio.run(get("/api/v1/enforcement/check", f"plate=1ABC{n:03d}&zone=C1", TOKEN)) for n in range(20)]
stats = connections["default"].pool.get_stats()
print(json.dumps({"statuses": statuses, "connections": stats["connections_num"], "requests": stats["requests_num"]}))
"""


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    environment = {key: value for key, value in os.environ.items() if key not in ("DATABASE_POOL", "ELOKET_SERVER")}
    environment.update({"DJANGO_SETTINGS_MODULE": "eloket.settings", "DATABASE_URL": url, **env})
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=environment, capture_output=True,
                          text=True, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_the_web_server_serves_requests_from_a_few_pooled_connections(demo_city):
    _device, token = devices.create_device("Scan car")

    served = run_python(f"TOKEN = {token!r}\n" + SERVE)

    assert served.returncode == 0, served.stderr[-2000:]
    outcome = json.loads(served.stdout.strip().splitlines()[-1])
    assert outcome["statuses"] == [200] * 20
    assert outcome["requests"] >= 20 and outcome["connections"] <= 3, served.stdout  # given back, not one per request


def test_other_processes_keep_plain_connections():
    shown = run_python("import django; django.setup(); from django.db import connection; "
                       "print(repr(connection.settings_dict['OPTIONS'].get('pool')), connection.settings_dict['CONN_MAX_AGE'])")

    assert shown.returncode == 0, shown.stderr[-2000:]
    assert shown.stdout.split()[0] == "None"
