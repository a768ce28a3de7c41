"""Citizens who use the portal, for the page benchmarks (after seed.py): accounts with vehicles, parking sessions, a
resident card and a fine, and the session cookies of their browsers.

The resident-card holders seed.py made become these citizens: their permit plates become their vehicles (added a year
ago, so every session on them shows), they get web sessions of their own over the last months (some many, some none)
and the apps' and SMS sessions on their plates, and one in three has a parking retribution with its history and OGM,
kept in Mijn loket by half of them. Everything is written with bulk_create from one seeded random generator.

Browsers are real Django sessions in the database: one logged in per citizen (what django.contrib.auth.login stores),
and one anonymous per case that looked the case up with its notice number and plate (what fines.access.remember
stores). The load clients send their keys as cookies, so the server does the work it does for distinct people.
"""

import datetime
import random
import string
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone, translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext

from eloket.accounts import plates
from eloket.accounts.models import User, Vehicle
from eloket.city.models import TermCode, Zone
from eloket.payments import references
from eloket.payments.models import StructuredReference
from fines import access, amounts, dates, numbers
from fines.models import Case, CaseEvent, CaseKind, CaseStatus, NoticeCounter, Offence, Source
from parking_sessions.models import Channel, Operator, ParkingSession, SessionStatus
from permits.models import PermitKind, PermitPlate

PRICE_PER_HOUR = {"C1": Decimal("2.00"), "C2": Decimal("1.00")}
HISTORY_DAYS = 120


@dataclass
class Citizens:
    logged_in: list[str]  # a logged-in browser's session key per citizen
    looked_up: list[tuple[int, str]]  # (case id, session key of the anonymous browser that looked it up)
    letters: list[tuple[str, str]]  # (notice number, plate) as the letters print them, for the lookup form
    case_ids: list[int]  # the retributions, oldest first: the PDF benchmark renders their notices
    least: str = ""  # session key of the citizen with the least data (one plate, the fewest sessions, no case)
    most: str = ""  # session key of the citizen with the most data (two plates, the most sessions, a kept case)
    counts: dict = field(default_factory=dict)


def _session_rows(payloads: list[dict]) -> list[str]:
    """One stored session per payload, as SessionStore.create would write it; returns their keys."""
    store = SessionStore()
    expires = timezone.now() + datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    keys, rows = [], []
    for payload in payloads:
        key = get_random_string(32, VALID_KEY_CHARS)
        keys.append(key)
        rows.append(Session(session_key=key, session_data=store.encode(payload), expire_date=expires))
    Session.objects.bulk_create(rows, batch_size=2_000)
    return keys


def _login_payload(user: User) -> dict:
    return {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash()}


def _sessions_of(rng: random.Random, user: User, user_plates: list[str], count: int, zones: dict, operator,
                 now: datetime.datetime) -> list[ParkingSession]:
    """`count` web sessions the citizen started, and about half as many from an app or SMS on the same plates."""
    rows = []
    for n in range(count + count // 2):
        own = n < count
        code = rng.choices(["C1", "C2", "B1"], weights=[45, 40, 15])[0]
        day = timezone.localdate(now) - datetime.timedelta(days=rng.randint(1, HISTORY_DAYS))
        start = datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.choice([0, 15, 30, 45])),
                                          timezone.get_current_timezone())
        minutes = rng.choice([30, 60, 90, 120, 180])
        is_disc = code == "B1"
        channel = Channel.WEB if own else rng.choice([Channel.APP, Channel.SMS])
        rows.append(ParkingSession(
            plate=rng.choice(user_plates), zone=zones[code], channel=channel, citizen=user if own else None,
            operator=operator if channel == Channel.APP else None,
            phone=f"+3247{rng.randint(0, 9_999_999):07d}" if channel == Channel.SMS else "", starts_at=start,
            ends_at=start + datetime.timedelta(minutes=minutes), is_disc=is_disc, status=SessionStatus.ENDED,
            price=Decimal("0.00") if is_disc else (PRICE_PER_HOUR[code] * minutes / 60).quantize(Decimal("0.01"))))
    return rows


def _cases(rng: random.Random, holders: list[tuple[User, list[str]]], zone: Zone, now: datetime.datetime
           ) -> list[Case]:
    """A parking retribution for every third citizen, as fines.issuing writes one (number, amount and terms in force)."""
    offence = Offence.objects.get(code="RETRIBUTION", kind=CaseKind.RETRIBUTION)
    today = dates.today()
    terms = {code: dates.term(code, today, RuntimeError) for code in (TermCode.PAYMENT, TermCode.OBJECTION)}
    year = today.year
    counter, _ = NoticeCounter.objects.get_or_create(year=year, defaults={"last": 0})
    sequence = counter.last
    rows = []
    for n, (user, user_plates) in enumerate(holders):
        if n % 3:
            continue
        sequence += 1
        observed = now - datetime.timedelta(days=rng.randint(1, 20), minutes=rng.randint(0, 600))
        rows.append(Case(
            kind=CaseKind.RETRIBUTION, status=CaseStatus.ISSUED, notice_number=numbers.make(year, sequence),
            plate=user_plates[0], holder_name=user.get_full_name(), holder_street=f"{user.street} {user.house_number}",
            holder_postal_code=user.postal_code, holder_municipality=user.municipality, holder_email=user.email,
            citizen=user if n % 2 == 0 else None, offence=offence, place=f"Stadsplein {rng.randint(1, 60)}", zone=zone,
            observed_at=observed, observed_by=f"Agent {rng.randint(10, 40)}", amount=amounts.amount_for(offence, observed),
            issued_on=today, due_date=today + datetime.timedelta(days=terms[TermCode.PAYMENT]),
            objection_until=today + datetime.timedelta(days=terms[TermCode.OBJECTION]), source=Source.ENFORCEMENT))
    cases = Case.objects.bulk_create(rows, batch_size=2_000)
    NoticeCounter.objects.filter(year=year).update(last=sequence)
    with translation.override(settings.LANGUAGE_CODE):  # history notes are stored in the language of the moment
        note = gettext("Notice sent.")
    CaseEvent.objects.bulk_create([CaseEvent(case=case, from_status="", to_status=CaseStatus.ISSUED, note=note)
                                   for case in cases], batch_size=2_000)
    # The OGM each letter prints (payments.references.reference_for makes it on first use, as the notice letter does).
    digits: set[str] = set(StructuredReference.objects.values_list("digits", flat=True))
    content_type = ContentType.objects.get_for_model(Case)
    ogms = []
    for case in cases:
        ogm = references.make_digits()
        while ogm in digits:
            ogm = references.make_digits()
        digits.add(ogm)
        ogms.append(StructuredReference(digits=ogm, content_type=content_type, object_id=case.pk))
    StructuredReference.objects.bulk_create(ogms, batch_size=2_000)
    return cases


def seed(*, mean_sessions: int = 12, rng_seed: int = 10, log=print) -> Citizens:
    rng = random.Random(rng_seed)
    now = timezone.now()
    zones = {zone.code: zone for zone in Zone.objects.all()}
    operator = Operator.objects.get(code="bench")
    plates_of: dict[int, list[str]] = {}
    for holder_id, plate in (PermitPlate.objects.filter(permit__kind=PermitKind.RESIDENT)
                             .order_by("permit__holder_id", "pk").values_list("permit__holder_id", "plate")):
        plates_of.setdefault(holder_id, []).append(plate)
    users = {user.pk: user for user in User.objects.filter(pk__in=plates_of)}
    holders = [(users[pk], plates_of[pk]) for pk in sorted(plates_of)]
    log(f"  {len(holders):,} citizens (the resident-card holders): vehicles, sessions, retributions, browsers ...")

    vehicles = [Vehicle(owner=user, plate=plate, country="BE", description=rng.choice(["", "grey Peugeot 208", "van"]))
                for user, user_plates in holders for plate in user_plates]
    Vehicle.objects.bulk_create(vehicles, batch_size=5_000)
    with connection.cursor() as cursor:  # added a year ago: sessions on the plate show from that moment
        cursor.execute(f"UPDATE {Vehicle._meta.db_table} SET created = %s", [now - datetime.timedelta(days=365)])

    # Most citizens park now and then, a few every day: an exponential spread around the mean, a tenth never online.
    counts = [0 if rng.random() < 0.1 else min(150, int(rng.expovariate(1 / mean_sessions)) + 1) for _ in holders]
    sessions = []
    for (user, user_plates), count in zip(holders, counts, strict=True):
        sessions += _sessions_of(rng, user, user_plates, count, zones, operator, now)
    ParkingSession.objects.bulk_create(sessions, batch_size=5_000)
    with connection.cursor() as cursor:  # as if made when they started
        cursor.execute(f"UPDATE {ParkingSession._meta.db_table} SET created = starts_at, modified = starts_at "
                       "WHERE created > %s", [now])

    cases = _cases(rng, holders, zones["C1"], now)
    with connection.cursor() as cursor:
        for model in (Vehicle, ParkingSession, Case, CaseEvent, StructuredReference):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")

    logged_in = _session_rows([_login_payload(user) for user, _plates in holders])
    looked_up = list(zip([case.pk for case in cases], _session_rows([{access.SESSION_KEY: [case.pk]} for case in cases]),
                         strict=True))
    letters = [(numbers.display(case.notice_number), plates.display(case.plate, case.country)) for case in cases]

    kept = {case.citizen_id for case in cases if case.citizen_id}
    # Little data is a little, not none: an empty list skips its query (a slice [0:0] is not sent), as it should.
    quiet = min((n for n, (user, user_plates) in enumerate(holders)
                 if counts[n] > 0 and len(user_plates) == 1 and user.pk not in kept), key=lambda n: counts[n])
    busy = max((n for n, (user, user_plates) in enumerate(holders) if len(user_plates) > 1 and user.pk in kept),
               key=lambda n: counts[n])
    result = Citizens(logged_in=logged_in, looked_up=looked_up, letters=letters, case_ids=[case.pk for case in cases],
                      least=logged_in[quiet], most=logged_in[busy])
    result.counts = {"citizens": len(holders), "vehicles": len(vehicles), "their sessions": len(sessions),
                     "their sessions, least": counts[quiet] + counts[quiet] // 2,
                     "their sessions, most": counts[busy] + counts[busy] // 2, "retributions": len(cases),
                     "kept in Mijn loket": len(kept), "browser sessions": len(logged_in) + len(looked_up)}
    return result


def csrf_secret() -> str:
    """A CSRF cookie value as Django makes it (32 letters and digits); the form may send it back unmasked."""
    return get_random_string(32, string.ascii_letters + string.digits)
