from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CityConfig(AppConfig):
    name = "eloket.city"
    label = "city"
    verbose_name = _("City reference data")

    def ready(self):
        from . import signals  # noqa: F401  clears the cached city profile on save
