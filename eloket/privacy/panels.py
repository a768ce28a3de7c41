"""The "Your data" panel on Mijn loket: links only, so it adds no query to the dashboard."""

from django.utils.translation import gettext_lazy as _

from eloket.accounts.dashboard import Panel, register

register(Panel("privacy", _("Your data"), "privacy/panels/privacy.html", order=95))
