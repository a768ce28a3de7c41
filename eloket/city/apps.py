from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityConfig(AppConfig):
    name = "eloket.city"
    label = "city"
    verbose_name = _("City reference data")

    def ready(self):
        from eloket.accounts import roles

        from . import signals  # noqa: F401  clears the cached city profile on save

        # City admins maintain the reference data; the city profile is a singleton they edit but
        # never add or delete. Every other role reads it (their work depends on these figures).
        names = [model._meta.model_name for model in self.get_models()]
        admin_perms = []
        for name in names:
            actions = ("view", "change") if name == "cityprofile" else ("add", "change", "view", "delete")
            admin_perms += [f"city.{action}_{name}" for action in actions]
        roles.grant(roles.CITY_ADMIN, admin_perms)
        for role in (roles.COUNTER, roles.ENFORCEMENT, roles.SANCTIONING):
            roles.grant(role, [f"city.view_{name}" for name in names])
