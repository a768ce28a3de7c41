from eloket.accounts.models import Vehicle
from permits import rules
from permits.models import PermitDocumentKind
from tests.files import pdf_upload

# Molenstraat even numbers 2-60 lie in R1 (and C1): an address in a resident zone.
ADDRESS = {"street": "Molenstraat", "house_number": "12", "box": "", "postal_code": "3600", "municipality": "Genk"}


def vehicle_of(user, plate):
    return Vehicle.objects.create(owner=user, plate=plate, country="BE")


def certificate():
    """The one document a resident card for one's own vehicle needs."""
    return {PermitDocumentKind.REGISTRATION_CERTIFICATE: pdf_upload()}


def apply(user, plate, **address):
    return rules.apply_for_resident_card(user, vehicle_of(user, plate), documents=certificate(), **{**ADDRESS, **address})
