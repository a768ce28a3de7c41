from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "insights"
    label = "insights"
    verbose_name = _("Insights")

    def ready(self):
        from eloket.accounts import roles

        # The city administrator reads the data report, uses the decision support and keeps its questions, answers
        # and legal consequences up to date; other staff get the report permission only when a city grants it.
        roles.grant(roles.CITY_ADMIN, [
            "insights.view_report",
            *[f"insights.{action}_{model}" for model in ("question", "option", "consequence")
              for action in ("add", "change", "delete", "view")],
        ])
