"""The parking data report's facts for a period and a choice of zones, aggregated in SQL in a fixed number of queries.

Sessions and checks come from the summaries (rollup.py), never from the million rows behind them; cases, objections
and permits are few enough (tens of thousands a year) to aggregate directly, with their dates from the append-only
event rows. Each function below runs one query, a plain GROUP BY or a join to the events rather than a correlated
subquery repeated in every aggregate (measured: that took most of a second on a year's cases); `build` runs them all,
QUERIES of them, whatever the amount of data. Turning these facts into tables, charts and CSV files is figures.py's work.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncDate

from eloket.city.models import Zone
from fines.models import Case, CaseEvent, CaseKind, CaseStatus, Objection, ObjectionStatus
from permits.models import PENDING_STATUSES, Permit, PermitEvent, PermitKind, PermitStatus

from .models import CheckDay, SessionDay, SessionHour, SummaryDay, ZoneDay
from .selection import Selection, local_zone

ZERO = Decimal("0.00")
DAY = datetime.timedelta(days=1)
# The duration classes of SessionHour, in order: (field, upper bound in minutes or None).
DURATION_BUCKETS = [("up_to_30", 30), ("up_to_60", 60), ("up_to_120", 120), ("up_to_240", 240), ("longer", None),
                    ("running", None)]
DURATION_FIELDS = [name for name, _limit in DURATION_BUCKETS]
QUERIES = 13  # coverage, sessions, heat map, paid hours, checks (2), cases (3), objections, permits (3)


@dataclass
class Coverage:
    days: int  # days in the period
    summarised: int  # of which the sessions are summarised
    checks: int  # of which the checks are summarised
    last: datetime.datetime | None  # the latest summary in the period

    @property
    def missing(self) -> int:
        return self.days - self.summarised


@dataclass
class SessionGroup:
    """Sessions of one zone and channel (and operator), from SessionHour."""

    zone_id: int
    channel: str
    operator: str  # the operator's name, empty for web and SMS
    sessions: int = 0
    revenue: Decimal = ZERO
    ended: int = 0
    minutes: int = 0
    occupied_paid_minutes: int = 0
    durations: dict[str, int] = field(default_factory=dict)


@dataclass
class CheckGroup:
    zone_id: int | None
    allowed: bool
    checks: int


@dataclass
class CaseFacts:
    """Cases of one kind whose notice was sent in the period, with what has become of them since."""

    kind: str
    issued: int = 0
    paid: int = 0
    objected: int = 0
    accepted: int = 0
    cancelled: int = 0
    driver_named: int = 0
    still_open: int = 0
    days_to_pay: datetime.timedelta | None = None  # the average over the paid cases
    paid_within_30: int = 0
    paid_within_60: int = 0

    @property
    def due(self) -> int:
        """The cases that had to be paid: not cancelled, and not moved to a named driver."""
        return self.issued - self.cancelled - self.driver_named


@dataclass
class ObjectionFacts:
    """Objections (bezwaar, written defence) of one kind of case submitted in the period."""

    kind: str
    submitted: int = 0
    accepted: int = 0
    rejected: int = 0
    pending: int = 0
    days_to_decide: datetime.timedelta | None = None
    decided_within_30: int = 0

    @property
    def decided(self) -> int:
        return self.accepted + self.rejected


@dataclass
class PermitHandling:
    """Permit applications of one kind made in the period: how many were decided, and how fast."""

    kind: str
    applied: int = 0
    approved: int = 0
    rejected: int = 0
    still_open: int = 0
    days_to_decide: datetime.timedelta | None = None
    same_day: int = 0
    within_10: int = 0

    @property
    def decided(self) -> int:
        return self.approved + self.rejected


@dataclass
class Report:
    selection: Selection
    zones: dict[int, Zone]
    coverage: Coverage
    sessions: list[SessionGroup]
    heat: dict[tuple[int, int, int], int]  # (zone id, weekday, hour) -> sessions started
    paid_hours: dict[int, int]  # zone id -> paid hours in the period
    checks: list[CheckGroup]
    check_days: int  # days with at least one check
    cases: dict[str, CaseFacts]
    objections: dict[str, ObjectionFacts]
    permit_handling: dict[str, PermitHandling]
    permits_in_force: dict[tuple[int | None, str], int]  # (zone id or None, kind) -> permits valid in the period

    def zone_label(self, zone_id: int | None) -> str:
        zone = self.zones.get(zone_id)
        return f"{zone.code} {zone.name}" if zone else ""


# --- One query each -------------------------------------------------------------------------------------------------

def _coverage(selection: Selection) -> Coverage:
    found = SummaryDay.objects.filter(selection.on_days()).aggregate(
        summarised=Count("pk", filter=Q(sessions_at__isnull=False)), checks=Count("pk", filter=Q(checks_at__isnull=False)),
        last=Max("sessions_at"))
    return Coverage(days=selection.days, summarised=found["summarised"], checks=found["checks"], last=found["last"])


def _sessions(selection: Selection) -> list[SessionGroup]:
    rows = (SessionDay.objects.filter(selection.on_days(), selection.in_zones())
            .values("zone_id", "channel", "operator__name")
            .annotate(n=Sum("sessions"), revenue_sum=Sum("revenue"), ended_sum=Sum("ended"), minutes_sum=Sum("minutes"),
                      occupied=Sum("paid_minutes"), **{f"d_{name}": Sum(name) for name in DURATION_FIELDS})
            .order_by("zone_id", "channel", "operator__name"))
    return [SessionGroup(zone_id=row["zone_id"], channel=row["channel"], operator=row["operator__name"] or "",
                         sessions=row["n"] or 0, revenue=row["revenue_sum"] or ZERO, ended=row["ended_sum"] or 0,
                         minutes=row["minutes_sum"] or 0, occupied_paid_minutes=row["occupied"] or 0,
                         durations={name: row[f"d_{name}"] or 0 for name in DURATION_FIELDS})
            for row in rows]


def _heat(selection: Selection) -> dict[tuple[int, int, int], int]:
    rows = (SessionHour.objects.filter(selection.on_days(), selection.in_zones())
            .values("zone_id", "weekday", "hour").annotate(n=Sum("sessions")).order_by())
    return {(row["zone_id"], row["weekday"], row["hour"]): row["n"] for row in rows if row["n"]}


def _paid_hours(selection: Selection) -> dict[int, int]:
    rows = (ZoneDay.objects.filter(selection.on_days(), selection.in_zones())
            .values("zone_id").annotate(hours=Sum("paid_hours")).order_by())
    return {row["zone_id"]: row["hours"] for row in rows}


def _checks(selection: Selection) -> list[CheckGroup]:
    rows = (CheckDay.objects.filter(selection.on_days(), selection.in_zones())
            .values("zone_id", "allowed").annotate(n=Sum("checks")).order_by("zone_id", "allowed"))
    return [CheckGroup(zone_id=row["zone_id"], allowed=row["allowed"], checks=row["n"]) for row in rows]


def _check_days(selection: Selection) -> int:
    return CheckDay.objects.filter(selection.on_days(), selection.in_zones()).aggregate(
        days=Count("day", distinct=True))["days"]


def _within(expression: str, days: int) -> Q:
    return Q(**{f"{expression}__lte": datetime.timedelta(days=days)})


def _cases_in(selection: Selection):
    return Case.objects.filter(selection.on_days("issued_on"), selection.in_zones())


def _case_outcomes(selection: Selection) -> dict[str, CaseFacts]:
    """Cases whose notice was sent in the period, by kind and the status they have now."""
    facts = {kind: CaseFacts(kind) for kind in CaseKind.values}
    for row in _cases_in(selection).values("kind", "status").annotate(n=Count("pk")).order_by():
        found, status, count = facts[row["kind"]], row["status"], row["n"]
        found.issued += count
        if status == CaseStatus.PAID:
            found.paid += count
        elif status == CaseStatus.CANCELLED:
            found.cancelled += count
        elif status == CaseStatus.DRIVER_NAMED:
            found.driver_named += count
        else:
            found.still_open += count
    return facts


def _case_objections(selection: Selection, facts: dict[str, CaseFacts]) -> None:
    """How many of those cases were objected to, and how many had an objection accepted."""
    rows = (Objection.objects.filter(selection.on_days("case__issued_on"), selection.in_zones("case__zone"))
            .values("case__kind")
            .annotate(objected=Count("case", distinct=True),
                      accepted=Count("case", distinct=True, filter=Q(status=ObjectionStatus.ACCEPTED))).order_by())
    for row in rows:
        facts[row["case__kind"]].objected = row["objected"]
        facts[row["case__kind"]].accepted = row["accepted"]


def _case_payments(selection: Selection, facts: dict[str, CaseFacts]) -> None:
    """Days from the notice to the payment of the paid ones (a case is marked paid once: one event each)."""
    days = ExpressionWrapper(TruncDate("at", tzinfo=local_zone()) - F("case__issued_on"), output_field=DurationField())
    rows = (CaseEvent.objects.filter(to_status=CaseStatus.PAID, case__status=CaseStatus.PAID)
            .filter(selection.on_days("case__issued_on"), selection.in_zones("case__zone"))
            .annotate(to_pay=days).values("case__kind")
            .annotate(average=Avg("to_pay"), within_30=Count("pk", filter=_within("to_pay", 30)),
                      within_60=Count("pk", filter=_within("to_pay", 60))).order_by())
    for row in rows:
        found = facts[row["case__kind"]]
        found.days_to_pay, found.paid_within_30, found.paid_within_60 = row["average"], row["within_30"], row["within_60"]


def _objections(selection: Selection) -> dict[str, ObjectionFacts]:
    handling = ExpressionWrapper(F("decided_at") - F("submitted_at"), output_field=DurationField())
    rows = (Objection.objects.filter(submitted_at__gte=selection.start_at, submitted_at__lt=selection.end_before)
            .filter(selection.in_zones("case__zone"))
            .annotate(handling=handling)
            .values("case__kind")
            .annotate(submitted=Count("pk"), accepted=Count("pk", filter=Q(status=ObjectionStatus.ACCEPTED)),
                      rejected=Count("pk", filter=Q(status=ObjectionStatus.REJECTED)),
                      pending=Count("pk", filter=Q(status=ObjectionStatus.PENDING)),
                      days_to_decide=Avg("handling", filter=Q(decided_at__isnull=False)),
                      decided_within_30=Count("pk", filter=Q(decided_at__isnull=False) & _within("handling", 30)))
            .order_by("case__kind"))
    facts = {kind: ObjectionFacts(kind) for kind in CaseKind.values}
    for row in rows:
        kind = row.pop("case__kind")
        facts[kind] = ObjectionFacts(kind=kind, **row)
    return facts


DECISIONS = (PermitStatus.ACTIVE, PermitStatus.REJECTED)


def _permits_applied_in(selection: Selection):
    return Permit.objects.filter(created__gte=selection.start_at, created__lt=selection.end_before).filter(
        selection.in_zones())


def _permit_applications(selection: Selection) -> dict[str, PermitHandling]:
    rows = (_permits_applied_in(selection).values("kind")
            .annotate(applied=Count("pk"), still_open=Count("pk", filter=Q(status__in=PENDING_STATUSES))).order_by())
    facts = {kind: PermitHandling(kind) for kind in PermitKind.values}
    for row in rows:
        facts[row["kind"]].applied, facts[row["kind"]].still_open = row["applied"], row["still_open"]
    return facts


def _permit_decisions(selection: Selection, facts: dict[str, PermitHandling]) -> None:
    """Applications made in the period, timed from the application to their approval or rejection (a permit is decided
    once; automatic approvals count too: they take no time)."""
    handling = ExpressionWrapper(F("at") - F("permit__created"), output_field=DurationField())
    rows = (PermitEvent.objects.filter(to_status__in=DECISIONS, permit__created__gte=selection.start_at,
                                       permit__created__lt=selection.end_before)
            .filter(selection.in_zones("permit__zone")).annotate(handling=handling).values("permit__kind")
            .annotate(approved=Count("pk", filter=Q(to_status=PermitStatus.ACTIVE)),
                      rejected=Count("pk", filter=Q(to_status=PermitStatus.REJECTED)), average=Avg("handling"),
                      same_day=Count("pk", filter=_within("handling", 1)),
                      within_10=Count("pk", filter=_within("handling", 10))).order_by())
    for row in rows:
        found = facts[row["permit__kind"]]
        found.approved, found.rejected, found.days_to_decide = row["approved"], row["rejected"], row["average"]
        found.same_day, found.within_10 = row["same_day"], row["within_10"]


# Permits that gave a right: those approved once (active now, or since expired, cancelled or revoked).
GRANTED = (PermitStatus.ACTIVE, PermitStatus.EXPIRED, PermitStatus.CANCELLED, PermitStatus.REVOKED)
ENDED_EARLY = (PermitStatus.CANCELLED, PermitStatus.REVOKED)


def _permits_in_force(selection: Selection) -> dict[tuple[int | None, str], int]:
    """Permits valid on at least one day of the period; a cancelled or revoked one until the day it was ended."""
    ended_at = Subquery(PermitEvent.objects.filter(permit=OuterRef("pk"), to_status__in=ENDED_EARLY)
                        .order_by("at").values("at")[:1])
    rows = (Permit.objects.filter(status__in=GRANTED, valid_from__lte=selection.end)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=selection.start))
            .filter(selection.in_zones())
            .annotate(ended_at=ended_at).filter(Q(ended_at__isnull=True) | Q(ended_at__gte=selection.start_at))
            .values("zone_id", "kind").annotate(n=Count("pk")).order_by())
    return {(row["zone_id"], row["kind"]): row["n"] for row in rows}


def build(selection: Selection) -> Report:
    """Every fact of the report in QUERIES queries, whatever the data; the zones come with the selection (one more)."""
    cases = _case_outcomes(selection)
    _case_objections(selection, cases)
    _case_payments(selection, cases)
    permits = _permit_applications(selection)
    _permit_decisions(selection, permits)
    return Report(
        selection=selection, zones={zone.pk: zone for zone in selection.all_zones},
        coverage=_coverage(selection), sessions=_sessions(selection), heat=_heat(selection),
        paid_hours=_paid_hours(selection), checks=_checks(selection), check_days=_check_days(selection),
        cases=cases, objections=_objections(selection), permit_handling=permits,
        permits_in_force=_permits_in_force(selection))
