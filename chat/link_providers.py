"""The link providers for permits, fines and appointments, found lazily so chat never imports those apps.

Each is registered only when its app and model are installed; what a citizen owns is the model's owner field
(a permit's holder, a case's citizen, an appointment's citizen).
"""

from collections.abc import Callable

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import links

# The newest objects a citizen picks from; older ones are rarely what a question is about.
CHOICES_SHOWN = 20


def _model(app_label: str, model_name: str):
    if not apps.is_installed(app_label):
        return None
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None


def _permit_label(permit) -> str:
    return _("%(kind)s #%(id)s (%(status)s)") % {"kind": permit.get_kind_display(), "id": permit.pk,
                                                 "status": permit.get_status_display()}


def _case_label(case) -> str:
    return _("%(kind)s %(number)s (%(status)s)") % {"kind": case.get_kind_display(), "number": case.notice_number,
                                                    "status": case.get_status_display()}


def _appointment_label(appointment) -> str:
    return _("%(reference)s on %(date)s (%(status)s)") % {
        "reference": appointment.reference, "date": date_format(timezone.localtime(appointment.starts_at),
                                                                 "SHORT_DATETIME_FORMAT"),
        "status": appointment.get_status_display()}


def model_provider(key: str, label, app_label: str, model_name: str, owner: str, describe: Callable,
                   newest_first: str = "-pk") -> links.LinkProvider | None:
    """A provider over one model; None when that model is not installed."""
    model = _model(app_label, model_name)
    if model is None:
        return None
    admin_name = f"admin:{model._meta.app_label}_{model._meta.model_name}_change"

    def choices(user):
        return [(obj.pk, describe(obj)) for obj in model.objects.filter(**{owner: user}).order_by(newest_first)[:CHOICES_SHOWN]]

    def describe_one(object_id):
        obj = model.objects.filter(pk=object_id).first()
        return describe(obj) if obj is not None else ""

    def admin_url(object_id):
        try:
            return reverse(admin_name, args=[object_id])
        except NoReverseMatch:
            return ""

    return links.LinkProvider(key, label, choices, describe_one, admin_url)


def register_installed() -> list[str]:
    """Register a provider for each app that is installed; returns their keys."""
    specs = [
        ("permit", _("Permit"), "permits", "Permit", "holder", _permit_label, "-created"),
        ("case", _("Retribution or fine"), "fines", "Case", "citizen", _case_label, "-observed_at"),
        ("appointment", _("Appointment"), "appointments", "Appointment", "citizen", _appointment_label, "-starts_at"),
    ]
    registered = []
    for key, label, app_label, model_name, owner, describe, order in specs:
        provider = model_provider(key, label, app_label, model_name, owner, describe, order)
        if provider is not None:
            links.register(provider)
            registered.append(key)
    return registered
