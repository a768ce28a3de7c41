from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "eloket.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from eloket.accounts import roles

        # Only the city administrator reads the trail; nobody writes it except the code (the admin is read-only).
        roles.grant(roles.CITY_ADMIN, ["audit.view_auditentry"])
