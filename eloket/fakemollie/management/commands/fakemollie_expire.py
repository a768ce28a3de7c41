from django.core.management.base import BaseCommand

from eloket.fakemollie import state


class Command(BaseCommand):
    help = ("Fake Mollie: expire open payments past their expiresAt and call the webhook of every expired "
            "payment that was not told yet (once each), as Mollie does when a payment expires.")

    def handle(self, *args, **options):
        told = state.notify_expired()
        self.stdout.write(f"Called the webhook of {told} expired payment(s).")
