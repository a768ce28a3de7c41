"""One error shape for every JSON endpoint: {"code": <machine-readable>, "detail": <message>}, plus the field
messages at the top level for invalid input (as parkkihubi's operator API answers: {"registration_number": [...]})."""

from django.core.exceptions import RequestDataTooBig
from django.http import Http404
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError


class ApiError(Exception):
    """Raise from an endpoint: the client gets `status` with `code` and `detail`, and `fields` when given."""

    def __init__(self, status: int, code: str, detail: str, fields: dict | None = None):
        super().__init__(detail)
        self.status, self.code, self.detail, self.fields = status, code, str(detail), fields or {}


def _field_name(location: tuple) -> str:
    # ninja reports ("body", <parameter>, "registration_number") or ("query", "plate"); the client knows the rest.
    parts = [str(part) for part in location]
    if parts and parts[0] == "body":
        parts = parts[2:]
    elif parts and parts[0] in ("query", "path", "header", "form", "cookie"):
        parts = parts[1:]
    return ".".join(parts) or "non_field_errors"


def install(api) -> None:
    @api.exception_handler(ApiError)
    def api_error(request, exc: ApiError):
        return api.create_response(request, {"code": exc.code, "detail": exc.detail, **exc.fields}, status=exc.status)

    @api.exception_handler(NinjaValidationError)
    def invalid(request, exc: NinjaValidationError):
        fields: dict[str, list[str]] = {}
        for error in exc.errors:
            fields.setdefault(_field_name(tuple(error.get("loc", ()))), []).append(str(error.get("msg", "Invalid value.")))
        return api.create_response(request, {"code": "invalid", "detail": "The request is not valid.", **fields},
                                   status=400)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, {"code": "authentication_failed",
                                             "detail": "Authentication credentials were not provided or are not valid."},
                                   status=401)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"code": "not_found", "detail": "Not found."}, status=404)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request, exc):
        return api.create_response(request, {"code": "too_large", "detail": "The request body is too large."}, status=413)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        return api.create_response(request, {"code": "error", "detail": str(exc)}, status=exc.status_code)
