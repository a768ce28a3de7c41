from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppointmentsConfig(AppConfig):
    name = "appointments"
    label = "appointments"
    verbose_name = _("Appointments")

    def ready(self):
        from eloket.accounts import roles

        from . import panels  # noqa: F401  registers the "Appointments" panel on Mijn loket

        models = ["location", "counter", "topic", "question", "openinghours", "specialday", "slot", "appointment"]
        roles.grant(roles.COUNTER, ["appointments.manage_agenda", "appointments.view_appointment",
                                    "appointments.change_appointment", "appointments.view_slot",
                                    "appointments.view_location", "appointments.view_topic"])
        roles.grant(roles.CITY_ADMIN, [f"appointments.{verb}_{model}" for model in models
                                       for verb in ("view", "add", "change", "delete")])

    def seed_demo(self):
        """Called by `manage.py seed_demo_city`: the city hall's parking counter, its hours and topics."""
        from .demo import seed_counter

        seed_counter()

    def seed_demo_accounts(self):
        """Called by `manage.py seed_demo_city` after the demo accounts (and their permits and cases) exist."""
        from .demo import seed_appointments

        seed_appointments()
