from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "eloket.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import (
            panels,  # noqa: F401  registers this app's dashboard panels
            roles,
        )

        roles.grant(roles.COUNTER, ["accounts.view_user", "accounts.change_user", "accounts.view_vehicle",
                                    "accounts.add_vehicle", "accounts.change_vehicle"])
        roles.grant(roles.CITY_ADMIN, ["accounts.view_user", "accounts.view_vehicle"])
