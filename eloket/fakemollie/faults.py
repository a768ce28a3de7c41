"""Faults the fake API answers with on purpose, so tests and the demo can watch eloket cope with a failing Mollie.

    FakeFault.objects.create(kind=FakeFault.Kind.SLOW_ANSWER, method="POST", path="^payments$", hold_seconds=3)

makes the next payment creation do its work and then hold the answer for 3 seconds: a client with a shorter read
timeout gives up although the payment exists ("maybe sent"). ERROR and UNAVAILABLE answer 500 and 503 in Mollie's
JSON error shape without doing anything; SLOW_START holds first and then does the work. Each fault serves its
next `remaining` matching calls, claimed with a conditional UPDATE so two threads never share one call.
"""

import json
import time

from django.db.models import F
from django.http import HttpResponse

from .models import FakeFault

DOC_ERRORS = "https://docs.mollie.com/overview/handling-errors"
ERRORS = {
    FakeFault.Kind.ERROR: (500, "Internal Server Error", "An internal server error occurred while processing your request"),
    FakeFault.Kind.UNAVAILABLE: (503, "Service Unavailable", "The service is temporarily unavailable; try again later"),
}


def claim(method: str, path: str) -> FakeFault | None:
    """The oldest fault with calls left that matches this call, with one call taken from it; None for most calls."""
    for fault in FakeFault.objects.filter(remaining__gt=0).order_by("created_at", "id"):
        if not fault.matches(method, path):
            continue
        if FakeFault.objects.filter(pk=fault.pk, remaining__gt=0).update(remaining=F("remaining") - 1,
                                                                         used=F("used") + 1):
            return fault
    return None


def error_response(fault: FakeFault) -> HttpResponse:
    status, title, detail = ERRORS[fault.kind]
    body = {"status": status, "title": title, "detail": detail,
            "_links": {"documentation": {"href": DOC_ERRORS, "type": "text/html"}}}
    return HttpResponse(json.dumps(body), status=status, content_type="application/hal+json")


def answer(method: str, path: str, handle) -> HttpResponse:
    """Serve one API call through `handle()`, unless a fault claims it."""
    fault = claim(method, path)
    if fault is None:
        return handle()
    try:
        if fault.kind in ERRORS:
            return error_response(fault)
        if fault.kind == FakeFault.Kind.SLOW_START:
            time.sleep(float(fault.hold_seconds))
            return handle()
        response = handle()
        # Outside any transaction: the work is committed and visible while the caller waits in vain.
        time.sleep(float(fault.hold_seconds))
        return response
    finally:
        FakeFault.objects.filter(pk=fault.pk).update(finished=F("finished") + 1)
