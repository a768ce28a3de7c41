"""Demo data for fines (domain.md 1.2, 1.3 and 2.2): the offence catalogue, and a few cases for the demo citizens.

The GAS 4 catalogue holds the examples the sources name, not the full list of the Royal Decree (not retrieved); a city
adds the rest in the admin. The amounts are not here: they come from the reference data in force on the day.
"""

import datetime
import io

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from eloket.city.models import Gas4Category, Zone

from .models import Case, CaseKind, EvidenceKind, Offence

KB_GAS4 = "KB 9 maart 2014 (GAS 4), categorie %d"
CAMERA_REFERENCE = "Wegcode art. 71"  # the erratum of 10 Feb 2015: C3 and F103 refer to art. 71, not 68.3

# (code, kind, GAS 4 category, camera, Dutch description, English description, legal reference)
OFFENCES = [
    ("RETRIBUTION", CaseKind.RETRIBUTION, None, False,
     "Parkeren zonder geldige parkeersessie, parkeerticket of parkeerschijf, of langer dan toegelaten",
     "Parking without a valid parking session, ticket or parking disc, or longer than allowed",
     "Gemeentelijk retributiereglement parkeren"),
    ("E1", CaseKind.GAS4, Gas4Category.FIRST, False,
     "Een parkeerverbod negeren (bord E1)", "Ignoring a no-parking sign (E1)", KB_GAS4 % 1),
    ("HOME_ZONE", CaseKind.GAS4, Gas4Category.FIRST, False,
     "Stilstaan of parkeren in een woonerf waar dat verboden is",
     "Stopping or parking in a home zone (woonerf) where this is forbidden", KB_GAS4 % 1),
    ("PEDESTRIAN_ZONE", CaseKind.GAS4, Gas4Category.FIRST, False,
     "Parkeren in een voetgangerszone", "Parking in a pedestrian zone", KB_GAS4 % 1),
    ("WRONG_DIRECTION", CaseKind.GAS4, Gas4Category.FIRST, False,
     "Parkeren tegen de rijrichting in", "Parking against the direction of travel", KB_GAS4 % 1),
    ("PARKING_DISC", CaseKind.GAS4, Gas4Category.FIRST, False,
     "Onjuiste aanduidingen op de parkeerschijf", "Incorrect indications on the parking disc", KB_GAS4 % 1),
    ("BICYCLE", CaseKind.GAS4, Gas4Category.FIRST, False,
     "Een fiets hinderlijk of gevaarlijk parkeren", "Parking a bicycle in a hindering or dangerous way", KB_GAS4 % 1),
    ("C3", CaseKind.GAS4, Gas4Category.FIRST, True,
     "Het verbod van het bord C3 negeren (verboden toegang), vastgesteld met een automatisch werkende camera",
     "Ignoring the C3 sign (no entry for vehicles), recorded by an automatic camera", CAMERA_REFERENCE),
    ("F103", CaseKind.GAS4, Gas4Category.FIRST, True,
     "Het verbod van het bord F103 negeren (voetgangerszone), vastgesteld met een automatisch werkende camera",
     "Ignoring the F103 sign (pedestrian zone), recorded by an automatic camera", CAMERA_REFERENCE),
    ("PAVEMENT", CaseKind.GAS4, Gas4Category.SECOND, False,
     "Parkeren op het trottoir", "Parking on the pavement", KB_GAS4 % 2),
    ("CYCLE_PATH", CaseKind.GAS4, Gas4Category.SECOND, False,
     "Parkeren op een fietspad", "Parking on a cycle path", KB_GAS4 % 2),
    ("PEDESTRIAN_CROSSING", CaseKind.GAS4, Gas4Category.SECOND, False,
     "Parkeren op een oversteekplaats voor voetgangers", "Parking on a pedestrian crossing", KB_GAS4 % 2),
    ("MOTORWAY", CaseKind.GAS4, Gas4Category.SECOND, False,
     "Stilstaan of parkeren op de autosnelweg", "Stopping or parking on a motorway", KB_GAS4 % 2),
    ("DISABLED_PLACE", CaseKind.GAS4, Gas4Category.SECOND, False,
     "Parkeren op een plaats voor personen met een handicap zonder de officiële parkeerkaart",
     "Parking on a place reserved for people with a disability without the official parking card", KB_GAS4 % 2),
    ("LEVEL_CROSSING", CaseKind.GAS4, Gas4Category.FOURTH, False,
     "Stilstaan of parkeren op een overweg", "Stopping or parking on a level crossing", KB_GAS4 % 4),
    ("GAS5", CaseKind.GAS5, None, True,
     "De toegelaten snelheid licht overschrijden (ten hoogste 20 km/u in een zone 30 of 50), vastgesteld met een "
     "automatisch werkende camera",
     "Light speeding (at most 20 km/h over a 30 or 50 limit), recorded by an automatic camera",
     "Wegverkeerswet art. 29quater"),
]


def seed_offences() -> None:
    """Idempotent: one row per code, updated to the catalogue above."""
    for code, kind, category, camera, description_nl, description_en, reference in OFFENCES:
        Offence.objects.update_or_create(code=code, defaults={
            "kind": kind, "gas4_category": category, "camera": camera, "description_nl": description_nl,
            "description_en": description_en, "legal_reference": reference, "is_active": True})


def _photo(name: str) -> SimpleUploadedFile:
    """A plain grey JPEG standing in for a warden's photo."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (120, 124, 128)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _holder(user, birth_date: datetime.date) -> dict:
    return {"name": user.get_full_name(), "is_company": False, "birth_date": birth_date,
            "street": f"{user.street} {user.house_number}".strip(), "postal_code": user.postal_code,
            "municipality": user.municipality, "country": "BE"}


def _alice_cases(alice, actor, now) -> None:
    from . import issuing, objections
    from .access import keep_for

    holder = _holder(alice, datetime.date(1986, 4, 12))
    zone = Zone.objects.filter(code="C1").first()
    retribution = issuing.issue_case(
        offence=Offence.objects.get(code="RETRIBUTION"), plate="1ABC123", holder=holder, holder_email=alice.email,
        place="Stadsplein 4", zone=zone, observed_at=now - datetime.timedelta(days=6, hours=3), observed_by="Agent 17",
        evidence=[(EvidenceKind.PHOTO, _photo("retribution.jpg"), now - datetime.timedelta(days=6, hours=3))])
    disputed = issuing.issue_case(
        offence=Offence.objects.get(code="PAVEMENT"), plate="1ABC123", holder=holder, holder_email=alice.email,
        place="Molenstraat 40", observed_at=now - datetime.timedelta(days=12, hours=5), observed_by="Agent 17",
        report_reference="GE.55.L1.001234/2026", report_received_on=(now - datetime.timedelta(days=11)).date(),
        actor=actor)
    # Alice looked both up and keeps them in Mijn loket; her defence waits in the official's queue.
    keep_for(alice, retribution)
    keep_for(alice, disputed)
    objections.submit_objection(
        disputed, explanation="I only stopped to unload a wheelchair.", hearing_requested=True,
        contact_name=alice.get_full_name(), contact_email=alice.email, user=alice, language="nl")


def _bob_cases(bob, actor, now) -> None:
    from . import issuing, rules

    holder = _holder(bob, datetime.date(1979, 11, 3))
    issuing.issue_case(
        offence=Offence.objects.get(code="GAS5"), plate="2XYZ789", holder=holder, holder_email=bob.email,
        place="Hoogstraat (zone 30)", observed_at=now - datetime.timedelta(days=9, hours=2), observed_by="Camera GE-04",
        report_reference="GE.55.L1.004321/2026", report_received_on=(now - datetime.timedelta(days=8)).date(),
        speed_limit=30, measured_speed=51, inside_built_up_area=True, actor=actor)
    paid = issuing.issue_case(
        offence=Offence.objects.get(code="E1"), plate="2XYZ789", holder=holder, holder_email=bob.email,
        place="Bochtlaan 2", observed_at=now - datetime.timedelta(days=40), observed_by="Agent 23",
        report_reference="GE.55.L1.000987/2026", report_received_on=(now - datetime.timedelta(days=39)).date(),
        actor=actor)
    rules.mark_paid(paid, actor=actor)


def seed_demo_cases() -> None:
    """Alice has a retribution to pay and a disputed GAS 4 fine; Bob a GAS 5 fine to pay and a paid GAS 4 fine.

    Idempotent: a demo plate that already has cases gets nothing new; missing accounts are skipped.
    """
    users = get_user_model().objects
    actor = users.filter(email="sofie@stad.example").first()
    now = timezone.now().replace(second=0, microsecond=0)
    for email, plate, seed in (("alice@example.org", "1ABC123", _alice_cases), ("bob@example.org", "2XYZ789", _bob_cases)):
        citizen = users.filter(email=email).first()
        if citizen is None or Case.objects.filter(plate=plate).exists():
            continue
        seed(citizen, actor, now)
