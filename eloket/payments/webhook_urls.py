"""Mounted at /payments/webhook/, outside the language prefix: Mollie calls it, not people."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.webhook, name="mollie_webhook"),
]
