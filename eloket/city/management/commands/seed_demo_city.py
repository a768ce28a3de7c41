from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from eloket.city import demo


class Command(BaseCommand):
    help = "Seed a Genk-like demo city: reference data, information pages and (unless --no-accounts) demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--no-accounts", action="store_true", help="Seed reference data and content only.")

    def handle(self, *args, **options):
        from eloket.content.demo import seed_content
        from eloket.payments.demo import seed_payment_requests

        with transaction.atomic():
            profile = demo.seed_city()
            seed_content()
            # Domain apps add their own demo data through their AppConfig, so this command imports none of them.
            for config in apps.get_app_configs():
                if hasattr(config, "seed_demo"):
                    config.seed_demo()
            accounts = [] if options["no_accounts"] else demo.seed_accounts()
            # Lines an app asks to print, such as an API key made now: shown once, after the seed is committed.
            notes: list[str] = []
            if accounts:
                seed_payment_requests()
                for config in apps.get_app_configs():
                    if hasattr(config, "seed_demo_accounts"):
                        notes += config.seed_demo_accounts() or []
        self.stdout.write(self.style.SUCCESS(f"Demo city {profile.name} is ready."))
        if not accounts:
            return
        from eloket.accounts.roles import ROLE_NAMES

        self.stdout.write(f"\nDemo accounts (password for all: {demo.DEMO_PASSWORD}):")
        for account in accounts:
            role = ROLE_NAMES[account.role] if account.role else "Citizen"
            if account.superuser:
                role += ", superuser"
            self.stdout.write(f"  {account.email:<22} {role}")
        self.stdout.write(
            "\nStaff log in with two-factor authentication. In the demo the TOTP code is the value of the "
            "DEMO_TOTP_CODE setting (123456 in bin/demo)."
        )
        if settings.DEMO_TOTP_CODE and settings.DEBUG:
            self.stdout.write(f"DEMO_TOTP_CODE is set now: use {settings.DEMO_TOTP_CODE}.")
        else:
            self.stdout.write("DEMO_TOTP_CODE is not set now: staff would need the secret in an authenticator app.")
        for line in notes:
            self.stdout.write(line)
