from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "eloket.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from eloket.accounts import roles

        roles.grant(roles.COUNTER, ["notifications.view_outboundmessage", "notifications.change_outboundmessage"])
        roles.grant(roles.CITY_ADMIN, ["notifications.view_outboundmessage"])
