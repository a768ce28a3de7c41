"""Issue a new API key for a parking-app operator (made when missing): `manage.py operator_key 4411 --name "4411"`.

The key is printed once; only its hash is stored. The operator's previous key stops working.
"""

from django.core.management.base import BaseCommand, CommandError

from parking_sessions import operators
from parking_sessions.models import Operator


class Command(BaseCommand):
    help = "Issue a new API key for a parking-app operator and print it once."

    def add_arguments(self, parser):
        parser.add_argument("code", help="The operator's code, for example 4411 or easypark.")
        parser.add_argument("--name", help="The operator's name, to create it when the code is new.")

    def handle(self, *args, code, name=None, **options):
        operator = Operator.objects.filter(code=code).first()
        if operator is None:
            if not name:
                raise CommandError(f"No operator {code}; give --name to create it.")
            operator = Operator(code=code, name=name)
        key = operators.make_key(operator)
        self.stdout.write(f"API key for {operator.name} ({operator.code}), shown only now:\n{key}")
