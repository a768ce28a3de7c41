from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "eloket.payments"
    label = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from eloket.accounts import roles

        from . import panels  # noqa: F401  registers the "Payments" dashboard panel

        # Counter staff ask citizens to pay and can see payments; only the city admin may refund (money leaves the city).
        roles.grant(roles.COUNTER, ["payments.add_paymentrequest", "payments.view_paymentrequest",
                                    "payments.change_paymentrequest", "payments.view_payment",
                                    "payments.view_paymentevent", "payments.view_refund"])
        roles.grant(roles.CITY_ADMIN, ["payments.view_paymentrequest", "payments.view_payment",
                                       "payments.view_paymentevent", "payments.view_refund", "payments.add_refund"])
        # Bank statements: the city admin books them; counter staff can tell a citizen whether a transfer arrived.
        from .admin_bank import BANK_PERMISSIONS, BANK_VIEW_PERMISSIONS

        roles.grant(roles.CITY_ADMIN, BANK_PERMISSIONS)
        roles.grant(roles.COUNTER, BANK_VIEW_PERMISSIONS)
