"""Public pages about the city's reference data, plus the city's theme stylesheet and logo.

The information pages read the very rows staff edit in the admin (one source of truth), and
each runs the same number of queries whatever the amount of data: a handful of flat queries
joined in Python, never a query per zone or per row.
"""

import datetime
import mimetypes
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from fines.rules import HEARING_ABOVE  # fixed by the GAS law itself, not by the city

from .forms import STREET_LIST_ID, ZoneFinderForm
from .models import (
    Charge,
    ChargeCode,
    Gas4Rate,
    Gas5Rate,
    PublicHoliday,
    Street,
    Tariff,
    TariffHours,
    Term,
    TermCode,
    Weekday,
    Zone,
    ZoneKind,
)
from .reference import MissingReferenceData, city_profile, gas5_rate, retribution_rate
from .theme import theme_css_text
from .zones import search_key, zones_for_address


@require_GET
@cache_control(public=True, max_age=300)
def theme_css(request):
    """The city's colours as design tokens; a stylesheet, so the CSP needs no inline styles."""
    return HttpResponse(theme_css_text(city_profile()), content_type="text/css; charset=utf-8")


@require_GET
@cache_control(public=True, max_age=3600)
def logo(request):
    """The city logo is public branding, unlike every other upload."""
    profile = city_profile()
    if profile is None or not profile.logo:
        raise Http404
    content_type = mimetypes.guess_type(profile.logo.name)[0] or "application/octet-stream"
    if content_type not in {"image/svg+xml", "image/png", "image/jpeg", "image/webp"}:
        raise Http404
    response = FileResponse(profile.logo.open("rb"), content_type=content_type)
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


# --- Tariffs -------------------------------------------------------------------------------------

@dataclass
class DayHours:
    """Consecutive weekdays with the same hours, shown as one table row."""

    first: int
    last: int
    stretches: tuple[tuple[datetime.time, datetime.time], ...]

    @property
    def label(self) -> str:
        if self.first == self.last:
            return str(Weekday(self.first).label)
        return _("%(first)s to %(last)s") % {"first": Weekday(self.first).label, "last": Weekday(self.last).label}


@dataclass
class ZoneTariff:
    zone: Zone
    tariff: Tariff | None
    hours: list[TariffHours] = field(default_factory=list)

    @property
    def is_paid(self) -> bool:
        return self.tariff is not None and self.tariff.price_per_hour > 0

    @property
    def days(self) -> list[DayHours]:
        by_day: dict[int, list] = {day: [] for day in Weekday.values}
        for row in self.hours:
            by_day[row.weekday].append((row.start, row.end))
        groups: list[DayHours] = []
        for day in Weekday.values:
            stretches = tuple(sorted(by_day[day]))
            if groups and groups[-1].stretches == stretches:
                groups[-1].last = day
            else:
                groups.append(DayHours(day, day, stretches))
        return groups


def zone_tariffs(on: datetime.date) -> list[ZoneTariff]:
    """Every active zone with the tariff in force on that day and its hours: always three queries."""
    zones = list(Zone.objects.filter(is_active=True).order_by("code"))
    in_force = Tariff.objects.in_force(on).filter(zone__is_active=True)
    tariffs: dict[int, Tariff] = {}
    for tariff in in_force.order_by("valid_from"):  # the latest start wins, should two ever overlap
        tariffs[tariff.zone_id] = tariff
    hours: dict[int, list[TariffHours]] = {}
    for row in TariffHours.objects.filter(tariff__in=in_force.values("pk")).order_by("weekday", "start"):
        hours.setdefault(row.tariff_id, []).append(row)
    result = []
    for zone in zones:
        tariff = tariffs.get(zone.pk)
        if tariff is not None:
            tariff.zone = zone  # spare a query when the template shows the tariff's zone
        result.append(ZoneTariff(zone, tariff, hours.get(tariff.pk, []) if tariff else []))
    return result


@require_GET
def tariffs(request):
    today = timezone.localdate()
    overview = zone_tariffs(today)
    # Blue zones (and the disc part of resident zones) are free for a limited time with a parking disc.
    disc = [item for item in overview if item.tariff and not item.is_paid and item.tariff.max_duration_minutes]
    blue = [item for item in disc if item.zone.kind == ZoneKind.BLUE] or disc
    disc_limits = {item.tariff.max_duration_minutes for item in blue}
    holidays = list(PublicHoliday.objects.filter(date__gte=today, date__lt=today + datetime.timedelta(days=366)))
    return render(request, "city/tariffs.html", {
        "overview": overview,
        "has_disc_zone": bool(disc) or any(item.zone.kind == ZoneKind.BLUE for item in overview),
        "disc_minutes": disc_limits.pop() if len(disc_limits) == 1 else None,
        "holidays": holidays,
        "today": today,
    })


# --- Retributions and fines ----------------------------------------------------------------------

@dataclass
class Gas5Row:
    excess: int
    corrected: int
    measured: int
    inside: Decimal
    outside: Decimal


@dataclass
class Gas5Table:
    limit: int
    rows: list[Gas5Row]


def gas5_tables(rate: Gas5Rate) -> list[Gas5Table]:
    """For each speed limit, the amount for every corrected speed that GAS 5 covers."""
    tables = []
    for limit in rate.limit_values:
        rows = []
        for excess in range(1, rate.max_excess_kmh + 1):
            inside, outside = rate.amount_for(excess, True), rate.amount_for(excess, False)
            if inside is None or outside is None:
                continue
            corrected = limit + excess
            rows.append(Gas5Row(excess, corrected, corrected + rate.tolerance_kmh, inside, outside))
        tables.append(Gas5Table(limit, rows))
    return tables


def _term_sentences(days_by_code: dict[str, int]) -> list[str]:
    """What each term means for the citizen, or a plain sentence when the city has not set it."""
    sentences = {
        TermCode.PAYMENT: lambda d: ngettext(
            "Pay within %(days)d day of the date of the notice.",
            "Pay within %(days)d days of the date of the notice.", d),
        TermCode.OBJECTION: lambda d: ngettext(
            "You can object in writing within %(days)d day of the date of the notice.",
            "You can object in writing within %(days)d days of the date of the notice.", d),
        TermCode.REMINDER: lambda d: ngettext(
            "If you do not pay, you receive a reminder with %(days)d more day to pay.",
            "If you do not pay, you receive a reminder with %(days)d more days to pay.", d),
        TermCode.DRIVER_DESIGNATION: lambda d: ngettext(
            "If you were not the driver, name the driver within %(days)d day.",
            "If you were not the driver, name the driver within %(days)d days.", d),
        TermCode.APPEAL: lambda d: ngettext(
            "You can appeal against the decision of the sanctioning official to the police court "
            "within %(days)d day of being notified of it.",
            "You can appeal against the decision of the sanctioning official to the police court "
            "within %(days)d days of being notified of it.", d),
    }
    missing = {
        TermCode.PAYMENT: _("The term to pay is stated on the notice you received."),
        TermCode.OBJECTION: _("The term to object is stated on the notice you received."),
        TermCode.REMINDER: _("The term to pay after a reminder is stated on the reminder."),
        TermCode.DRIVER_DESIGNATION: _("The term to name the driver is stated on the notice you received."),
        TermCode.APPEAL: _("The term to appeal is stated on the decision you received."),
    }
    result = []
    for code, sentence in sentences.items():
        days = days_by_code.get(code)
        result.append(sentence(days) % {"days": days} if days is not None else missing[code])
    return result


@require_GET
def fines(request):
    today = timezone.localdate()
    try:
        retribution = retribution_rate(today)
    except MissingReferenceData:
        retribution = None
    try:
        gas5 = gas5_rate(today)
    except MissingReferenceData:
        gas5 = None
    gas4: dict[int, Gas4Rate] = {}
    for rate in Gas4Rate.objects.in_force(today).order_by("category", "valid_from"):
        gas4[rate.category] = rate  # the latest start wins
    days_by_code = {term.code: term.days for term in Term.objects.in_force(today).order_by("valid_from")}
    charges = {charge.code: charge.amount for charge in Charge.objects.in_force(today).order_by("valid_from")}
    gas4_rates = [gas4[category] for category in sorted(gas4)]
    return render(request, "city/fines.html", {
        "retribution": retribution,
        "registered_notice_cost": charges.get(ChargeCode.REGISTERED_NOTICE_COST),
        "reminder_cost": charges.get(ChargeCode.REMINDER_COST),
        "gas4_rates": gas4_rates,
        "hearing_rates": [rate for rate in gas4_rates if rate.amount > HEARING_ABOVE],
        "oral_hearing_above": HEARING_ABOVE,
        "gas5": gas5,
        "gas5_tables": gas5_tables(gas5) if gas5 else [],
        "gas5_limits": get_text_list([str(limit) for limit in gas5.limit_values], _("or")) if gas5 else "",
        "term_sentences": _term_sentences(days_by_code),
    })


# --- Zone finder ---------------------------------------------------------------------------------

ZONE_FINDER_FIELDS = ("street", "house_number", "postal_code")


@require_GET
def zone_finder(request):
    """Which zone an address is in. A GET form with a datalist of streets: it works without JavaScript."""
    street_names = list(Street.objects.order_by("name").values_list("name", flat=True).distinct())
    searched = any(name in request.GET for name in ZONE_FINDER_FIELDS)
    form = ZoneFinderForm(request.GET if searched else None)
    zones = None
    street = ""
    if searched and form.is_valid():
        data = form.cleaned_data
        zones = zones_for_address(data["street"], data["house_number"], data["postal_code"])
        # Show the street as the city writes it ("molenstraat" -> "Molenstraat"); empty when unknown.
        street = {search_key(name): name for name in street_names}.get(search_key(data["street"]), "")
    return render(request, "city/zone_finder.html", {
        "form": form,
        "street_names": street_names,
        "street_list_id": STREET_LIST_ID,
        "searched": searched and form.is_valid(),
        "zones": zones,
        "street": street,
    })
