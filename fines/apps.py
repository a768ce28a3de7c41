from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinesConfig(AppConfig):
    name = "fines"
    label = "fines"
    verbose_name = _("Fines and retributions")

    def ready(self):
        from eloket.accounts import roles

        from . import panels  # noqa: F401  registers the "Fines and retributions" panel on Mijn loket

        # Enforcement registers and imports cases; the sanctioning official handles them (through the rules, never by
        # editing the status); the counter answers questions about them; the city admin keeps the offence catalogue.
        roles.grant(roles.ENFORCEMENT, ["fines.add_case", "fines.view_case", "fines.view_evidence",
                                        "fines.add_importbatch", "fines.view_importbatch", "fines.view_offence"])
        roles.grant(roles.SANCTIONING, ["fines.view_case", "fines.change_case", "fines.view_evidence",
                                        "fines.view_caseevent", "fines.view_offence", "fines.view_importbatch",
                                        "fines.view_objection", "fines.change_objection",
                                        "fines.view_objectionattachment", "fines.view_hearing", "fines.change_hearing"])
        roles.grant(roles.COUNTER, ["fines.view_case", "fines.view_evidence", "fines.view_caseevent",
                                    "fines.view_offence", "fines.view_objection", "fines.view_objectionattachment",
                                    "fines.view_hearing"])
        roles.grant(roles.CITY_ADMIN, ["fines.add_offence", "fines.change_offence", "fines.view_offence",
                                       "fines.view_case"])

    def seed_demo(self):
        """Called by `manage.py seed_demo_city`: the offence catalogue."""
        from .demo import seed_offences

        seed_offences()

    def seed_demo_accounts(self):
        """Called by `manage.py seed_demo_city` after the demo accounts exist: a few cases for Alice and Bob."""
        from .demo import seed_demo_cases

        seed_demo_cases()
