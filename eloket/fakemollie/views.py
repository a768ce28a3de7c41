"""The hosted checkout page: where Mollie would show its payment screen, the payer picks the outcome.

On submit the status changes (with its timestamp), the webhook is called synchronously (id=tr_...,
form-encoded, like Mollie) after the change is committed, and the payer goes to the redirectUrl
(to the cancelUrl, when one was given, for a canceled payment). "Still open" only goes back.

Like Mollie's own screen, the page speaks the payment's `locale` (nl_BE → Dutch, en_US → English) or else
the payer's language (language cookie, Accept-Language); the site's default for the rest.
"""

from functools import wraps

from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from . import state
from .forms import CheckoutForm
from .models import FakePayment

Status = FakePayment.Status


def _closed(request, payment, status=200):
    return render(request, "fakemollie/closed.html", {"payment": payment}, status=status)


def _language(request, payment_id) -> str:
    locale = FakePayment.objects.filter(pk=payment_id).values_list("locale", flat=True).first()
    language = locale.split("_")[0] if locale else translation.get_language_from_request(request)
    return language if language in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def in_payers_language(view):
    @wraps(view)
    def wrapper(request, payment_id):
        language = _language(request, payment_id)
        with translation.override(language):
            response = view(request, payment_id)
        response.headers["Content-Language"] = language
        return response

    return wrapper


@require_http_methods(["GET", "POST"])
@in_payers_language
def checkout(request, payment_id):
    state.expire_overdue()
    payment = FakePayment.objects.filter(pk=payment_id).first()
    if payment is None:
        return render(request, "fakemollie/unknown.html", {"payment_id": payment_id[:60]}, status=404)
    if payment.status != Status.OPEN:
        return _closed(request, payment, status=200 if request.method == "GET" else 409)
    form = CheckoutForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        outcome = form.cleaned_data["outcome"]
        if outcome == Status.OPEN:
            return HttpResponseRedirect(payment.redirect_url)
        payment, changed = state.finish(payment.id, outcome)
        if not changed:
            return _closed(request, payment, status=409)
        state.call_webhook(payment, outcome)
        if outcome == Status.CANCELED and payment.cancel_url:
            return HttpResponseRedirect(payment.cancel_url)
        return HttpResponseRedirect(payment.redirect_url)
    return render(request, "fakemollie/checkout.html", {"payment": payment, "form": form},
                  status=400 if form.is_bound else 200)
