"""When the database cannot be reached (down, restarting, a connection lost, no pooled connection in time), answer 503
with Retry-After instead of a 500: the API's error shape under /api/, else a page that needs no database.

A 503 tells the SMS gateway and the parking apps to send again: nothing was acknowledged, and as their endpoints store
a message in one statement, nothing was half-written (a retry with the same id lands on the row if it did commit).
"""

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30
API_PREFIX = "/api/"
# The API's answers are not translated (eloket/api/errors.py); machines read the code.
API_ERROR = {"code": "service_unavailable", "detail": "The service is temporarily unavailable. Try again later."}


def is_outage(error: BaseException | None) -> bool:
    """Django's wrappers of psycopg's connection errors; psycopg_pool's PoolTimeout arrives as an OperationalError."""
    return isinstance(error, (OperationalError, InterfaceError))


def reason(error: BaseException) -> str:
    """What went wrong, for the log: the error's class and SQLSTATE, never its text when a statement failed (a server
    message may quote a value); a connection failure has no SQLSTATE and its text names only the server."""
    cause = error.__cause__ or error
    sqlstate = getattr(cause, "sqlstate", None)
    if sqlstate:
        return f"{type(cause).__name__}, SQLSTATE {sqlstate}"
    first_line = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    return f"{type(cause).__name__}: {first_line}" if first_line else type(cause).__name__


def unavailable(request, error: BaseException) -> HttpResponse:
    """The 503 for a database outage, logged in one line (method and path: no query string, no body)."""
    logger.error("Database unavailable, answered 503 to %s %s (%s)", request.method, request.path, reason(error))
    if request.path.startswith(API_PREFIX):
        response = JsonResponse(API_ERROR, status=503)
    else:
        # Rendered without the request: context processors (the city profile, the user) would ask the database.
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    response._has_been_logged = True  # Django would log a second, longer line for this answer
    return response


class DatabaseOutageMiddleware:
    """Turns a database outage met by a view (or by the template it renders) into the 503."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        return unavailable(request, exception) if is_outage(exception) else None


def server_error(request, template_name: str = "500.html"):
    """handler500: an outage met outside a view (a middleware reading the session, the context of a 404 page) is the
    503 too; anything else is the 500 page. Django calls it while handling the exception, so sys.exc_info() has it."""
    error = sys.exc_info()[1]
    if is_outage(error):
        return unavailable(request, error)
    return defaults.server_error(request, template_name)
