from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "eloket.documents"
    label = "documents"
    verbose_name = _("Documents")

    def ready(self):
        from eloket.accounts import roles

        from . import (
            panels,  # noqa: F401  registers the "Documents" panel on Mijn loket
            signals,  # noqa: F401  letters follow the payment state of their case
        )

        roles.grant(roles.COUNTER, ["documents.view_document", "documents.change_document"])
        roles.grant(roles.CITY_ADMIN, ["documents.view_document"])
