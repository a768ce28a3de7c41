import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from insights.demo import CannotGenerate
from insights.generate import generate_year


class Command(BaseCommand):
    help = ("Generate a realistic year of parking for the demo city (after seed_demo_city): sessions from every channel, "
            "enforcement checks, retributions and GAS fines with their outcomes, and permits; then summarise it for "
            "the data report.")

    def add_arguments(self, parser):
        parser.add_argument("--sessions", type=int, default=20_000, help="Parking sessions in the year (default 20,000).")
        parser.add_argument("--year", type=int, default=timezone.localdate().year - 1,
                            help="The calendar year (default: last year). Days still to come are left out.")
        parser.add_argument("--seed", type=int, default=1, help="The random seed: the same seed gives the same data.")

    def handle(self, *args, **options):
        sessions, year = options["sessions"], options["year"]
        if sessions < 100:
            raise CommandError("Generate at least 100 sessions.")
        if not 2000 <= year <= timezone.localdate().year:
            raise CommandError(f"Choose a year from 2000 to {timezone.localdate().year}.")
        self.stdout.write(f"Generating {year} for the demo city ({sessions:,} sessions, seed {options['seed']}) ...")
        try:
            counts = generate_year(sessions=sessions, year=year, seed=options["seed"], log=self.stdout.write)
        except CannotGenerate as problem:
            raise CommandError(str(problem)) from problem
        for name, count in counts.items():
            self.stdout.write(f"  {name.replace('_', ' ')}: {count:,}")
        self.stdout.write(self.style.SUCCESS(
            f"Done. The data report (admin, Insights) shows {year} from {datetime.date(year, 1, 1):%d/%m/%Y} on."))
