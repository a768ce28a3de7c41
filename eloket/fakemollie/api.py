"""Mollie's v2 REST API, the parts eloket uses: payments (create, get, list, update, cancel) and refunds.

Shapes follow docs.mollie.com and what mollie-api-python 4.0 reads. Every call needs
`Authorization: Bearer test_...` (or `live_...`, 30+ letters and digits after the prefix); answers and
errors are `application/hal+json`, errors as {"status", "title", "detail", "field"?, "_links"}.
A test key sees only test-mode payments and a live key only live ones, as at Mollie.

Idempotency-Key (sent by the Python client on every POST, PATCH and DELETE): a successful answer is
stored for an hour per API key, method and path, and a repeat gets it again with `Idempotent-Replayed: true`;
the same key with another body is refused (422); a repeat while the first is still running gets 409.

Faults set in the database (`FakeFault`, see faults.py) make chosen calls answer 500 or 503, or answer too late.
"""

import hashlib
import json
import re
from datetime import UTC, timedelta
from decimal import Decimal, InvalidOperation
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpResponse, QueryDict
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt

from . import faults, state
from .models import FakeIdempotencyKey, FakePayment, FakeRefund, Mode

Status = FakePayment.Status
HAL = "application/hal+json"
CURRENCY = "EUR"
MINIMUM = Decimal("0.01")
MAXIMUM = Decimal("99999999.99")
PROFILE_ID = "pfl_FakeMollie"
IDEMPOTENCY_HOURS = 1
DEFAULT_LIMIT, MAX_LIMIT = 50, 250

DOCS = "https://docs.mollie.com"
DOC_ERRORS = f"{DOCS}/overview/handling-errors"
DOC_AUTH = f"{DOCS}/overview/authentication"
DOC_CREATE_PAYMENT = f"{DOCS}/reference/v2/payments-api/create-payment"
DOC_GET_PAYMENT = f"{DOCS}/reference/v2/payments-api/get-payment"
DOC_LIST_PAYMENTS = f"{DOCS}/reference/v2/payments-api/list-payments"
DOC_CREATE_REFUND = f"{DOCS}/reference/v2/refunds-api/create-payment-refund"
DOC_GET_REFUND = f"{DOCS}/reference/v2/refunds-api/get-payment-refund"
DOC_LIST_REFUNDS = f"{DOCS}/reference/v2/refunds-api/list-payment-refunds"

KEY = re.compile(r"^(test|live)_[A-Za-z0-9]{30,}$")
VALUE = re.compile(r"^\d+\.\d{2}$")
METHODS = frozenset({
    "alma", "applepay", "bacs", "bancomatpay", "bancontact", "banktransfer", "belfius", "billie", "blik", "creditcard",
    "directdebit", "eps", "giftcard", "googlepay", "ideal", "in3", "kbc", "klarna", "klarnapaylater", "klarnapaynow",
    "klarnasliceit", "mbway", "multibanco", "mybank", "payconiq", "paypal", "paysafecard", "przelewy24", "riverty",
    "satispay", "swish", "trustly", "twint", "voucher",
})
LOCALES = frozenset({
    "en_US", "en_GB", "nl_NL", "nl_BE", "de_DE", "de_AT", "de_CH", "fr_FR", "fr_BE", "es_ES", "ca_ES", "pt_PT", "it_IT",
    "nb_NO", "sv_SE", "fi_FI", "da_DK", "is_IS", "hu_HU", "pl_PL", "lv_LV", "lt_LT",
})
TITLES = {400: "Bad Request", 401: "Unauthorized Request", 404: "Not Found", 405: "Method Not Allowed",
          409: "Conflict", 422: "Unprocessable Entity"}


class ApiError(Exception):
    def __init__(self, status: int, detail: str, field: str | None = None, documentation: str = DOC_ERRORS):
        super().__init__(detail)
        self.status, self.detail, self.field, self.documentation = status, detail, field, documentation

    def response(self) -> HttpResponse:
        body = {"status": self.status, "title": TITLES.get(self.status, "Error"), "detail": self.detail}
        if self.field:
            body["field"] = self.field
        body["_links"] = {"documentation": {"href": self.documentation, "type": "text/html"}}
        return hal(body, self.status)


def invalid(detail: str, field: str | None = None) -> ApiError:
    return ApiError(422, detail, field)


def hal(data, status: int = 200) -> HttpResponse:
    return HttpResponse(json.dumps(data), status=status, content_type=HAL)


# --- formatting -------------------------------------------------------------------------------------------------


def iso(moment) -> str | None:
    """Mollie's timestamps: ISO 8601 in UTC to the second, e.g. 2024-03-20T09:13:37+00:00."""
    return moment.astimezone(UTC).isoformat(timespec="seconds") if moment else None


def money(value: Decimal, currency: str = CURRENCY) -> dict:
    return {"value": f"{Decimal(value):.2f}", "currency": currency}


def link(href: str, kind: str = HAL) -> dict:
    return {"href": href, "type": kind}


def api_url(request, name: str, *args, query: dict | None = None) -> str:
    url = request.build_absolute_uri(reverse(f"fakemollie:{name}", args=args))
    return f"{url}?{urlencode(query)}" if query else url


def checkout_url(payment: FakePayment) -> str:
    """Absolute, on SITE_URL: the payer's browser goes there, whoever called the API."""
    return settings.SITE_URL + reverse("fakemollie:checkout", args=[payment.id])


def dashboard_url(payment: FakePayment) -> str:
    """Mollie's dashboard is, for the fake, the Django admin's page of the payment."""
    with translation.override(None):
        try:
            return settings.SITE_URL + reverse("admin:fakemollie_fakepayment_change", args=[payment.id])
        except NoReverseMatch:
            return settings.SITE_URL + "/"


def payment_resource(request, payment: FakePayment) -> dict:
    data = {
        "resource": "payment",
        "id": payment.id,
        "mode": payment.mode,
        "createdAt": iso(payment.created_at),
        "amount": money(payment.value, payment.currency),
        "description": payment.description,
        "method": payment.method,
        "metadata": payment.metadata,
        "status": payment.status,
        "isCancelable": payment.status == Status.OPEN,
        "profileId": PROFILE_ID,
        "sequenceType": "oneoff",
        "redirectUrl": payment.redirect_url,
    }
    if payment.cancel_url:
        data["cancelUrl"] = payment.cancel_url
    if payment.webhook_url:
        data["webhookUrl"] = payment.webhook_url
    if payment.locale:
        data["locale"] = payment.locale
    if payment.status == Status.OPEN:
        data["expiresAt"] = iso(payment.expires_at)
    for key, moment in (("paidAt", payment.paid_at), ("canceledAt", payment.canceled_at),
                        ("expiredAt", payment.expired_at), ("failedAt", payment.failed_at)):
        if moment:
            data[key] = iso(moment)
    links = {"self": link(api_url(request, "payment", payment.id))}
    if payment.status == Status.OPEN:
        links["checkout"] = link(checkout_url(payment), "text/html")
    links["dashboard"] = link(dashboard_url(payment), "text/html")
    if payment.status == Status.PAID:
        refunded = state.refunded_total(payment)
        data["amountRefunded"] = money(refunded, payment.currency)
        data["amountRemaining"] = money(payment.value - refunded, payment.currency)
        data["settlementAmount"] = money(payment.value, payment.currency)
        if payment.refunds.exists():
            links["refunds"] = link(api_url(request, "payment_refunds", payment.id))
    links["documentation"] = link(DOC_GET_PAYMENT, "text/html")
    data["_links"] = links
    return data


def refund_resource(request, refund: FakeRefund) -> dict:
    return {
        "resource": "refund",
        "id": refund.id,
        "mode": refund.payment.mode,
        "amount": money(refund.value, refund.currency),
        "settlementAmount": money(-refund.value, refund.currency),
        "status": refund.status,
        "description": refund.description,
        "metadata": refund.metadata,
        "paymentId": refund.payment_id,
        "createdAt": iso(refund.created_at),
        "_links": {
            "self": link(api_url(request, "payment_refund", refund.payment_id, refund.id)),
            "payment": link(api_url(request, "payment", refund.payment_id)),
            "documentation": link(DOC_GET_REFUND, "text/html"),
        },
    }


def page(request, queryset, embed: str, serialize, name: str, args=(), documentation: str = DOC_LIST_PAYMENTS):
    """Mollie's cursor pagination: newest first, `from` (an id, included) and `limit` (1-250, default 50)."""
    raw_limit = request.GET.get("limit", "")
    try:
        limit = int(raw_limit) if raw_limit else DEFAULT_LIMIT
    except ValueError:
        raise ApiError(400, "The limit is invalid", "limit") from None
    if not 1 <= limit <= MAX_LIMIT:
        raise ApiError(400, f"The limit must be between 1 and {MAX_LIMIT}", "limit")
    ids = list(queryset.values_list("id", flat=True))
    start = 0
    if request.GET.get("from"):
        try:
            start = ids.index(request.GET["from"])
        except ValueError:
            raise ApiError(400, "The 'from' parameter does not refer to an existing resource", "from") from None
    chosen = ids[start:start + limit]
    objects = {obj.id: obj for obj in queryset.filter(id__in=chosen)}
    nxt = ids[start + limit] if start + limit < len(ids) else None
    previous = ids[max(0, start - limit)] if start > 0 else None
    return hal({
        "count": len(chosen),
        "_embedded": {embed: [serialize(request, objects[id_]) for id_ in chosen]},
        "_links": {
            "self": link(request.build_absolute_uri()),
            "previous": link(api_url(request, name, *args, query={"from": previous, "limit": limit})) if previous else None,
            "next": link(api_url(request, name, *args, query={"from": nxt, "limit": limit})) if nxt else None,
            "documentation": link(documentation, "text/html"),
        },
    })


# --- reading requests -------------------------------------------------------------------------------------------


def read_body(request) -> dict:
    """A JSON object, or Mollie's form encoding (amount[value]=10.00&amount[currency]=EUR)."""
    if request.content_type in {"application/x-www-form-urlencoded", "multipart/form-data"}:
        return _unflatten(request.POST if request.method == "POST" else QueryDict(request.body))
    if not request.body.strip():
        return {}
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "The request body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object")
    return data


def _unflatten(query) -> dict:
    data = {}
    for key, values in query.lists():
        match = re.fullmatch(r"(\w+)\[(\w*)\]", key)
        if not match:
            data[key] = values[-1]
        elif match[2]:
            data.setdefault(match[1], {})
            if isinstance(data[match[1]], dict):
                data[match[1]][match[2]] = values[-1]
        else:
            data[match[1]] = values
    return data


def parse_amount(amount, kind: str) -> tuple[Decimal, str]:
    if amount is None:
        raise invalid(f"The amount is required for {kind}", "amount")
    if not isinstance(amount, dict):
        raise invalid("The amount is invalid; send an object with a currency and a value", "amount")
    currency, value = amount.get("currency"), amount.get("value")
    if not isinstance(currency, str) or not currency:
        raise invalid("The amount currency is required", "amount.currency")
    if currency != CURRENCY:
        raise invalid(f"The currency '{currency[:10]}' is not supported; this account accepts only EUR", "amount.currency")
    if not isinstance(value, str) or not VALUE.match(value):
        raise invalid("The amount contains an invalid value; send a string with two decimals, like \"10.00\"",
                      "amount.value")
    try:
        number = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern already guarantees a number
        raise invalid("The amount contains an invalid value", "amount.value") from None
    if number < MINIMUM:
        raise invalid("The amount is lower than minimum", "amount")
    if number > MAXIMUM:
        raise invalid("The amount is higher than maximum", "amount")
    return number, currency


def parse_text(data: dict, field: str, label: str, *, required: bool, max_length: int = 255) -> str | None:
    value = data.get(field)
    if value is None or value == "":
        if required:
            raise invalid(f"The {label} is required", field)
        return None
    if not isinstance(value, str) or not value.strip():
        raise invalid(f"The {label} is invalid", field)
    if len(value) > max_length:
        raise invalid(f"The {label} is too long; it may be at most {max_length} characters", field)
    return value


def parse_url(data: dict, field: str, label: str, *, required: bool) -> str | None:
    value = data.get(field)
    if value is None or value == "":
        if required:
            raise invalid(f"The {label} is required", field)
        return None
    if not isinstance(value, str) or len(value) > 2048:
        raise invalid(f"The {label} is invalid", field)
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.netloc or any(c.isspace() for c in value):
        raise invalid(f"The {label} is invalid", field)
    return value


def parse_method(data: dict):
    method = data.get("method")
    if method is None or method == "":
        return None
    methods = method if isinstance(method, list) else [method]
    if not methods or not all(isinstance(m, str) and m in METHODS for m in methods):
        raise invalid("The payment method is invalid", "method")
    return method


def parse_metadata(data: dict):
    metadata = data.get("metadata")
    if metadata is not None and len(json.dumps(metadata)) > 1024:
        raise invalid("The metadata is too large; it may be at most 1024 characters of JSON", "metadata")
    return metadata


def parse_locale(data: dict) -> str:
    locale = data.get("locale")
    if locale is None or locale == "":
        return ""
    if locale not in LOCALES:
        raise invalid("The locale is invalid", "locale")
    return locale


# --- the endpoint decorator: authentication, methods, idempotency -----------------------------------------------


def _authenticate(request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not KEY.match(token):
        raise ApiError(401, "Missing authentication, or failed to authenticate", documentation=DOC_AUTH)
    return token


def endpoint(*methods):
    def decorate(view):
        @csrf_exempt
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            try:
                key = _authenticate(request)
                if request.method not in methods:
                    raise ApiError(405, f"The method {request.method[:10]} is not allowed for this resource; "
                                        f"use {', '.join(methods)}")
            except ApiError as error:
                return error.response()
            request.mollie_key = key
            request.mollie_mode = Mode.LIVE if key.startswith("live_") else Mode.TEST
            path = request.path.partition("/v2/")[2]
            return faults.answer(request.method, path, lambda: _serve(request, view, args, kwargs))

        return wrapper

    return decorate


def _serve(request, view, args, kwargs) -> HttpResponse:
    try:
        state.expire_overdue()
        if request.method != "GET" and request.headers.get("Idempotency-Key"):
            return _idempotent(request, lambda: view(request, *args, **kwargs))
        return view(request, *args, **kwargs)
    except ApiError as error:
        return error.response()


def _idempotent(request, run) -> HttpResponse:
    owner = hashlib.sha256(request.mollie_key.encode()).hexdigest()
    key = request.headers["Idempotency-Key"][:255]
    body_hash = hashlib.sha256(request.body).hexdigest()
    where = {"key_owner": owner, "key": key, "method": request.method, "path": request.get_full_path()[:500]}
    FakeIdempotencyKey.objects.filter(created_at__lt=timezone.now() - timedelta(hours=IDEMPOTENCY_HOURS)).delete()
    try:
        with transaction.atomic():
            record = FakeIdempotencyKey.objects.create(body_hash=body_hash, **where)
    except IntegrityError:
        record = FakeIdempotencyKey.objects.filter(**where).first()
        if record is None:  # pragma: no cover - deleted in between; simply run it
            return run()
        if record.body_hash != body_hash:
            raise invalid("The Idempotency-Key was already used for another request body") from None
        if record.response_status is None:
            raise ApiError(409, "A request with this Idempotency-Key is still being handled") from None
        response = HttpResponse(record.response_body, status=record.response_status, content_type=HAL)
        response["Idempotent-Replayed"] = "true"
        return response
    try:
        response = run()
    except BaseException:
        record.delete()
        raise
    if 200 <= response.status_code < 300:
        record.response_status, record.response_body = response.status_code, response.content.decode()
        record.save(update_fields=["response_status", "response_body"])
    else:
        record.delete()
    return response


def _payment_or_404(request, payment_id: str, *, lock: bool = False) -> FakePayment:
    payments = FakePayment.objects.select_for_update() if lock else FakePayment.objects
    payment = payments.filter(pk=payment_id, mode=request.mollie_mode).first()
    if payment is None:
        raise ApiError(404, f"No payment exists with token {payment_id[:60]}.", documentation=DOC_GET_PAYMENT)
    return payment


def _refund_or_404(request, payment: FakePayment, refund_id: str) -> FakeRefund:
    refund = payment.refunds.filter(pk=refund_id).first()
    if refund is None:
        raise ApiError(404, f"No refund exists with token {refund_id[:60]}.", documentation=DOC_GET_REFUND)
    return refund


# --- endpoints --------------------------------------------------------------------------------------------------


@endpoint("GET", "POST")
def payments(request):
    if request.method == "GET":
        queryset = FakePayment.objects.filter(mode=request.mollie_mode)
        return page(request, queryset, "payments", payment_resource, "payments")
    return _create_payment(request)


def _create_payment(request):
    data = read_body(request)
    value, currency = parse_amount(data.get("amount"), "payments")
    description = parse_text(data, "description", "description", required=True)
    redirect_url = parse_url(data, "redirectUrl", "redirect URL", required=True)
    cancel_url = parse_url(data, "cancelUrl", "cancel URL", required=False)
    webhook_url = parse_url(data, "webhookUrl", "webhook URL", required=False)
    method = parse_method(data)
    metadata = parse_metadata(data)
    locale = parse_locale(data)
    now = timezone.now()
    payment = FakePayment.objects.create(
        mode=request.mollie_mode, created_at=now, currency=currency, value=value, description=description,
        requested_method=method, method=method if isinstance(method, str) else None, metadata=metadata,
        redirect_url=redirect_url, cancel_url=cancel_url or "", webhook_url=webhook_url or "", locale=locale,
        expires_at=state.new_expiry(now),
    )
    return hal(payment_resource(request, payment), 201)


@endpoint("GET", "PATCH", "DELETE")
def payment(request, payment_id):
    if request.method == "DELETE":
        found, changed = state.cancel(payment_id, request.mollie_mode)
        if found is None:
            _payment_or_404(request, payment_id)
        if not changed:
            raise invalid(f"The payment cannot be canceled, because its status is '{found.status}'")
        return hal(payment_resource(request, found))
    if request.method == "PATCH":
        return _update_payment(request, payment_id)
    return hal(payment_resource(request, _payment_or_404(request, payment_id)))


def _update_payment(request, payment_id):
    data = read_body(request)
    with transaction.atomic():
        found = _payment_or_404(request, payment_id, lock=True)
        if found.status != Status.OPEN:
            raise invalid(f"The payment cannot be updated, because its status is '{found.status}'")
        if "description" in data:
            found.description = parse_text(data, "description", "description", required=True)
        if "redirectUrl" in data:
            found.redirect_url = parse_url(data, "redirectUrl", "redirect URL", required=True)
        if "cancelUrl" in data:
            found.cancel_url = parse_url(data, "cancelUrl", "cancel URL", required=False) or ""
        if "webhookUrl" in data:
            found.webhook_url = parse_url(data, "webhookUrl", "webhook URL", required=False) or ""
        if "metadata" in data:
            found.metadata = parse_metadata(data)
        if "method" in data:
            method = parse_method(data)
            found.requested_method, found.method = method, method if isinstance(method, str) else None
        if "locale" in data:
            found.locale = parse_locale(data)
        found.save()
    return hal(payment_resource(request, found))


@endpoint("GET", "POST")
def payment_refunds(request, payment_id):
    if request.method == "POST":
        return _create_refund(request, payment_id)
    found = _payment_or_404(request, payment_id)
    state.settle_refunds(found.refunds.all())
    return page(request, found.refunds.select_related("payment"), "refunds", refund_resource, "payment_refunds",
                args=[found.id], documentation=DOC_LIST_REFUNDS)


def _create_refund(request, payment_id):
    data = read_body(request)
    with transaction.atomic():
        found = _payment_or_404(request, payment_id, lock=True)
        if found.status != Status.PAID:
            raise invalid(f"The payment cannot be refunded, because its status is '{found.status}'; "
                          "only paid payments can be refunded")
        value, currency = parse_amount(data.get("amount"), "refunds")
        if currency != found.currency:
            raise invalid("The refund currency must be the currency of the payment", "amount.currency")
        remaining = found.value - state.refunded_total(found)
        if value > remaining:
            raise invalid(f"The refund amount is higher than the amount that can still be refunded "
                          f"({money(remaining, currency)['value']} {currency})", "amount")
        description = parse_text(data, "description", "description", required=False) or ""
        metadata = parse_metadata(data)
        instant = state.instant_refunds() or request.GET.get("instant", "").lower() in {"1", "true", "yes"}
        refund = FakeRefund.objects.create(
            payment=found, currency=currency, value=value, description=description, metadata=metadata,
            status=FakeRefund.Status.REFUNDED if instant else FakeRefund.Status.PENDING,
        )
    return hal(refund_resource(request, refund), 201)


@endpoint("GET", "DELETE")
def payment_refund(request, payment_id, refund_id):
    found = _payment_or_404(request, payment_id)
    refund = _refund_or_404(request, found, refund_id)
    if request.method == "DELETE":
        cancelable = [FakeRefund.Status.QUEUED, FakeRefund.Status.PENDING]
        if not FakeRefund.objects.filter(pk=refund.pk, status__in=cancelable).update(status=FakeRefund.Status.CANCELED):
            refund.refresh_from_db()
            raise invalid(f"The refund cannot be canceled, because its status is '{refund.status}'")
        return HttpResponse(status=204)
    if state.settle_refunds(FakeRefund.objects.filter(pk=refund.pk)):
        refund.refresh_from_db()
    return hal(refund_resource(request, refund))


@endpoint("GET")
def refunds(request):
    queryset = FakeRefund.objects.filter(payment__mode=request.mollie_mode)
    state.settle_refunds(queryset)
    return page(request, queryset.select_related("payment"), "refunds", refund_resource, "refunds",
                documentation=DOC_LIST_REFUNDS)


@endpoint("GET", "POST", "PATCH", "DELETE")
def not_found(request, rest=""):
    raise ApiError(404, "The resource does not exist; the fake Mollie API knows only payments and refunds")
