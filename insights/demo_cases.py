"""The demo year's retributions and GAS fines with their outcomes, and its permit applications with their handling.

Each case and permit gets a timeline of events drawn from realistic shares (most retributions paid within the month,
some objected to, a third of those accepted; most permits decided within days, about half of the resident cards
approved automatically). Events later than `now` have not happened yet: the case or permit stays in the status it had
then. The rows follow the procedures of fines.rules and permits.rules, but are written in bulk with their historical
dates instead of being walked through those functions one by one (a mid-size city has tens of thousands a year).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from fines import numbers
from fines.models import Case, CaseEvent, CaseKind, CaseStatus, NoticeCounter, Objection, ObjectionGround, Offence, Source
from fines.models import ObjectionStatus as OS
from permits.models import Channel as PermitChannel
from permits.models import Permit, PermitEvent, PermitKind, PermitPlate, PermitStatus, VehicleUse

from . import bulk
from .demo import CannotGenerate, World, _at
from .selection import local_zone

S, P = CaseStatus, PermitStatus
# Cases per parking session over the year, and what becomes of them.
PER_SESSION = {CaseKind.RETRIBUTION: 0.025, CaseKind.GAS4: 0.003, CaseKind.GAS5: 0.004}
OBJECTED = {CaseKind.RETRIBUTION: 0.07, CaseKind.GAS4: 0.10, CaseKind.GAS5: 0.08}
ACCEPTED = {CaseKind.RETRIBUTION: 0.35, CaseKind.GAS4: 0.25, CaseKind.GAS5: 0.20}
PAID = {CaseKind.RETRIBUTION: 0.80, CaseKind.GAS4: 0.78, CaseKind.GAS5: 0.82}
GAS4_OFFENCES = {"E1": 30, "PAVEMENT": 25, "PARKING_DISC": 15, "DISABLED_PLACE": 10, "C3": 12, "F103": 8}
RETRIBUTION_AMOUNT = Decimal("20.00")
REGISTERED_NOTICE_COST = Decimal("20.00")
# Permit applications per parking session over the year.
PERMITS_PER_SESSION = {PermitKind.RESIDENT: 1 / 400, PermitKind.DISABILITY: 1 / 3_000, PermitKind.CARE_PROVIDER: 1 / 8_000}


@dataclass
class Timeline:
    """A case's or permit's events: (moment, status) in order; only those up to `now` have happened."""

    events: list[tuple[datetime.datetime, str]] = field(default_factory=list)

    def add(self, at: datetime.datetime, status: str) -> datetime.datetime:
        self.events.append((at, status))
        return at

    def until(self, now: datetime.datetime) -> list[tuple[datetime.datetime, str]]:
        return [event for event in self.events if event[0] <= now]


def _moment(day: datetime.date, rng) -> datetime.datetime:
    return _at(day, 9, rng.randrange(8 * 60))


def _later(at: datetime.datetime, rng, low: int, high: int) -> datetime.datetime:
    return _moment(at.date() + datetime.timedelta(days=rng.randint(low, high)), rng)


def case_timeline(kind: str, issued: datetime.datetime, rng) -> tuple[Timeline, dict | None]:
    """The case's events after its notice, and its objection (submitted, decision, decided) when there is one."""
    line, objection = Timeline(), None
    line.add(issued, S.ISSUED)
    if kind == CaseKind.GAS5 and rng.random() < 0.05:
        line.add(_later(issued, rng, 5, 25), S.DRIVER_NAMED)
        return line, None
    if rng.random() < OBJECTED[kind]:
        submitted = line.add(_later(issued, rng, 2, 25), S.DISPUTED)
        decided = _later(submitted, rng, 5, 45)
        accepted = rng.random() < ACCEPTED[kind]
        objection = {"submitted": submitted, "decided": decided, "accepted": accepted}
        line.add(decided, S.CANCELLED if accepted else S.REJECTED)
        if not accepted and rng.random() < 0.7:
            line.add(_later(decided, rng, 2, 30), S.PAID)
        return line, objection
    if rng.random() < 0.02:
        line.add(_later(issued, rng, 1, 20), S.CANCELLED)
    elif rng.random() < PAID[kind]:
        # Most pay within the month; a few after the reminder.
        line.add(_later(issued, rng, 0, 30) if rng.random() < 0.85 else _later(issued, rng, 31, 60), S.PAID)
    else:
        reminded = line.add(_later(issued, rng, 31, 40), S.REMINDED)
        if kind == CaseKind.RETRIBUTION:
            notice = line.add(_later(reminded, rng, 30, 35), S.FORMAL_NOTICE)
            line.add(_later(notice, rng, 31, 45), S.COLLECTION)
        else:
            line.add(_later(reminded, rng, 31, 45), S.COLLECTION)
    return line, objection


class Notices:
    """Notice numbers after the ones already given, per year; the counters are moved on at the end."""

    def __init__(self):
        self.last = dict(NoticeCounter.objects.values_list("year", "last"))

    def next(self, year: int) -> str:
        self.last[year] = self.last.get(year, 0) + 1
        return numbers.make(year, self.last[year])

    def save(self) -> None:
        for year, last in self.last.items():
            NoticeCounter.objects.update_or_create(year=year, defaults={"last": last})


def _case(world: World, kind: str, offences: dict, notices: Notices, number: int,
          enforcement_days: list[datetime.date]) -> tuple[Case, Timeline, dict | None]:
    rng = world.rng
    # Parking offences are seen on enforcement days; speed cameras record every day.
    day = rng.choice(world.days if kind == CaseKind.GAS5 else enforcement_days)
    observed = _moment(day, rng)
    delay = 2 if kind == CaseKind.RETRIBUTION else rng.randint(7, 14)
    issued = _moment(day + datetime.timedelta(days=delay), rng)
    fields = {}
    if kind == CaseKind.RETRIBUTION:
        offence, amount = offences["RETRIBUTION"], RETRIBUTION_AMOUNT
        zone = world.zones[rng.choice(["C1", "C1", "C2", "C2", "B1", "R1", "R2"])]
    elif kind == CaseKind.GAS4:
        code = rng.choices(list(GAS4_OFFENCES), weights=list(GAS4_OFFENCES.values()))[0]
        offence = offences[code]
        amount = Decimal("116.00") if offence.gas4_category == 2 else Decimal("58.00")
        zone = world.zones[rng.choice(["C1", "C2", "B1"])]
    else:
        offence, zone = offences["GAS5"], None
        limit, excess = rng.choice([30, 50]), rng.randint(1, 20)
        amount = Decimal(53 + max(0, excess - 10) * 11)
        fields = {"speed_limit": limit, "measured_speed": limit + excess + 6, "corrected_speed": limit + excess,
                  "inside_built_up_area": True}
    issued_on = issued.date()
    case = Case(kind=kind, notice_number=notices.next(issued_on.year), plate=rng.choice(world.plates), country="BE",
                holder_name=f"Houder {number}", holder_street=f"Demostraat {number % 200 + 1}", holder_postal_code="3600",
                holder_municipality="Genk", offence=offence, place="Genk", zone=zone, observed_at=observed,
                observed_by="camera 1" if offence.camera else "scanwagen", amount=amount, issued_on=issued_on,
                due_date=issued_on + datetime.timedelta(days=30),
                objection_until=issued_on + datetime.timedelta(days=30),
                driver_until=issued_on + datetime.timedelta(days=30) if kind != CaseKind.RETRIBUTION else None,
                report_received_on=day + datetime.timedelta(days=delay - 1) if kind != CaseKind.RETRIBUTION else None,
                source=Source.ENFORCEMENT if kind == CaseKind.RETRIBUTION else Source.IMPORT, **fields)
    line, objection = case_timeline(kind, issued, rng)
    return case, line, objection


def write_cases(world: World, now: datetime.datetime, log) -> None:
    sessions = sum(world.day_sessions.values())
    offences = {offence.code: offence for offence in Offence.objects.all()}
    if not {"RETRIBUTION", "GAS5", *GAS4_OFFENCES} <= set(offences):
        raise CannotGenerate("The offence catalogue is missing: run `manage.py seed_demo_city` first.")
    notices, planned = Notices(), []
    enforcement_days = [day for day in world.days if day.weekday() != 6] or world.days
    for kind, rate in PER_SESSION.items():
        for _ in range(max(3, round(sessions * rate))):
            planned.append(_case(world, kind, offences, notices, len(planned) + 1, enforcement_days))
    log(f"  {len(planned):,} retributions and GAS fines ...")
    events, objections = [], []
    for case, line, _objection in planned:
        happened = line.until(now)
        case.status = happened[-1][1]
        steps = [status for _moment_, status in happened]
        # A disputed retribution stays disputed (no dwangbevel); a GAS fine's rejection ends the dispute (rules.py).
        case.disputed = S.DISPUTED in steps and not (case.kind != CaseKind.RETRIBUTION and S.REJECTED in steps)
        if S.FORMAL_NOTICE in steps:
            case.costs = REGISTERED_NOTICE_COST
    Case.objects.bulk_create([case for case, _line, _objection in planned], batch_size=2_000)
    for case, line, objection in planned:
        previous = ""
        for at, status in line.until(now):
            events.append({"case_id": case.pk, "at": at, "actor_id": None, "from_status": previous, "to_status": status,
                           "note": ""})
            previous = status
        if objection and objection["submitted"] <= now:
            decided = objection["decided"] <= now
            objections.append({
                "case_id": case.pk, "ground": ObjectionGround.OTHER if case.kind != CaseKind.RETRIBUTION else (
                    ObjectionGround.SESSION), "explanation": "Ik had een geldige parkeersessie.",
                "contact_name": case.holder_name, "contact_email": f"bezwaar-{case.notice_number}@example.invalid",
                "submitted_at": objection["submitted"], "rights_found": [],
                "status": (OS.ACCEPTED if objection["accepted"] else OS.REJECTED) if decided else OS.PENDING,
                "decided_at": objection["decided"] if decided else None,
                "decision_reason": "Beslist." if decided else ""})
    bulk.write(CaseEvent, events)
    bulk.write(Objection, objections)
    notices.save()
    world.counts.update(cases=len(planned), case_events=len(events), objections=len(objections))


# --- Permits --------------------------------------------------------------------------------------------------------

def permit_timeline(kind: str, applied: datetime.datetime, rng) -> Timeline:
    line = Timeline()
    line.add(applied, P.APPLIED)
    if kind == PermitKind.RESIDENT and rng.random() < 0.55:
        line.add(applied + datetime.timedelta(seconds=1), P.ACTIVE)  # approved automatically
        return line
    at = applied
    if rng.random() < 0.08:
        at = line.add(_later(at, rng, 1, 3), P.MORE_INFO_REQUESTED)
        at = line.add(_later(at, rng, 1, 6), P.IN_REVIEW)
    rejected = rng.random() < {PermitKind.RESIDENT: 0.1, PermitKind.DISABILITY: 0.05, PermitKind.CARE_PROVIDER: 0.1}[kind]
    line.add(_later(at, rng, 0, 10), P.REJECTED if rejected else P.ACTIVE)
    return line


def _validity(kind: str, approved: datetime.date) -> datetime.date:
    years = 3 if kind == PermitKind.DISABILITY else 1
    return approved.replace(year=approved.year + years) - datetime.timedelta(days=1)


def write_permits(world: World, now: datetime.datetime, log) -> None:
    rng, sessions = world.rng, sum(world.day_sessions.values())
    plans = []
    for kind, rate in PERMITS_PER_SESSION.items():
        for _ in range(max(2, round(sessions * rate))):
            applied = _moment(rng.choice(world.days), rng)
            plans.append((kind, applied, permit_timeline(kind, applied, rng)))
    log(f"  {len(plans):,} permit applications ...")
    User = get_user_model()
    holders = User.objects.bulk_create([
        User(email=f"demo-year-{world.year}-{n}@example.invalid", password="!", first_name="Demo", last_name=str(n),
             street="Molenstraat", house_number=str(n % 140 + 1), postal_code="3600", municipality="Genk")
        for n in range(len(plans))], batch_size=2_000)
    first_id, rows, lines = bulk.last_id(Permit), [], []
    for n, ((kind, applied, line), holder) in enumerate(zip(plans, holders, strict=True)):
        happened = line.until(now)
        status = happened[-1][1]
        approved = next((at for at, step in happened if step == P.ACTIVE), None)
        valid_from = timezone_date(approved) if approved else None
        valid_to = _validity(kind, valid_from) if valid_from else None
        if status == P.ACTIVE and rng.random() < 0.04:
            happened.append((_later(approved, rng, 20, 200), P.CANCELLED))
        if status == P.ACTIVE and valid_to and valid_to < timezone_date(now):
            happened.append((_at(valid_to + datetime.timedelta(days=1), 2), P.EXPIRED))
        happened = [event for event in happened if event[0] <= now]
        lines.append(happened)
        rows.append({
            "kind": kind, "status": happened[-1][1], "holder_id": holder.pk,
            "zone_id": world.zones[rng.choice(["R1", "R2"])].pk if kind == PermitKind.RESIDENT else None,
            "street": holder.street, "house_number": holder.house_number, "postal_code": "3600", "municipality": "Genk",
            "address_key": f"3600|molenstraat|{holder.house_number}|demo-{world.year}-{n}", "valid_from": valid_from,
            "valid_to": valid_to, "price": Decimal("0.00"), "vehicle_use": VehicleUse.OWN,
            "card_number": f"{rng.randrange(10 ** 10):010d}" if kind == PermitKind.DISABILITY else "",
            "recognition_number": f"{rng.randrange(10 ** 8):08d}" if kind == PermitKind.CARE_PROVIDER else "",
            "channel": PermitChannel.COUNTER if rng.random() < 0.1 else PermitChannel.PORTAL,
            "created": applied, "updated": happened[-1][0]})
    bulk.write(Permit, rows)
    ids = bulk.ids_after(Permit, first_id)
    events, plates = [], []
    for permit_id, happened in zip(ids, lines, strict=True):
        previous = ""
        for at, status in happened:
            events.append({"permit_id": permit_id, "at": at, "actor_id": None, "from_status": previous,
                           "to_status": status, "note": ""})
            previous = status
        plates.append({"permit_id": permit_id, "plate": rng.choice(world.plates), "country": "BE"})
    bulk.write(PermitEvent, events)
    bulk.write(PermitPlate, plates)
    world.counts.update(permits=len(rows), permit_events=len(events))


def timezone_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localtime(moment, local_zone()).date()
