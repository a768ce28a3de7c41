from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "eloket.privacy"
    label = "privacy"
    verbose_name = _("Data protection")

    def ready(self):
        from django.apps import apps
        from django.utils.module_loading import autodiscover_modules

        from . import export, panels, retention  # noqa: F401  panels registers "Your data" on Mijn loket

        # Each app says what it holds (personal_data.py) and how long it keeps it (retention.py); nothing here imports
        # an app by name, except the chat's provider, which lives here because the chat app is not ours to change.
        autodiscover_modules("personal_data", "retention")
        if apps.is_installed("chat"):
            from .providers import chat

            chat.register()
        retention.register(retention.Job("exports", "RETENTION_EXPORT_DAYS", "days", export.delete_expired))
