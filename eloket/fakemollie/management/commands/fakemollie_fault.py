from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from eloket.fakemollie.models import FakeFault


class Command(BaseCommand):
    help = ("Fake Mollie: make its next API calls fail on purpose, e.g. `fakemollie_fault slow_answer --method POST "
            "--path '^payments$'` (the payment is created, the answer comes too late). `--clear` removes all faults.")

    def add_arguments(self, parser):
        parser.add_argument("kind", nargs="?", choices=FakeFault.Kind.values)
        parser.add_argument("--method", default="", choices=["", *FakeFault.Method.values])
        parser.add_argument("--path", default="", help="a regular expression searched in the path after /v2/")
        parser.add_argument("--times", type=int, default=1, help="how many matching calls get the fault")
        parser.add_argument("--hold", default="12.0", help="seconds the slow kinds hold a call")
        parser.add_argument("--clear", action="store_true", help="remove every fault first")

    def handle(self, *args, kind=None, method="", path="", times=1, hold="12.0", clear=False, **options):
        if clear:
            removed, _ = FakeFault.objects.all().delete()
            self.stdout.write(f"Removed {removed} fault(s).")
        if kind is None:
            if not clear:
                raise CommandError("Name a kind of fault, or --clear.")
            return
        fault = FakeFault(kind=kind, method=method, path=path, remaining=times, hold_seconds=hold)
        try:
            fault.full_clean()
        except ValidationError as error:
            raise CommandError("; ".join(f"{field}: {' '.join(messages)}"
                                         for field, messages in error.message_dict.items())) from None
        fault.save()
        self.stdout.write(f"Fake Mollie fault set: {fault}.")
