"""The demo city's fines: the offence catalogue and a few cases for Alice and Bob, seeded again without doubles."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from fines.demo import OFFENCES, seed_offences
from fines.models import Case, CaseEvent, CaseKind, CaseStatus, Evidence, Offence

pytestmark = pytest.mark.django_db


def counts():
    return Offence.objects.count(), Case.objects.count(), CaseEvent.objects.count(), Evidence.objects.count()


def test_the_catalogue_covers_every_kind_and_category(fines_city):
    by_code = {offence.code: offence for offence in Offence.objects.all()}

    assert len(by_code) == len(OFFENCES)
    assert by_code["RETRIBUTION"].kind == CaseKind.RETRIBUTION
    assert {by_code[code].gas4_category for code in ("E1", "C3", "F103", "PAVEMENT", "LEVEL_CROSSING")} == {1, 2, 4}
    assert all(by_code[code].camera and by_code[code].legal_reference == "Wegcode art. 71" for code in ("C3", "F103"))
    assert by_code["GAS5"].camera and by_code["GAS5"].kind == CaseKind.GAS5
    assert not by_code["PAVEMENT"].camera
    assert all(offence.description_nl and offence.description_en for offence in by_code.values())


def test_seeding_the_catalogue_again_restores_it_without_doubles(fines_city):
    Offence.objects.filter(code="E1").update(description_nl="changed", is_active=False)

    seed_offences()

    assert Offence.objects.count() == len(OFFENCES)
    assert Offence.objects.filter(code="E1", is_active=True).exclude(description_nl="changed").exists()


def test_the_demo_city_has_cases_for_alice_and_bob_and_seeding_twice_adds_nothing(media):
    call_command("seed_demo_city", verbosity=0)
    first = counts()
    call_command("seed_demo_city", verbosity=0)

    assert counts() == first
    alice = {case.offence.code: case for case in Case.objects.filter(plate="1ABC123")}
    bob = {case.offence.code: case for case in Case.objects.filter(plate="2XYZ789")}
    assert {code: case.status for code, case in alice.items()} == {"RETRIBUTION": CaseStatus.ISSUED,
                                                                   "PAVEMENT": CaseStatus.DISPUTED}
    assert {code: case.status for code, case in bob.items()} == {"GAS5": CaseStatus.ISSUED, "E1": CaseStatus.PAID}
    assert {case.holder_name for case in alice.values()} == {"Alice Peeters"}
    assert {(case.holder_street, case.holder_email) for case in bob.values()} == {("Bochtlaan 21", "bob@example.org")}
    assert bob["GAS5"].amount == Decimal("108.00")  # zone 30, inside a built-up area, corrected 45 km/h
    assert alice["RETRIBUTION"].evidence.count() == 1 and alice["PAVEMENT"].disputed
    assert {case.citizen.email for case in alice.values()} == {"alice@example.org"}  # kept in her Mijn loket
    objection = alice["PAVEMENT"].objections.get()
    assert objection.status == "pending" and objection.hearing_requested  # € 116: a hearing may be asked
    assert all(case.citizen is None for case in bob.values())
