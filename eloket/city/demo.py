"""A Genk-like demo city: the figures of ../shared/domain.md as reference rows, plus demo accounts.

Every function is idempotent: rows are found by their natural key and only saved (after
full_clean) when something differs, so running the seed twice changes nothing.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from .models import (
    Cap,
    CapCode,
    Charge,
    ChargeCode,
    CityProfile,
    Gas4Category,
    Gas4Rate,
    Gas5Rate,
    Parity,
    PublicHoliday,
    RetributionPeriod,
    RetributionRate,
    Street,
    StreetRange,
    Tariff,
    TariffHours,
    Term,
    TermCode,
    Weekday,
    Zone,
    ZoneKind,
)
from .zones import search_key

D = datetime.date
DEMO_PASSWORD = "demo-eloket-2026"
POSTAL_CODE = "3600"


def upsert(model: type[models.Model], lookup: dict, values: dict | None = None) -> models.Model:
    """The row matching `lookup`, created or brought up to date with `values`; validated before saving."""
    values = values or {}
    row = model.objects.filter(**lookup).order_by("pk").first()
    if row is None:
        row = model(**lookup)
    elif all(getattr(row, field) == value for field, value in values.items()):
        return row
    for field, value in values.items():
        setattr(row, field, value)
    row.full_clean()
    row.save()
    return row


# --- City profile --------------------------------------------------------------------------------

PROFILE = {
    "name": "Genk",
    "portal_name": "eloket",
    "logo_alt": "Stad Genk",
    "colour_primary": "#00607A",
    "colour_primary_text": "#FFFFFF",
    "colour_accent": "#C8102E",
    "colour_focus": "#FFBF47",
    "street_address": "Stadsplein 1",
    "postal_code": POSTAL_CODE,
    "municipality": "Genk",
    "phone": "+32 89 65 44 44",
    "email": "parkeren@stad.example",
    "website": "https://www.genk.be",
    "counter_hours_nl": "Maandag tot vrijdag: 9.00 tot 12.30 uur\nWoensdag ook: 13.30 tot 16.00 uur\nOp afspraak.",
    "counter_hours_en": "Monday to Friday: 9 am to 12.30 pm\nWednesday also: 1.30 pm to 4 pm\nBy appointment.",
    # A valid demo account (Belfius); not the city's real one.
    "iban": "BE71096123456769",
    "bic": "GKCCBEBB",
    "beneficiary": "Stad Genk",
    "enterprise_number": "0207.413.871",
    "sanctioning_official": "Sanctionerend ambtenaar stad Genk",
    "sanctioning_address": "Dienst GAS\nStadsplein 1\n3600 Genk",
    "dpo_email": "dpo@stad.example",
    "accessibility_email": "toegankelijkheid@stad.example",
}


def seed_profile() -> CityProfile:
    return upsert(CityProfile, {}, PROFILE)


# --- Zones, streets and tariffs ------------------------------------------------------------------

ZONES = [
    {
        "code": "C1", "kind": ZoneKind.PAID, "capacity": 850,
        "name_nl": "Centrum", "name_en": "Centre",
        "description_nl": "Het winkelcentrum rond het Stadsplein, de Molenstraat en de Hoogstraat. "
                          "Betaal aan de parkeerautomaat, met een sms naar 4411 of in een parkeerapp.",
        "description_en": "The shopping centre around Stadsplein, Molenstraat and Hoogstraat. "
                          "Pay at the parking meter, by text message to 4411 or in a parking app.",
    },
    {
        "code": "C2", "kind": ZoneKind.PAID, "capacity": 1200,
        "name_nl": "Centrumrand", "name_en": "Edge of the centre",
        "description_nl": "De straten rond het centrum, goedkoper voor wie wat langer blijft.",
        "description_en": "The streets around the centre, cheaper for a longer stay.",
    },
    {
        "code": "B1", "kind": ZoneKind.BLUE, "capacity": 400,
        "name_nl": "Blauwe zone Winterslag", "name_en": "Blue zone Winterslag",
        "description_nl": "Gratis parkeren met de parkeerschijf, maximaal twee uur.",
        "description_en": "Free parking with the parking disc, at most two hours.",
    },
    {
        "code": "R1", "kind": ZoneKind.RESIDENT, "capacity": 300,
        "name_nl": "Bewonerszone Centrum-Noord", "name_en": "Resident zone Centre North",
        "description_nl": "Bewoners met een bewonerskaart parkeren zonder tijdslimiet. "
                          "Bezoekers gebruiken de parkeerschijf, maximaal twee uur.",
        "description_en": "Residents with a resident card park without a time limit. "
                          "Visitors use the parking disc, at most two hours.",
    },
    {
        "code": "R2", "kind": ZoneKind.RESIDENT, "capacity": 250,
        "name_nl": "Bewonerszone Sint-Martinus", "name_en": "Resident zone Sint-Martinus",
        "description_nl": "Bewoners met een bewonerskaart parkeren zonder tijdslimiet. "
                          "Bezoekers gebruiken de parkeerschijf, maximaal twee uur.",
        "description_en": "Residents with a resident card park without a time limit. "
                          "Visitors use the parking disc, at most two hours.",
    },
]

# (street, [(first, last, parity, zone code), ...]); some addresses lie in a resident and a paid zone.
STREETS = [
    ("Stadsplein", [(1, 99, Parity.ALL, "C1")]),
    ("Molenstraat", [(1, 79, Parity.ODD, "C1"), (2, 60, Parity.EVEN, "C1"), (2, 60, Parity.EVEN, "R1"),
                     (62, 140, Parity.EVEN, "R1")]),
    ("Hoogstraat", [(1, 120, Parity.ALL, "C1")]),
    ("Fruitmarkt", [(1, 40, Parity.ALL, "C1")]),
    ("Europalaan", [(1, 99, Parity.ODD, "C1"), (2, 100, Parity.EVEN, "C2")]),
    ("Dieplaan", [(1, 150, Parity.ALL, "C2")]),
    ("Vennestraat", [(1, 200, Parity.ALL, "C2")]),
    ("Rootenstraat", [(1, 60, Parity.ALL, "C2")]),
    ("Emiel Van Dorenlaan", [(1, 120, Parity.ALL, "C2")]),
    ("Noordlaan", [(1, 99, Parity.ODD, "R1"), (2, 100, Parity.EVEN, "C2"), (2, 100, Parity.EVEN, "R1")]),
    ("Sint-Martinusplein", [(1, 30, Parity.ALL, "C1"), (1, 30, Parity.ALL, "R2")]),
    ("Bochtlaan", [(1, 90, Parity.ALL, "R2")]),
    ("Stalenstraat", [(1, 99, Parity.ODD, "R2"), (2, 98, Parity.EVEN, "B1")]),
    ("Winterslagstraat", [(1, 150, Parity.ALL, "B1")]),
    ("André Dumontlaan", [(1, 200, Parity.ALL, "B1")]),
]

TARIFF_START = D(2021, 3, 1)  # Genk's tariffs since the parking regulation of 1 March 2021
PAID_DAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY, Weekday.SATURDAY]
PAID_HOURS = (datetime.time(9, 0), datetime.time(18, 0))

_PAID = {"billing_unit_minutes": 30, "max_duration_minutes": None, "free_minutes": 60, "free_once_per_day": True,
         "grace_minutes": 15, "free_on_public_holidays": True}
_DISC = {"price_per_hour": Decimal("0.00"), "billing_unit_minutes": 30, "max_duration_minutes": 120, "free_minutes": 0,
         "free_once_per_day": False, "grace_minutes": 0, "free_on_public_holidays": True}
TARIFFS = {
    "C1": {**_PAID, "price_per_hour": Decimal("2.00")},  # €1 per half hour
    "C2": {**_PAID, "price_per_hour": Decimal("1.00")},  # €0.50 per half hour
    "B1": _DISC,
    "R1": _DISC,
    "R2": _DISC,
}


def seed_zones() -> dict[str, Zone]:
    zones = {}
    for data in ZONES:
        values = {key: value for key, value in data.items() if key != "code"}
        zones[data["code"]] = upsert(Zone, {"code": data["code"]}, {**values, "is_active": True})
    return zones


def seed_streets(zones: dict[str, Zone]) -> None:
    for name, ranges in STREETS:
        street = upsert(Street, {"name": name, "postal_code": POSTAL_CODE}, {"search_name": search_key(name)})
        for first, last, parity, code in ranges:
            upsert(StreetRange, {"street": street, "first_number": first, "last_number": last, "parity": parity,
                                 "zone": zones[code]})


def seed_tariffs(zones: dict[str, Zone]) -> None:
    for code, values in TARIFFS.items():
        tariff = upsert(Tariff, {"zone": zones[code], "valid_from": TARIFF_START}, {**values, "valid_to": None})
        for weekday in PAID_DAYS:
            upsert(TariffHours, {"tariff": tariff, "weekday": weekday, "start": PAID_HOURS[0]}, {"end": PAID_HOURS[1]})


# --- Public holidays -----------------------------------------------------------------------------

def easter_sunday(year: int) -> datetime.date:
    """Gregorian Easter (anonymous Gregorian algorithm, as in Meeus)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7  # noqa: E741  the algorithm's own name
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return D(year, month, day + 1)


def belgian_public_holidays(year: int) -> list[tuple[datetime.date, str, str]]:
    """The ten legal public holidays of Belgium: (date, Dutch name, English name)."""
    easter = easter_sunday(year)
    return [
        (D(year, 1, 1), "Nieuwjaar", "New Year's Day"),
        (easter + datetime.timedelta(days=1), "Paasmaandag", "Easter Monday"),
        (D(year, 5, 1), "Dag van de Arbeid", "Labour Day"),
        (easter + datetime.timedelta(days=39), "Onze-Lieve-Heer-Hemelvaart", "Ascension Day"),
        (easter + datetime.timedelta(days=50), "Pinkstermaandag", "Whit Monday"),
        (D(year, 7, 21), "Nationale feestdag", "Belgian National Day"),
        (D(year, 8, 15), "Onze-Lieve-Vrouw-Hemelvaart", "Assumption Day"),
        (D(year, 11, 1), "Allerheiligen", "All Saints' Day"),
        (D(year, 11, 11), "Wapenstilstand", "Armistice Day"),
        (D(year, 12, 25), "Kerstmis", "Christmas Day"),
    ]


def seed_holidays(years=(2026, 2027)) -> None:
    for year in years:
        for date, name_nl, name_en in belgian_public_holidays(year):
            upsert(PublicHoliday, {"date": date}, {"name_nl": name_nl, "name_en": name_en})


# --- Retributions, GAS 4 and GAS 5 ---------------------------------------------------------------

RETRIBUTIONS = [  # Genk: €25 per day until 28 Feb 2021, €20 from 1 March 2021
    (D(2018, 12, 1), D(2021, 2, 28), Decimal("25.00")),
    (TARIFF_START, None, Decimal("20.00")),
]

GAS4_EXAMPLES = {
    Gas4Category.FIRST: (
        "Een parkeerverbod negeren (bord E1)\n"
        "Stilstaan of parkeren in een woonerf waar dat verboden is\n"
        "Parkeren in een voetgangerszone\n"
        "Parkeren tegen de rijrichting in\n"
        "Onjuiste aanduidingen op de parkeerschijf\n"
        "Een fiets hinderlijk of gevaarlijk parkeren\n"
        "De borden C3 of F103 negeren, vastgesteld met een automatisch werkende camera",
        "Ignoring a no-parking sign (E1)\n"
        "Stopping or parking in a home zone (woonerf) where this is forbidden\n"
        "Parking in a pedestrian zone\n"
        "Parking against the direction of travel\n"
        "Incorrect indications on the parking disc\n"
        "Parking a bicycle in a hindering or dangerous way\n"
        "Ignoring the C3 or F103 signs, recorded by an automatic camera",
    ),
    Gas4Category.SECOND: (
        "Parkeren op het trottoir, op een fietspad of op een oversteekplaats voor voetgangers\n"
        "Stilstaan of parkeren op de autosnelweg\n"
        "Parkeren op een plaats voor personen met een handicap zonder de officiële parkeerkaart",
        "Parking on the pavement, on a cycle path or on a pedestrian crossing\n"
        "Stopping or parking on a motorway\n"
        "Parking on a place reserved for people with a disability without the official parking card",
    ),
    Gas4Category.FOURTH: (
        "Stilstaan of parkeren op een overweg",
        "Stopping or parking on a level crossing",
    ),
}

GAS4_RATES = [  # Royal Decree of 9 March 2014; amounts raised on 1 September 2018
    (Gas4Category.FIRST, D(2014, 7, 1), D(2018, 8, 31), Decimal("55.00")),
    (Gas4Category.FIRST, D(2018, 9, 1), None, Decimal("58.00")),
    (Gas4Category.SECOND, D(2014, 7, 1), D(2018, 8, 31), Decimal("110.00")),
    (Gas4Category.SECOND, D(2018, 9, 1), None, Decimal("116.00")),
    (Gas4Category.FOURTH, D(2014, 7, 1), None, Decimal("330.00")),
]

GAS5_START = D(2021, 2, 1)
GAS5_TABLE = {
    "tolerance_kmh": 6,
    "base_amount": Decimal("53.00"),
    "base_excess_kmh": 10,
    "per_kmh_inside": Decimal("11.00"),
    "per_kmh_outside": Decimal("6.00"),
    "max_excess_kmh": 20,
    "limits": "30,50",
    "valid_to": None,
}


def seed_fines() -> None:
    for valid_from, valid_to, amount in RETRIBUTIONS:
        upsert(RetributionRate, {"valid_from": valid_from},
               {"valid_to": valid_to, "amount": amount, "period": RetributionPeriod.DAY, "max_per_day": 1})
    for category, valid_from, valid_to, amount in GAS4_RATES:
        examples_nl, examples_en = GAS4_EXAMPLES[category]
        upsert(Gas4Rate, {"category": category, "valid_from": valid_from},
               {"valid_to": valid_to, "amount": amount, "examples_nl": examples_nl, "examples_en": examples_en})
    upsert(Gas5Rate, {"valid_from": GAS5_START}, GAS5_TABLE)


# --- Terms, caps and charges ---------------------------------------------------------------------

GAS4_START = D(2014, 7, 1)
TERMS = [
    (TermCode.PAYMENT, GAS4_START, 30),
    (TermCode.OBJECTION, GAS4_START, 30),
    (TermCode.REMINDER, GAS4_START, 30),
    (TermCode.REGISTERED_NOTICE, GAS4_START, 30),
    (TermCode.DRIVER_DESIGNATION, GAS4_START, 30),
    (TermCode.GAS_START, GAS4_START, 15),
    (TermCode.GAS5_POLICE, GAS5_START, 14),
    (TermCode.GAS5_OFFICIAL, GAS5_START, 14),
    (TermCode.APPEAL, GAS4_START, 30),
    (TermCode.GAS_SEND_LIMIT, GAS4_START, 183),
]
CAPS = [
    (CapCode.RESIDENT_CARDS_PER_ADDRESS, 3),
    (CapCode.DISABILITY_PLATES, 2),
    (CapCode.DISABILITY_VALIDITY_YEARS, 3),
    (CapCode.CARE_PERMITS_PER_PERSON, 1),
    (CapCode.VISITOR_HOURS_PER_YEAR, 100),
    (CapCode.RESIDENT_CARD_MONTHS, 12),
    (CapCode.CARE_PERMIT_MONTHS, 12),
    (CapCode.RENEWAL_REMINDER_DAYS, 30),
]
CHARGES = [
    (ChargeCode.REGISTERED_NOTICE_COST, Decimal("20.00")),
    (ChargeCode.REMINDER_COST, Decimal("0.00")),
]


def seed_terms_caps_charges() -> None:
    for code, valid_from, days in TERMS:
        upsert(Term, {"code": code, "valid_from": valid_from}, {"days": days, "valid_to": None})
    for code, value in CAPS:
        upsert(Cap, {"code": code, "valid_from": TARIFF_START}, {"value": value, "valid_to": None})
    for code, amount in CHARGES:
        upsert(Charge, {"code": code, "valid_from": D(2018, 12, 1)}, {"amount": amount, "valid_to": None})


def seed_city() -> CityProfile:
    """All reference data of the demo city."""
    profile = seed_profile()
    zones = seed_zones()
    seed_streets(zones)
    seed_tariffs(zones)
    seed_holidays()
    seed_fines()
    seed_terms_caps_charges()
    return profile


# --- Demo accounts -------------------------------------------------------------------------------

@dataclass(frozen=True)
class DemoAccount:
    email: str
    first_name: str
    last_name: str
    role: str = ""  # a key of eloket.accounts.roles.ROLE_NAMES; empty for citizens
    street: str = "Stadsplein"
    house_number: str = "1"
    plate: str = ""
    superuser: bool = False

    @property
    def is_staff(self) -> bool:
        return bool(self.role)


def demo_accounts() -> list[DemoAccount]:
    from eloket.accounts import roles

    return [
        DemoAccount("alice@example.org", "Alice", "Peeters", street="Molenstraat", house_number="12", plate="1ABC123"),
        DemoAccount("bob@example.org", "Bob", "Janssens", street="Bochtlaan", house_number="21", plate="2XYZ789"),
        DemoAccount("carla@stad.example", "Carla", "Claes", role=roles.COUNTER),
        DemoAccount("erik@stad.example", "Erik", "Wouters", role=roles.ENFORCEMENT),
        DemoAccount("sofie@stad.example", "Sofie", "Maes", role=roles.SANCTIONING),
        DemoAccount("ida@stad.example", "Ida", "Jacobs", role=roles.CITY_ADMIN, superuser=True),
    ]


def seed_accounts() -> list[DemoAccount]:
    """Citizens with a vehicle and an address in a resident zone; staff in their role with two-factor login."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    from eloket.accounts import roles
    from eloket.accounts.models import User, Vehicle

    groups = roles.sync_roles()
    accounts = demo_accounts()
    for number, account in enumerate(accounts, start=1):
        fields = {
            "first_name": account.first_name, "last_name": account.last_name,
            "street": account.street, "house_number": account.house_number, "postal_code": POSTAL_CODE,
            "municipality": "Genk", "phone": f"+3247012340{number}", "preferred_language": "nl",
            "is_staff": account.is_staff, "is_superuser": account.superuser, "is_active": True,
        }
        if User.objects.filter(email=account.email).exists():
            user = upsert(User, {"email": account.email}, fields)
        else:
            user = User.objects.create_user(account.email, DEMO_PASSWORD, **fields)
        if not user.check_password(DEMO_PASSWORD):
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        address, _created = EmailAddress.objects.get_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True})
        if not (address.verified and address.primary):
            address.verified = address.primary = True
            address.save(update_fields=["verified", "primary"])
        if account.plate:
            Vehicle.objects.get_or_create(owner=user, plate=account.plate, country="BE")
        if account.is_staff:
            if set(user.groups.all()) != {groups[account.role]}:
                user.groups.set([groups[account.role]])
            if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(user, generate_totp_secret())
    return accounts

