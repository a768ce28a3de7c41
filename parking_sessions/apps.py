from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParkingSessionsConfig(AppConfig):
    name = "parking_sessions"
    label = "parking_sessions"
    verbose_name = _("Parking sessions and enforcement")

    def ready(self):
        from eloket.accounts import roles

        from . import panels  # noqa: F401  registers the "Parking" panel on Mijn loket

        # Enforcement follows its scan cars' checks and observations; the counter answers questions about sessions;
        # the city admin issues devices and operator keys (the keys and tokens are shown once, never stored).
        roles.grant(roles.ENFORCEMENT, ["parking_sessions.view_parkingsession", "parking_sessions.view_check",
                                        "parking_sessions.view_observation", "parking_sessions.view_observationphoto",
                                        "parking_sessions.view_device"])
        roles.grant(roles.COUNTER, ["parking_sessions.view_parkingsession"])
        roles.grant(roles.CITY_ADMIN, ["parking_sessions.view_parkingsession", "parking_sessions.add_device",
                                       "parking_sessions.change_device", "parking_sessions.view_device",
                                       "parking_sessions.add_operator", "parking_sessions.change_operator",
                                       "parking_sessions.view_operator", "parking_sessions.view_inbox",
                                       "parking_sessions.change_inbox"])

    def seed_demo(self):
        """Called by `manage.py seed_demo_city`. Parking keeps no reference data of its own (zones, tariffs and holidays
        are the city's); the demo operator and scan car come with the demo accounts, as their secrets are demo logins."""

    def seed_demo_accounts(self) -> list[str]:
        """Called by `manage.py seed_demo_city` after the demo accounts exist: the 4411 operator and a scan car, and a few
        sessions on Alice's plate from the website, SMS and the app. Returns the lines the command prints: the operator's
        API key and the scan car's token, the one time they can be shown."""
        from .demo import seed_demo_accounts

        return seed_demo_accounts()
