"""The report's figures: each one a table (that the page shows, with a chart drawn from the same rows) and a CSV file.

A figure is built from report.Report without any query. The first cell of a row is its header; `total` is the table's
footer. `notes` say honestly what a figure does not measure.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.city.models import Weekday
from fines.models import CaseKind
from parking_sessions.models import Channel
from permits.models import PermitKind

from .cells import COUNT, DAYS, MONEY, NUMBER, PERCENT, TEXT, in_days, share
from .report import DURATION_FIELDS, ZERO, Report


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = COUNT


@dataclass
class Figure:
    key: str
    title: str
    description: str
    columns: list[Column]
    rows: list[list]
    total: list | None = None
    chart: str = ""  # "bars" or "heat"; empty: a table only
    chart_column: int = 1  # the column the bars show
    notes: list[str] = field(default_factory=list)
    # The CSV can hold more detail than the table (the heat map per zone); by default it is the table.
    csv_columns: list[Column] | None = None
    csv_rows: list[list] | None = None

    @property
    def export_columns(self) -> list[Column]:
        return self.csv_columns or self.columns

    @property
    def export_rows(self) -> list[list]:
        if self.csv_rows is not None:
            return self.csv_rows
        return self.rows + ([self.total] if self.total else [])


DURATION_LABELS = {
    "up_to_30": gettext_lazy("30 minutes or less"), "up_to_60": gettext_lazy("31 to 60 minutes"),
    "up_to_120": gettext_lazy("1 to 2 hours"), "up_to_240": gettext_lazy("2 to 4 hours"),
    "longer": gettext_lazy("more than 4 hours"), "running": gettext_lazy("still running"),
}


def _zone_ids(report: Report) -> list[int]:
    chosen = report.selection.zones or report.selection.all_zones
    return [zone.pk for zone in chosen]


def _channel_label(channel: str, operator: str) -> str:
    if channel == Channel.APP:
        return _("Parking app: %(operator)s") % {"operator": operator} if operator else str(Channel.APP.label)
    return str(Channel(channel).label)


# --- Sessions -------------------------------------------------------------------------------------------------------

def sessions_by_zone(report: Report) -> Figure:
    totals = defaultdict(lambda: [0, ZERO, 0, 0])  # sessions, revenue, ended, minutes
    for group in report.sessions:
        row = totals[group.zone_id]
        row[0] += group.sessions
        row[1] += group.revenue
        row[2] += group.ended
        row[3] += group.minutes
    everything = sum(row[0] for row in totals.values())
    rows = [[report.zone_label(zone_id), totals[zone_id][0], share(totals[zone_id][0], everything),
             share(totals[zone_id][3], totals[zone_id][2])] for zone_id in _zone_ids(report)]
    ended, minutes = sum(row[2] for row in totals.values()), sum(row[3] for row in totals.values())
    return Figure(
        "sessions_by_zone", _("Sessions by zone"), _("Parking sessions started in the period, per zone."),
        [Column(_("Zone"), TEXT), Column(_("Sessions")), Column(_("Share"), PERCENT),
         Column(_("Average duration (minutes)"), NUMBER)],
        rows, total=[_("Total"), everything, share(everything, everything), share(minutes, ended)], chart="bars",
        notes=[_("Sessions from the website, SMS and parking apps, digital parking discs included. Residents with a "
                 "card and disability registrations park without a session and are not counted here.")])


def heat_map(report: Report) -> Figure:
    cells = defaultdict(int)
    for (_zone_id, weekday, hour), count in report.heat.items():
        cells[(weekday, hour)] += count
    rows = [[str(label), *[cells[(int(weekday), hour)] for hour in range(24)],
             sum(cells[(int(weekday), hour)] for hour in range(24))] for weekday, label in Weekday.choices]
    zones = {zone.pk: zone.code for zone in report.selection.all_zones}
    detail = [[zones.get(zone_id, ""), str(Weekday(weekday).label), hour, count]
              for (zone_id, weekday, hour), count in sorted(report.heat.items(), key=lambda item: (
                  zones.get(item[0][0], ""), item[0][1], item[0][2]))]
    return Figure(
        "heat_map", _("Sessions by weekday and hour"),
        _("When parking sessions start: one cell per weekday and hour of the day, darker when more sessions start."),
        [Column(_("Weekday"), TEXT), *[Column(f"{hour:02d}") for hour in range(24)], Column(_("Total"))],
        rows, chart="heat",
        csv_columns=[Column(_("Zone"), TEXT), Column(_("Weekday"), TEXT), Column(_("Hour")), Column(_("Sessions"))],
        csv_rows=detail, notes=[_("Hours are local time in Brussels; a session counts in the hour it starts.")])


def durations(report: Report) -> Figure:
    counts = {name: sum(group.durations.get(name, 0) for group in report.sessions) for name in DURATION_FIELDS}
    everything = sum(counts.values())
    return Figure(
        "durations", _("Duration of sessions"), _("How long parking sessions last, in classes."),
        [Column(_("Duration"), TEXT), Column(_("Sessions")), Column(_("Share"), PERCENT)],
        [[str(DURATION_LABELS[name]), counts[name], share(counts[name], everything)] for name in DURATION_FIELDS],
        total=[_("Total"), everything, share(everything, everything)], chart="bars",
        notes=[_("A session still running (SMS or app, stopped later) has no duration yet.")])


def revenue_by_channel(report: Report) -> Figure:
    totals = defaultdict(lambda: [0, ZERO])
    for group in report.sessions:
        key = (group.channel, group.operator if group.channel == Channel.APP else "")
        totals[key][0] += group.sessions
        totals[key][1] += group.revenue
    sessions = sum(row[0] for row in totals.values())
    revenue = sum((row[1] for row in totals.values()), ZERO)
    order = {Channel.WEB: 0, Channel.SMS: 1, Channel.APP: 2}
    rows = [[_channel_label(channel, operator), count, share(count, sessions), money, share(money, revenue)]
            for (channel, operator), (count, money) in sorted(totals.items(), key=lambda item: (order[item[0][0]],
                                                                                               item[0][1]))]
    return Figure(
        "revenue_by_channel", _("Revenue by channel"),
        _("What the parking sessions paid, per channel: the website, SMS and each parking-app operator."),
        [Column(_("Channel"), TEXT), Column(_("Sessions")), Column(_("Share of sessions"), PERCENT),
         Column(_("Revenue"), MONEY), Column(_("Share of revenue"), PERCENT)],
        rows, total=[_("Total"), sessions, share(sessions, sessions), revenue, share(revenue, revenue)],
        chart="bars", chart_column=3,
        notes=[_("The parking fee of the city's tariff. What operators charge drivers on top is not included; a "
                 "session still running counts once it ends.")])


def revenue_by_zone(report: Report) -> Figure:
    totals = defaultdict(lambda: [0, ZERO])
    for group in report.sessions:
        totals[group.zone_id][0] += group.sessions
        totals[group.zone_id][1] += group.revenue
    revenue = sum((row[1] for row in totals.values()), ZERO)
    rows = [[report.zone_label(zone_id), totals[zone_id][1], share(totals[zone_id][1], revenue),
             share(totals[zone_id][1], totals[zone_id][0])] for zone_id in _zone_ids(report)]
    sessions = sum(row[0] for row in totals.values())
    return Figure(
        "revenue_by_zone", _("Revenue by zone"), _("What the parking sessions paid, per zone."),
        [Column(_("Zone"), TEXT), Column(_("Revenue"), MONEY), Column(_("Share"), PERCENT),
         Column(_("Revenue per session"), MONEY)],
        rows, total=[_("Total"), revenue, share(revenue, revenue), share(revenue, sessions)], chart="bars")


def occupancy(report: Report) -> Figure:
    occupied = defaultdict(int)
    for group in report.sessions:
        occupied[group.zone_id] += group.occupied_paid_minutes
    rows = []
    for zone_id in _zone_ids(report):
        zone, hours = report.zones[zone_id], report.paid_hours.get(zone_id, 0)
        parked = share(occupied[zone_id], hours * 60)
        rows.append([report.zone_label(zone_id), zone.capacity, hours, parked,
                     share(parked, zone.capacity) if parked is not None else None])
    return Figure(
        "occupancy", _("Occupancy in paid hours"),
        _("The average number of cars parked with a session during the zone's paid (or time-limited) hours, against "
          "its number of places."),
        [Column(_("Zone"), TEXT), Column(_("Places")), Column(_("Paid hours")), Column(_("Cars parked on average"),
                                                                                       NUMBER),
         Column(_("Occupancy"), PERCENT)],
        rows, chart="bars", chart_column=4,
        notes=[_("Only cars with a session or a digital parking disc are counted; residents with a card, disability "
                 "registrations and cars without any right are not, so the real occupancy is higher."),
               _("A zone without a known number of places has no occupancy: enter its places in the zone's settings."),
               _("An hour counts as paid when its middle falls in the paid hours; public holidays that the tariff "
                 "leaves free do not count.")])


# --- Enforcement, cases and permits -------------------------------------------------------------------------------

def enforcement(report: Report) -> Figure:
    per_zone = defaultdict(lambda: [0, 0])  # checks, covered
    for group in report.checks:
        per_zone[group.zone_id][0] += group.checks
        per_zone[group.zone_id][1] += group.checks if group.allowed else 0
    days = report.check_days
    zone_ids = _zone_ids(report) + ([None] if report.selection.is_all_zones and None in per_zone else [])

    def row(label, checks, covered):
        return [label, checks, covered, checks - covered, share(covered, checks), share(checks, days)]

    rows = [row(report.zone_label(zone_id) or _("No zone"), *per_zone[zone_id]) for zone_id in zone_ids]
    checks, covered = sum(v[0] for v in per_zone.values()), sum(v[1] for v in per_zone.values())
    return Figure(
        "enforcement", _("Enforcement checks and compliance"),
        _("Plates checked by scan cars and wardens, and the share that a parking right covered."),
        [Column(_("Zone"), TEXT), Column(_("Checks")), Column(_("Covered by a right")), Column(_("Not covered")),
         Column(_("Compliance"), PERCENT), Column(_("Checks per enforcement day"), NUMBER)],
        rows, total=row(_("Total"), checks, covered), chart="bars", chart_column=4,
        notes=[_("Days with checks in the period: %(days)d.") % {"days": days},
               _("A car still within its time to register counts as not covered, and a car checked twice counts "
                 "twice, so compliance is a lower bound."),
               _("Checks are summarised while the enforcement log keeps them (it deletes them after its retention "
                 "period); days summarised: %(days)d of %(total)d.") % {"days": report.coverage.checks,
                                                                        "total": report.coverage.days}])


KIND_ORDER = [CaseKind.RETRIBUTION, CaseKind.GAS4, CaseKind.GAS5]


def cases(report: Report) -> Figure:
    rows = []
    for kind in KIND_ORDER:
        facts = report.cases[kind]
        rows.append([str(CaseKind(kind).label), facts.issued, facts.paid, facts.objected, facts.accepted,
                     facts.cancelled, facts.driver_named, facts.still_open, share(facts.paid, facts.due)])
    return Figure(
        "cases", _("Retributions and GAS fines"),
        _("Notices sent in the period and what has become of them since: paid, objected, accepted, cancelled."),
        [Column(_("Kind"), TEXT), Column(_("Notices sent")), Column(_("Paid")), Column(_("Objected")),
         Column(_("Objection accepted")), Column(_("Cancelled")), Column(_("Driver named")), Column(_("Still open")),
         Column(_("Payment rate"), PERCENT)],
        rows, chart="bars", chart_column=8,
        notes=[_("The payment rate is paid cases out of the cases that had to be paid (not cancelled, no driver named)."),
               _("An accepted objection cancels the case, so it is also counted as cancelled."),
               _("With a choice of zones, GAS fines without a zone (speed cameras) are left out.")])


def days_to_pay(report: Report) -> Figure:
    rows = []
    for kind in KIND_ORDER:
        facts = report.cases[kind]
        rows.append([str(CaseKind(kind).label), facts.paid, in_days(facts.days_to_pay),
                     share(facts.paid_within_30, facts.paid), share(facts.paid_within_60, facts.paid)])
    return Figure(
        "days_to_pay", _("Days to pay"), _("How many days after the notice was sent the paid cases were paid."),
        [Column(_("Kind"), TEXT), Column(_("Paid")), Column(_("Average days to pay"), DAYS),
         Column(_("Paid within 30 days"), PERCENT), Column(_("Paid within 60 days"), PERCENT)],
        rows, chart="bars", chart_column=2,
        notes=[_("Counted from the day the notice was sent to the day the payment was booked.")])


def objections(report: Report) -> Figure:
    rows = []
    for kind in KIND_ORDER:
        facts = report.objections[kind]
        rows.append([str(CaseKind(kind).label), facts.submitted, facts.decided, facts.accepted, facts.rejected,
                     facts.pending, share(facts.accepted, facts.decided), in_days(facts.days_to_decide),
                     share(facts.decided_within_30, facts.decided)])
    return Figure(
        "objections", _("Objections and their handling"),
        _("Objections and written defences submitted in the period: how many were accepted, and how fast they were "
          "decided."),
        [Column(_("Kind"), TEXT), Column(_("Submitted")), Column(_("Decided")), Column(_("Accepted")),
         Column(_("Rejected")), Column(_("Pending")), Column(_("Acceptance rate"), PERCENT),
         Column(_("Average days to decide"), DAYS), Column(_("Decided within 30 days"), PERCENT)],
        rows, chart="bars", chart_column=6,
        notes=[_("The acceptance rate is accepted objections out of the decided ones.")])


PERMIT_ORDER = [PermitKind.RESIDENT, PermitKind.DISABILITY, PermitKind.CARE_PROVIDER]


def permit_handling(report: Report) -> Figure:
    rows = []
    for kind in PERMIT_ORDER:
        facts = report.permit_handling[kind]
        rows.append([str(PermitKind(kind).label), facts.applied, facts.approved, facts.rejected, facts.still_open,
                     in_days(facts.days_to_decide), share(facts.same_day, facts.decided),
                     share(facts.within_10, facts.decided)])
    return Figure(
        "permit_handling", _("Handling of permit applications"),
        _("Applications made in the period: how many were approved or rejected, and how fast."),
        [Column(_("Kind"), TEXT), Column(_("Applications")), Column(_("Approved")), Column(_("Rejected")),
         Column(_("Still open")), Column(_("Average days to decide"), DAYS), Column(_("Decided within a day"), PERCENT),
         Column(_("Decided within 10 days"), PERCENT)],
        rows, chart="bars", chart_column=5,
        notes=[_("Counted from the application to the first approval or rejection; automatic approvals count as "
                 "decided at once. Calendar days, not working days.")])


def permits_by_zone(report: Report) -> Figure:
    zone_ids = _zone_ids(report) + ([None] if report.selection.is_all_zones else [])
    rows = []
    for zone_id in zone_ids:
        counts = [report.permits_in_force.get((zone_id, kind), 0) for kind in PERMIT_ORDER]
        rows.append([report.zone_label(zone_id) or _("City-wide (no zone)"), *counts, sum(counts)])
    totals = [sum(row[n] for row in rows) for n in range(1, len(PERMIT_ORDER) + 2)]
    return Figure(
        "permits_by_zone", _("Permits by zone and kind"), _("Permits that were valid on at least one day of the period."),
        [Column(_("Zone"), TEXT), *[Column(str(PermitKind(kind).label)) for kind in PERMIT_ORDER], Column(_("Total"))],
        rows, total=[_("Total"), *totals], chart="bars", chart_column=len(PERMIT_ORDER) + 1,
        notes=[_("Disability registrations are valid in every zone, so they have no zone of their own.")])


BUILDERS = [sessions_by_zone, heat_map, durations, revenue_by_channel, revenue_by_zone, occupancy, enforcement, cases,
            days_to_pay, objections, permit_handling, permits_by_zone]
KEYS = ["sessions_by_zone", "heat_map", "durations", "revenue_by_channel", "revenue_by_zone", "occupancy",
        "enforcement", "cases", "days_to_pay", "objections", "permit_handling", "permits_by_zone"]


def all_figures(report: Report) -> list[Figure]:
    return [build(report) for build in BUILDERS]


def figure(report: Report, key: str) -> Figure:
    return BUILDERS[KEYS.index(key)](report)

