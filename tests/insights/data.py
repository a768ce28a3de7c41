"""A small week of parking written by hand, whose every figure is worked out by hand in test_report.py.

The week: Monday 2 March to Sunday 8 March 2026 in the demo city (paid hours Monday to Saturday 9:00-18:00, no public
holiday that week). C1 is given 2 places and C2 3 places so that occupancies are readable; B1 gets no known capacity.
"""

import datetime
import functools
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import F

from eloket.city.models import Zone
from fines.models import Case, CaseEvent, CaseKind, CaseStatus, Objection, ObjectionStatus, Offence, Source
from parking_sessions import operators
from parking_sessions.models import Channel, Check, Device, Operator, ParkingSession, SessionStatus
from permits.models import Permit, PermitEvent, PermitKind, PermitStatus
from tests.factories import UserFactory

BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY, SUNDAY = datetime.date(2026, 3, 2), datetime.date(2026, 3, 8)
NOW = datetime.datetime(2026, 3, 9, 8, 0, tzinfo=BRUSSELS)  # "now" for the summaries: the Monday after


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BRUSSELS)


def operator(code: str, name: str) -> Operator:
    found = Operator.objects.filter(code=code).first()
    if found:
        return found
    made = Operator(code=code, name=name)
    operators.make_key(made)
    return made


def session(zone: str, channel: str, start, end, price: str, *, operator=None, status=SessionStatus.ENDED,
            is_disc=False) -> ParkingSession:
    return ParkingSession.objects.create(
        plate="1ABC123", zone=Zone.objects.get(code=zone), channel=channel, operator=operator, starts_at=start,
        ends_at=end, price=Decimal(price), status=status, is_disc=is_disc)


def write_sessions() -> None:
    app_4411, easypark = operator("4411", "4411"), operator("easypark", "EasyPark")
    Zone.objects.filter(code="C1").update(capacity=2)
    Zone.objects.filter(code="C2").update(capacity=3)
    Zone.objects.filter(code="B1").update(capacity=None)
    session("C1", Channel.WEB, at(2, 10), at(2, 11), "2.00")  # S1: 60 min
    session("C1", Channel.SMS, at(2, 10, 30), at(2, 12), "1.00")  # S2: 90 min
    session("C1", Channel.APP, at(3, 14), at(3, 14, 20), "0.00", operator=easypark)  # S3: 20 min
    session("C2", Channel.APP, at(7, 9, 15), at(7, 13, 15), "1.50", operator=app_4411)  # S4: 240 min, Saturday
    session("C2", Channel.WEB, at(7, 17), at(7, 22), "0.50")  # S5: 300 min, paid until 18:00
    session("B1", Channel.WEB, at(4, 11, 30), at(4, 13, 30), "0.00", is_disc=True)  # S6: a disc, 120 min
    session("C1", Channel.SMS, at(5, 16), None, "0.00", status=SessionStatus.ACTIVE)  # S7: still running
    session("C1", Channel.WEB, at(2, 12), at(2, 13), "2.00", status=SessionStatus.CANCELLED)  # S8: left out
    session("C1", Channel.WEB, at(2, 13), at(2, 14), "2.00", status=SessionStatus.AWAITING_PAYMENT)  # S9: left out
    session("C1", Channel.WEB, at(9, 10), at(9, 11), "2.00")  # S10: the Monday after, outside the week
    session("C2", Channel.APP, at(1, 23), at(2, 1), "0.00", operator=app_4411)  # S11: Sunday night into the week


def write_checks() -> None:
    device = Device.objects.create(name="Scan car", token_hash="a" * 64, token_prefix="aaaa")
    zones = {zone.code: zone for zone in Zone.objects.all()}
    rows = [("C1", at(2, 10), True, "session"), ("C1", at(2, 11), True, "session"), ("C1", at(2, 12), False, ""),
            ("C2", at(7, 10), False, ""), ("B1", at(4, 12), True, "disc"), ("B1", at(4, 13), True, "disc"),
            (None, at(4, 14), True, "no_zone")]
    for code, moment, allowed, right in rows:
        Check.objects.create(device=device, plate="1ABC123", zone=zones.get(code), checked_for=moment, allowed=allowed,
                             right=right)
    Check.objects.update(created=F("checked_for"))  # logged when the scan car asked, as in production


def case(kind: str, zone: str | None, issued: int, status: str, *, paid_at=None, month: int = 3) -> Case:
    offence = {CaseKind.RETRIBUTION: "RETRIBUTION", CaseKind.GAS4: "E1", CaseKind.GAS5: "GAS5"}[kind]
    made = Case.objects.create(
        kind=kind, status=status, notice_number=f"{Case.objects.count() + 1:012d}", plate="1ABC123",
        holder_name="Jan Claes", holder_street="Stadsplein 1", holder_postal_code="3600", holder_municipality="Genk",
        offence=Offence.objects.get(code=offence), place="Stadsplein", zone=Zone.objects.get(code=zone) if zone else None,
        observed_at=at(issued, 9, month=month) - datetime.timedelta(days=1), amount=Decimal("20.00"),
        issued_on=datetime.date(2026, month, issued), source=Source.STAFF)
    event(made, "", CaseStatus.ISSUED, at(issued, 9, month=month))
    if paid_at:
        event(made, CaseStatus.ISSUED, CaseStatus.PAID, paid_at)
    return made


def event(made: Case, from_status: str, to_status: str, moment) -> None:
    row = CaseEvent.objects.create(case=made, from_status=from_status, to_status=to_status)
    CaseEvent.objects.filter(pk=row.pk).update(at=moment)


def objection(made: Case, submitted, status: str, decided=None) -> Objection:
    row = Objection.objects.create(case=made, explanation="Ik had een ticket.", contact_name="Jan Claes",
                                   contact_email="jan@example.org", status=status, decided_at=decided)
    Objection.objects.filter(pk=row.pk).update(submitted_at=submitted)
    return row


def write_cases() -> None:
    R, G4, G5, S = CaseKind.RETRIBUTION, CaseKind.GAS4, CaseKind.GAS5, CaseStatus
    case(R, "C1", 2, S.PAID, paid_at=at(12, 10))  # R1: paid after 10 days
    case(R, "C1", 3, S.PAID, paid_at=at(3, 10, month=4))  # R2: paid after 31 days
    r3 = case(R, "C1", 4, S.CANCELLED)  # R3: objection accepted after 10 days
    objection(r3, at(6, 10), ObjectionStatus.ACCEPTED, at(16, 10))
    r4 = case(R, "C1", 5, S.REJECTED)  # R4: objection rejected after 20 days, still to pay
    objection(r4, at(7, 10), ObjectionStatus.REJECTED, at(27, 10))
    case(R, "C1", 6, S.ISSUED)  # R5: open
    case(R, "C1", 6, S.CANCELLED)  # R6: cancelled by staff
    case(R, "C1", 10, S.PAID, paid_at=at(11, 10))  # R7: sent after the week
    case(R, "C2", 2, S.PAID, paid_at=at(2, 15))  # R8: paid the same day
    case(G4, "C1", 2, S.PAID, paid_at=at(2, 10, month=4))  # G1: paid after 31 days
    g2 = case(G4, "C1", 3, S.DISPUTED)  # G2: defence pending
    objection(g2, at(5, 10), ObjectionStatus.PENDING)
    case(G5, None, 4, S.DRIVER_NAMED)  # V1: the holder named the driver
    case(G5, None, 5, S.PAID, paid_at=at(5, 10, month=5))  # V2: paid after 61 days


def permit_of(holder, kind: str, zone: str | None, created, status: str, events=(), valid=(None, None)) -> Permit:
    made = Permit.objects.create(kind=kind, status=status, holder=holder, zone=Zone.objects.get(code=zone)
                                 if zone else None, valid_from=valid[0], valid_to=valid[1])
    Permit.objects.filter(pk=made.pk).update(created=created)
    for to_status, moment in [(PermitStatus.APPLIED, created), *events]:
        row = PermitEvent.objects.create(permit=made, to_status=to_status)
        PermitEvent.objects.filter(pk=row.pk).update(at=moment)
    return made


def write_permits() -> None:
    K, S, D = PermitKind, PermitStatus, datetime.date
    holder = UserFactory()  # one holder for all: hashing a password per permit would only slow the tests down
    add = functools.partial(permit_of, holder)
    add(K.RESIDENT, "R1", at(2, 10), S.ACTIVE, [(S.ACTIVE, at(2, 10) + datetime.timedelta(seconds=1))],
        (D(2026, 3, 2), D(2027, 3, 1)))  # P1: approved automatically
    add(K.RESIDENT, "R1", at(3, 10), S.ACTIVE, [(S.ACTIVE, at(6, 10))], (D(2026, 3, 6), D(2027, 3, 5)))  # P2: 3 days
    add(K.RESIDENT, "R2", at(4, 10), S.REJECTED, [(S.REJECTED, at(18, 10))])  # P3: rejected after 14 days
    add(K.DISABILITY, None, at(5, 10), S.IN_REVIEW)  # P4: still open
    add(K.CARE_PROVIDER, None, at(6, 9), S.ACTIVE, [(S.ACTIVE, at(6, 15))], (D(2026, 3, 6), D(2027, 3, 5)))  # P5
    add(K.RESIDENT, "R1", at(10, 10), S.IN_REVIEW)  # P6: applied after the week
    long_ago = at(1, 10, month=1) - datetime.timedelta(days=400)
    add(K.RESIDENT, "R2", long_ago, S.ACTIVE, valid=(D(2025, 6, 1), D(2026, 5, 31)))  # Q1: valid all week
    add(K.RESIDENT, "R1", long_ago, S.EXPIRED, valid=(D(2025, 1, 1), D(2025, 12, 31)))  # Q2: ended before
    add(K.RESIDENT, "R2", long_ago, S.CANCELLED, [(S.CANCELLED, at(15, 10, month=2))],
        (D(2025, 9, 1), D(2026, 8, 31)))  # Q3: cancelled before the week
    add(K.RESIDENT, "R2", long_ago, S.CANCELLED, [(S.CANCELLED, at(4, 10))],
        (D(2025, 9, 1), D(2026, 8, 31)))  # Q4: cancelled during the week
    add(K.DISABILITY, None, long_ago, S.ACTIVE, valid=(D(2024, 1, 1), D(2026, 12, 31)))  # Q5: city-wide


def write_week() -> None:
    """The whole hand-made week, summarised as the hourly task would have on the Monday after."""
    from insights import rollup

    write_sessions()
    write_checks()
    write_cases()
    write_permits()
    rollup.refresh(datetime.date(2026, 3, 1), datetime.date(2026, 3, 9), checks=True, now=NOW)
