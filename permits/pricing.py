"""Resident cards: the address and its zone, counting cards at an address, the price by rank, and whole-month periods."""

import calendar
import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.city.models import CapCode, Zone, ZoneKind
from eloket.city.reference import cap
from eloket.city.zones import search_key, zones_for_address

from .models import HOLDING_STATUSES, Permit, PermitKind, ResidentCardPrice


def address_key(street: str, house_number: str, postal_code: str, box: str = "") -> str:
    """One form of an address, whoever typed it: '3600|molenstraat|12A|2'."""
    def compact(text):
        return "".join((text or "").split()).upper()

    return "|".join([compact(postal_code), search_key(street), compact(house_number), compact(box)])


def resident_zone_for(street: str, house_number: str, postal_code: str) -> Zone | None:
    """The resident zone the address lies in, or None."""
    for zone in zones_for_address(street, house_number, postal_code):
        if zone.kind == ZoneKind.RESIDENT:
            return zone
    return None


def _format_amount(amount: Decimal) -> str:
    return f"{amount:.2f}".replace(".", ",")


def months_later(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; when that day does not exist (31 April), the first day of the month after."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last = calendar.monthrange(year, month)[1]
    if day.day > last:
        return datetime.date(year, month, last) + datetime.timedelta(days=1)
    return datetime.date(year, month, day.day)


def period_end(start: datetime.date, months: int) -> datetime.date:
    """The last valid day of a period of whole months that starts on `start` (31 January + 1 month: end of February)."""
    return months_later(start, months) - datetime.timedelta(days=1)


def whole_months(start: datetime.date, end: datetime.date) -> int:
    """How many whole months fit from `start` up to and including `end`."""
    count = 0
    while period_end(start, count + 1) <= end:
        count += 1
    return count


def held_at(key: str, exclude: Permit | None = None) -> int:
    """Resident cards holding a place at the address; a card and its pending renewal count once."""
    being_renewed = Permit.objects.filter(renewal_of__isnull=False, status__in=HOLDING_STATUSES).values("renewal_of_id")
    held = (Permit.objects.filter(kind=PermitKind.RESIDENT, address_key=key, status__in=HOLDING_STATUSES)
            .exclude(pk__in=being_renewed))
    if exclude is not None:
        held = held.exclude(pk=exclude.pk)
    return held.count()


def resident_card_price(key: str, on: datetime.date | None = None,
                        exclude: Permit | None = None) -> tuple[int, Decimal | None, str]:
    """(rank of a new card at this address, price for one validity period or None when refused, the explanation).

    `exclude` is a card that is being renewed: it does not count for the rank of its renewal.
    """
    on = on or timezone.localdate()
    held = held_at(key, exclude)
    rank = held + 1
    row = ResidentCardPrice.objects.filter(rank=rank).in_force(on).order_by("-valid_from").first()
    if held == 0:
        counted = _("There is no active or pending resident card at this address yet, so this is card 1.")
    else:
        counted = _("There are already %(count)d active or pending resident cards at this address (on all accounts), "
                    "so this is card %(rank)d.") % {"count": held, "rank": rank}
    if exclude is not None:
        counted = _("The card you renew is not counted.") + " " + counted
    if row is None or row.refused:
        return rank, None, counted + " " + _("The city does not issue card %(rank)d at one address.") % {"rank": rank}
    if row.amount_per_year == 0:
        return rank, row.amount_per_year, counted + " " + _("Card %(rank)d is free.") % {"rank": rank}
    price = _("Card %(rank)d costs € %(amount)s a year (rate in force since %(since)s).") % {
        "rank": rank, "amount": _format_amount(row.amount_per_year), "since": row.valid_from.strftime("%d/%m/%Y")}
    months = cap(CapCode.RESIDENT_CARD_MONTHS, on)
    if months == 12:
        return rank, row.amount_per_year, counted + " " + price
    amount = (row.amount_per_year * months / 12).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    period = _("A card is valid for %(months)d months, so you pay %(months)d/12 of the yearly price: € %(amount)s.") % {
        "months": months, "amount": _format_amount(amount)}
    return rank, amount, " ".join([counted, price, period])


def _not_in_zone_message() -> str:
    return _("This address is not in a resident zone, so there is no resident card for it. Check the street and house "
             "number. Outside resident zones you can park with a parking ticket or the parking disc, or ask the city "
             "about a subscription in a car park.")


def cap_message(held: int) -> str:
    return _("This address already has %(count)d resident cards, the most the city allows. A card that is no longer "
             "needed can be cancelled first; otherwise you can park with a parking ticket or in a car park.") % {"count": held}


def refused_message(rank: int) -> str:
    return _("The city does not issue a resident card number %(rank)d at one address. You can park with a parking "
             "ticket or in a car park.") % {"rank": rank}


def price_preview(street: str, house_number: str, box: str, postal_code: str) -> tuple[Zone | None, int, Decimal | None, str]:
    """(zone, rank, price or None when refused, explanation) of a resident card at this address; writes nothing."""
    zone = resident_zone_for(street, house_number, postal_code)
    if zone is None:
        return None, 0, None, _not_in_zone_message()
    key = address_key(street, house_number, postal_code, box)
    today = timezone.localdate()
    held = held_at(key)
    if held >= cap(CapCode.RESIDENT_CARDS_PER_ADDRESS, today):
        return zone, held + 1, None, cap_message(held)
    rank, amount, explanation = resident_card_price(key, today)
    return zone, rank, amount, explanation
