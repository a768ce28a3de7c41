from django.apps import AppConfig


class FakeMollieConfig(AppConfig):
    name = "eloket.fakemollie"
    label = "fakemollie"
    verbose_name = "Fake Mollie (demo and tests)"
