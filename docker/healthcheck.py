"""Docker HEALTHCHECK for the web container: GET /health/ on the local server.

Django answers only for ALLOWED_HOSTS, so the request names the first of them as its Host.
"""

import os
import sys
import urllib.request

host = (os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip() or "localhost").lstrip(".")
if host == "*":
    host = "localhost"
request = urllib.request.Request(
    "http://127.0.0.1:8000/health/",
    headers={"Host": host},
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception as exc:  # any failure is "unhealthy"
    print(f"unhealthy: {exc}", file=sys.stderr)
    sys.exit(1)
