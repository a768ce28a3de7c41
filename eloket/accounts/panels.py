"""This app's own dashboard panels: personal details, vehicles and login security."""

from allauth.mfa.utils import is_mfa_enabled
from django.utils.translation import gettext_lazy as _

from .dashboard import Panel, register


def _vehicles(request):
    return {"vehicles": list(request.user.vehicles.all())}


def _security(request):
    return {"mfa_enabled": is_mfa_enabled(request.user)}


register(Panel("profile", _("Your details"), "accounts/panels/profile.html", order=10))
register(Panel("vehicles", _("Your vehicles"), "accounts/panels/vehicles.html", order=20, context=_vehicles))
register(Panel("security", _("Login security"), "accounts/panels/security.html", order=90, context=_security))
