"""Single figures from the data report that the decision support shows beside an answer (Option.figures names them).

Each is computed from an already built report.Report, so the outcome page adds no query per figure. This module
imports no model: models.py checks the names an administrator types against INDICATORS.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .cells import COUNT, DAYS, MONEY, NUMBER, PERCENT, display, in_days, share


@dataclass(frozen=True)
class Indicator:
    label: object  # a lazy translation
    kind: str
    compute: Callable  # (report) -> a number or None


def _sessions(report, channel=None) -> int:
    return sum(group.sessions for group in report.sessions if channel is None or group.channel == channel)


def _checks(report, allowed=None) -> int:
    return sum(group.checks for group in report.checks if allowed is None or group.allowed == allowed)


def _gas(report, attribute: str) -> int:
    return sum(getattr(report.cases[kind], attribute) for kind in ("gas4", "gas5"))


def _average_occupancy(report):
    occupied = sum(group.occupied_paid_minutes for group in report.sessions
                   if report.zones[group.zone_id].capacity)
    places_hours = sum(report.paid_hours.get(zone_id, 0) * zone.capacity for zone_id, zone in report.zones.items()
                       if zone.capacity and (report.selection.is_all_zones or zone_id in report.selection.zone_ids))
    return share(occupied, places_hours * 60)


def _objection_days(report):
    decided = [facts for facts in report.objections.values() if facts.days_to_decide is not None and facts.decided]
    if not decided:
        return None
    total = sum(in_days(facts.days_to_decide) * facts.decided for facts in decided)
    return total / sum(facts.decided for facts in decided)


def _permit_days(report):
    decided = [facts for facts in report.permit_handling.values() if facts.days_to_decide is not None and facts.decided]
    if not decided:
        return None
    return sum(in_days(facts.days_to_decide) * facts.decided for facts in decided) / sum(f.decided for f in decided)


INDICATORS: dict[str, Indicator] = {
    "sessions": Indicator(_("Parking sessions"), COUNT, _sessions),
    "web_share": Indicator(_("Share of sessions started on the website"), PERCENT,
                           lambda r: share(_sessions(r, "web"), _sessions(r))),
    "sms_share": Indicator(_("Share of sessions started by SMS"), PERCENT,
                           lambda r: share(_sessions(r, "sms"), _sessions(r))),
    "app_share": Indicator(_("Share of sessions started in a parking app"), PERCENT,
                           lambda r: share(_sessions(r, "app"), _sessions(r))),
    "revenue": Indicator(_("Revenue of parking sessions"), MONEY,
                         lambda r: sum((group.revenue for group in r.sessions), 0)),
    "occupancy": Indicator(_("Average occupancy in paid hours"), PERCENT, _average_occupancy),
    "checks_per_day": Indicator(_("Checks per enforcement day"), NUMBER, lambda r: share(_checks(r), r.check_days)),
    "compliance": Indicator(_("Compliance (checks covered by a right)"), PERCENT,
                            lambda r: share(_checks(r, True), _checks(r))),
    "retributions": Indicator(_("Retributions sent"), COUNT, lambda r: r.cases["retribution"].issued),
    "retribution_payment_rate": Indicator(_("Payment rate of retributions"), PERCENT,
                                          lambda r: share(r.cases["retribution"].paid, r.cases["retribution"].due)),
    "retribution_objection_rate": Indicator(_("Share of retributions objected to"), PERCENT,
                                            lambda r: share(r.cases["retribution"].objected, r.cases["retribution"].issued)),
    "retribution_days_to_pay": Indicator(_("Average days to pay a retribution"), DAYS,
                                         lambda r: in_days(r.cases["retribution"].days_to_pay)),
    "gas_fines": Indicator(_("GAS fines sent"), COUNT, lambda r: _gas(r, "issued")),
    "gas4_fines": Indicator(_("GAS 4 fines sent"), COUNT, lambda r: r.cases["gas4"].issued),
    "gas5_fines": Indicator(_("GAS 5 fines sent"), COUNT, lambda r: r.cases["gas5"].issued),
    "gas_payment_rate": Indicator(_("Payment rate of GAS fines"), PERCENT,
                                  lambda r: share(_gas(r, "paid"), _gas(r, "due"))),
    "objection_acceptance": Indicator(_("Objections accepted (of those decided)"), PERCENT,
                                      lambda r: share(sum(f.accepted for f in r.objections.values()),
                                                      sum(f.decided for f in r.objections.values()))),
    "objection_days": Indicator(_("Average days to decide an objection"), DAYS, _objection_days),
    "permit_days": Indicator(_("Average days to decide a permit application"), DAYS, _permit_days),
}


def choices() -> list[tuple[str, object]]:
    return [(key, indicator.label) for key, indicator in INDICATORS.items()]


@dataclass(frozen=True)
class Shown:
    key: str
    label: str
    value: str


def shown(report, keys: list[str]) -> list[Shown]:
    """The named figures of the report, formatted; an unknown name is skipped (it was checked when saved)."""
    return [Shown(key, str(INDICATORS[key].label), display(INDICATORS[key].compute(report), INDICATORS[key].kind))
            for key in keys if key in INDICATORS]
