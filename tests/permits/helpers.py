from eloket.accounts.models import Vehicle
from permits import rules

# Molenstraat even numbers 2-60 lie in R1 (and C1): an address in a resident zone.
ADDRESS = {"street": "Molenstraat", "house_number": "12", "box": "", "postal_code": "3600", "municipality": "Genk"}


def vehicle_of(user, plate):
    return Vehicle.objects.create(owner=user, plate=plate, country="BE")


def apply(user, plate, **address):
    return rules.apply_for_resident_card(user, vehicle_of(user, plate), **{**ADDRESS, **address})
