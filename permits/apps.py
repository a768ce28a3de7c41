from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PermitsConfig(AppConfig):
    name = "permits"
    label = "permits"
    verbose_name = _("Permits")

    def ready(self):
        from eloket.accounts import roles

        # Counter staff review applications (through the rules, never by editing the status); the city admin sets prices.
        roles.grant(roles.COUNTER, ["permits.view_permit", "permits.change_permit", "permits.view_permitplate",
                                    "permits.change_permitplate", "permits.view_permitevent",
                                    "permits.view_residentcardprice"])
        roles.grant(roles.CITY_ADMIN, ["permits.add_residentcardprice", "permits.change_residentcardprice",
                                       "permits.delete_residentcardprice", "permits.view_residentcardprice",
                                       "permits.view_permit", "permits.view_permitplate", "permits.view_permitevent"])

    def seed_demo(self):
        """Called by `manage.py seed_demo_city`: the demo city's resident card prices."""
        from .demo import seed_prices

        seed_prices()
