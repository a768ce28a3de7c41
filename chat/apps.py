from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    name = "chat"
    label = "chat"
    verbose_name = _("Live chat")

    def ready(self):
        from eloket.accounts import roles

        from . import link_providers, panels  # noqa: F401  panels registers the "Chat" panel on Mijn loket

        link_providers.register_installed()
        # Counter staff answer chats and keep their saved answers; the city admin sets topics and office hours.
        roles.grant(roles.COUNTER, ["chat.answer_conversation", "chat.view_conversation", "chat.view_message",
                                    "chat.view_conversationevent", "chat.view_savedanswer", "chat.add_savedanswer",
                                    "chat.change_savedanswer", "chat.delete_savedanswer", "chat.view_topic",
                                    "chat.view_officehours"])
        roles.grant(roles.CITY_ADMIN, ["chat.view_topic", "chat.add_topic", "chat.change_topic",
                                       "chat.view_officehours", "chat.add_officehours", "chat.change_officehours",
                                       "chat.delete_officehours", "chat.view_savedanswer", "chat.add_savedanswer",
                                       "chat.change_savedanswer", "chat.delete_savedanswer", "chat.view_conversation"])

    def seed_demo(self):
        """Called by `manage.py seed_demo_city`: topics, office hours and saved answers."""
        from .demo import seed_chat

        seed_chat()
