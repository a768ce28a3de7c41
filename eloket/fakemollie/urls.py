from django.urls import path

from . import api, views

app_name = "fakemollie"

urlpatterns = [
    # The payer's side: the hosted checkout page.
    path("checkout/<str:payment_id>/", views.checkout, name="checkout"),
    # The merchant's side: Mollie's v2 REST API (no trailing slashes, like Mollie).
    path("v2/payments", api.payments, name="payments"),
    path("v2/payments/<str:payment_id>", api.payment, name="payment"),
    path("v2/payments/<str:payment_id>/refunds", api.payment_refunds, name="payment_refunds"),
    path("v2/payments/<str:payment_id>/refunds/<str:refund_id>", api.payment_refund, name="payment_refund"),
    path("v2/refunds", api.refunds, name="refunds"),
    path("v2/<path:rest>", api.not_found),
]
