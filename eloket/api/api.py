"""The JSON API at /api/v1/ (OpenAPI document at /api/v1/openapi.json, read as a page at /api/v1/docs):
SMS gateway, parking-app operators, scan cars.

Each part authenticates its own clients (gateway token and signature, operator API key, device token); none uses
cookies, so CSRF does not apply.
"""

from ninja import NinjaAPI

from . import errors
from .parser import TextParser

api = NinjaAPI(title="eloket API", version="1", urls_namespace="api", docs_url=None, parser=TextParser(),
               description="Parking sessions from SMS and parking apps, and enforcement checks for scan cars.")
errors.install(api)


def _routers():
    from parking_sessions import api_enforcement, api_operator, api_sms

    api.add_router("/sms/", api_sms.router, tags=["SMS gateway"])
    api.add_router("/operator/", api_operator.router, tags=["Parking-app operators"])
    api.add_router("/enforcement/", api_enforcement.router, tags=["Enforcement"])


_routers()
