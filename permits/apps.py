from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    name = "permits"
    label = "permits"
    verbose_name = _("Permits")

    def ready(self):
        from eloket.accounts import roles

        from . import panels  # noqa: F401  registers the "Permits" panel on Mijn loket

        # Counter staff decide on applications (through the rules, never by editing the status) and register disability
        # cards on a citizen's behalf (add_permit); the city admin sets prices; enforcement only looks plates up.
        roles.grant(roles.COUNTER, ["permits.view_permit", "permits.change_permit", "permits.add_permit",
                                    "permits.view_permitplate", "permits.view_permitevent", "permits.view_permitdocument",
                                    "permits.view_visitorperiod", "permits.view_residentcardprice"])
        roles.grant(roles.CITY_ADMIN, ["permits.add_residentcardprice", "permits.change_residentcardprice",
                                       "permits.delete_residentcardprice", "permits.view_residentcardprice",
                                       "permits.view_permit", "permits.view_permitplate", "permits.view_permitevent",
                                       "permits.view_permitdocument", "permits.view_visitorperiod"])
        roles.grant(roles.ENFORCEMENT, ["permits.view_permit", "permits.view_permitplate", "permits.view_visitorperiod"])

    def seed_demo(self):
        """Called by `manage.py seed_demo_city`: the demo city's resident card prices."""
        from .demo import seed_prices

        seed_prices()

    def seed_demo_accounts(self):
        """Called by `manage.py seed_demo_city` after the demo accounts exist: a card for Alice, an application of Bob."""
        from .demo import seed_permits

        seed_permits()
