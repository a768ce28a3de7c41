"""Zones (with their outlines), tariff rules and public holidays, cached in this process.

The enforcement check, the operator API and pricing read them for every message; they change rarely. A change made
through the ORM here empties the cache at once; other processes see it within CACHE_SECONDS.
"""

import datetime
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save

from eloket.city.models import PublicHoliday, Tariff, TariffHours, Zone

from . import pricing
from .outlines import in_polygon, outline_polygons

CACHE_SECONDS = 60



@dataclass(frozen=True)
class _TariffPeriod:
    valid_from: datetime.date
    valid_to: datetime.date | None
    rules: "pricing.TariffRules"


@dataclass
class Reference:
    by_code: dict[str, Zone]
    outlines: list[tuple[Zone, list]]
    tariffs: dict[int, list[_TariffPeriod]]
    holidays: frozenset[datetime.date]
    expires: float = field(default=0.0)

    def zone(self, code: str) -> Zone | None:
        return self.by_code.get((code or "").strip().upper())

    def zones_at(self, lat: float, lon: float) -> list[Zone]:
        return [zone for zone, polygons in self.outlines if any(in_polygon(lon, lat, polygon) for polygon in polygons)]

    def rules(self, zone: Zone, day: datetime.date):
        """The zone's tariff rules in force that day, or None when it has no tariff then."""
        for period in self.tariffs.get(zone.pk, ()):
            if period.valid_from <= day and (period.valid_to is None or day <= period.valid_to):
                return period.rules
        return None


_reference: Reference | None = None
_reference_lock = threading.Lock()


def _load_reference() -> Reference:
    zones = list(Zone.objects.filter(is_active=True))
    tariffs: dict[int, list[_TariffPeriod]] = defaultdict(list)
    for tariff in Tariff.objects.filter(zone__is_active=True).prefetch_related("hours").order_by("-valid_from"):
        tariffs[tariff.zone_id].append(_TariffPeriod(tariff.valid_from, tariff.valid_to, pricing.rules_for(tariff)))
    holidays = frozenset(PublicHoliday.objects.values_list("date", flat=True))
    outlines = [(zone, polygons) for zone in zones if (polygons := outline_polygons(zone.outline))]
    return Reference(by_code={zone.code: zone for zone in zones}, outlines=outlines, tariffs=dict(tariffs),
                     holidays=holidays, expires=time.monotonic() + CACHE_SECONDS)


def reference() -> Reference:
    """Zones, tariffs and holidays, read at most once per CACHE_SECONDS (and again after an admin changes one here)."""
    global _reference
    current = _reference
    if current is None or current.expires <= time.monotonic():
        with _reference_lock:
            current = _reference
            if current is None or current.expires <= time.monotonic():
                current = _reference = _load_reference()
    return current


def forget() -> None:
    global _reference
    _reference = None


def _reference_changed(sender, **kwargs):
    forget()  # an admin's change counts at once in this process, in the others within CACHE_SECONDS


for _model in (Zone, Tariff, TariffHours, PublicHoliday):
    for _signal in (post_save, post_delete):
        _signal.connect(_reference_changed, sender=_model, dispatch_uid=f"parking_sessions.reference.{_model.__name__}")


