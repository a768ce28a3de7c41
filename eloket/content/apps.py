from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContentConfig(AppConfig):
    name = "eloket.content"
    label = "content"
    verbose_name = _("Information pages")

    def ready(self):
        from eloket.accounts import roles

        # Counter staff keep the FAQ up to date; the city admin manages all information pages.
        roles.grant(roles.COUNTER, ["content.view_faqitem", "content.add_faqitem", "content.change_faqitem"])
        roles.grant(roles.CITY_ADMIN, [
            f"content.{action}_{model}"
            for model in ("faqitem", "regulation")
            for action in ("view", "add", "change", "delete")
        ])
