"""What a case costs and whether it may be a GAS case at all (domain.md 1.2 to 1.4 and 2.3).

Every figure comes from the reference data in force on the day of the observation (Europe/Brussels), so a case
keeps the amount of its own day. GAS 5 works on the corrected speed: the measured speed minus the table's tolerance.
"""

import datetime
import zoneinfo
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from eloket.city.reference import MissingReferenceData, gas4_rate, gas5_rate, retribution_rate

from .models import CaseKind, Offence

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
ADULT_AGE = 18


class NotIssuable(Exception):
    """The case cannot be issued (as this kind); the message says why in plain words."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def aware(moment: datetime.datetime) -> datetime.datetime:
    """A time without a zone is Belgian local time (as police and camera exports write it)."""
    return timezone.make_aware(moment, BRUSSELS) if timezone.is_naive(moment) else moment


def observation_day(observed_at: datetime.datetime) -> datetime.date:
    return aware(observed_at).astimezone(BRUSSELS).date()


def _day(on: datetime.date) -> str:
    return formats.date_format(on, "SHORT_DATE_FORMAT")


def _missing(what: str, on: datetime.date) -> NotIssuable:
    return NotIssuable(_("There is no %(what)s in force on %(date)s. Add it to the city's reference data first.") % {
        "what": what, "date": _day(on)})


def correct_speed(measured_speed: int, observed_at: datetime.datetime) -> int:
    """The measured speed minus the measuring tolerance of the GAS 5 table in force on the day."""
    on = observation_day(observed_at)
    try:
        rate = gas5_rate(on)
    except MissingReferenceData:
        raise _missing(_("GAS 5 speed table"), on) from None
    return max(0, measured_speed - rate.tolerance_kmh)


def amount_for(offence: Offence, observed_at: datetime.datetime, *, speed_limit: int | None = None,
               corrected_speed: int | None = None, inside_built_up_area: bool | None = None) -> Decimal:
    """The amount of the schedule in force on the observation day; raises NotIssuable when there is none."""
    on = observation_day(observed_at)
    if offence.kind == CaseKind.RETRIBUTION:
        try:
            return retribution_rate(on).amount
        except MissingReferenceData:
            raise _missing(_("parking retribution rate"), on) from None
    if offence.kind == CaseKind.GAS4:
        if offence.gas4_category is None:
            raise NotIssuable(_("The offence %(code)s has no GAS 4 category, so its amount is unknown.") % {
                "code": offence.code})
        try:
            return gas4_rate(offence.gas4_category, on).amount
        except MissingReferenceData:
            raise _missing(_("GAS 4 amount for category %(category)s") % {"category": offence.gas4_category}, on) from None
    return _gas5_amount(on, speed_limit, corrected_speed, inside_built_up_area)


def _gas5_amount(on, speed_limit, corrected_speed, inside_built_up_area) -> Decimal:
    if speed_limit is None or corrected_speed is None:
        raise NotIssuable(_("A GAS 5 case needs the speed limit and the measured speed."))
    if inside_built_up_area is None:
        raise NotIssuable(_("Say whether the place is inside or outside a built-up area: the amount depends on it."))
    try:
        rate = gas5_rate(on)
    except MissingReferenceData:
        raise _missing(_("GAS 5 speed table"), on) from None
    amount = rate.amount_for(corrected_speed - speed_limit, inside_built_up_area)
    if amount is None:
        raise NotIssuable(_("The GAS 5 speed table has no amount for %(excess)s km/h over the limit.") % {
            "excess": corrected_speed - speed_limit})
    return amount


def age_on(birth_date: datetime.date, on: datetime.date) -> int:
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def gas_refusal(kind: str, *, holder_is_company: bool, holder_birth_date: datetime.date | None,
                observed_at: datetime.datetime, speed_limit: int | None = None, measured_speed: int | None = None,
                corrected_speed: int | None = None, other_offence: bool = False, camera: bool = False) -> str | None:
    """Why the facts cannot be a case of this GAS kind (in words), or None when they can; None for a retribution.

    `camera`: the offence was recorded by an automatic camera (Offence.camera); GAS 5 requires it.
    """
    if kind not in (CaseKind.GAS4, CaseKind.GAS5):
        return None
    on = observation_day(observed_at)
    if not holder_is_company and holder_birth_date is not None and age_on(holder_birth_date, on) < ADULT_AGE:
        return _("A minor cannot receive a GAS fine; the report goes to the public prosecutor.")
    if kind == CaseKind.GAS4:
        return None
    return _gas5_refusal(on, speed_limit, measured_speed, corrected_speed, other_offence, camera)


def _either(values: list[int]) -> str:
    names = [str(value) for value in values]
    if len(names) == 1:
        return names[0]
    return _("%(first)s or %(last)s") % {"first": ", ".join(names[:-1]), "last": names[-1]}


def _gas5_refusal(on, speed_limit, measured_speed, corrected_speed, other_offence, camera) -> str | None:
    try:
        rate = gas5_rate(on)
    except MissingReferenceData:
        return _("GAS 5 fines were not possible on %(date)s: there is no GAS 5 speed table in force that day.") % {
            "date": _day(on)}
    if speed_limit is None or (measured_speed is None and corrected_speed is None):
        return _("A GAS 5 case needs the speed limit and the measured speed.")
    if speed_limit not in rate.limit_values:
        return _("GAS 5 only covers speed limits of %(limits)s km/h; here the limit was %(limit)s km/h. "
                 "The report goes to the public prosecutor.") % {
            "limits": _either(rate.limit_values), "limit": speed_limit}
    if corrected_speed is None:
        corrected_speed = max(0, measured_speed - rate.tolerance_kmh)
    excess = corrected_speed - speed_limit
    if excess <= 0:
        return _("After the measuring tolerance of %(tolerance)s km/h the speed is not above the limit: "
                 "there is no offence.") % {"tolerance": rate.tolerance_kmh}
    if excess > rate.max_excess_kmh:
        return _("The speed was %(excess)s km/h over the limit after the tolerance; GAS 5 covers at most %(max)s km/h "
                 "over. The report goes to the public prosecutor.") % {"excess": excess, "max": rate.max_excess_kmh}
    if other_offence:
        return _("Another offence was committed at the same time, so this is not a GAS 5 case; the report goes to the "
                 "public prosecutor.")
    if not camera:
        return _("GAS 5 only covers speeding recorded by an automatic camera; the report goes to the public prosecutor.")
    return None
