"""Cases imported from a CSV file exported by police or camera systems: every row is checked first, and the file is
imported whole or not at all.

The file: UTF-8 (with or without a byte order mark), columns separated by ";" or "," (read from the header line), one
header line with the column names below in any order, at most 5,000 rows and 5 MB. Columns marked * are required;
the others may be left out of the header or left empty.

    kind *                  retribution, gas4 or gas5
    offence_code *          a code of the offence catalogue, for example E1, PAVEMENT, C3, GAS5
    plate *                 the number plate, in any notation (1-ABC-123, 1abc123)
    country                 the plate's country code, BE when empty
    observed_at *           2026-03-14 09:30 (ISO 8601, an offset allowed) or 14/03/2026 09:30; Brussels time
    place *                 street and number, or a description of the place
    zone_code               the zone, for example C1
    holder_name *           the plate holder's name
    holder_is_company       1/0 or yes/no: the holder is a legal person (no when empty)
    holder_birth_date       2001-05-31 or 31/05/2001; needed for GAS when the holder is a natural person
    holder_street *         street and number
    holder_postal_code *
    holder_municipality *
    holder_country          BE when empty
    report_reference        the number of the police or administrative report
    report_received_on      the day the report arrived, as a date
    speed_limit             GAS 5: the limit in km/h
    measured_speed          GAS 5: the measured speed in km/h
    inside_built_up_area    GAS 5: 1/0 or yes/no
    other_offence           1/0 or yes/no: another offence at the same time (then it is not GAS 5)
    observed_by             agent number or camera identifier, never a name

Errors are reported per row as {"row": n, "field": column, "message": reason}, in the uploader's language; row 1 is
the header, as a spreadsheet numbers it, and a problem with the file as a whole has row None.
"""

import csv
import datetime
import io
import logging
import re
import uuid
import zoneinfo
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.accounts import plates
from eloket.accounts.models import COUNTRIES
from eloket.city.models import Zone
from eloket.city.reference import MissingReferenceData

from . import issuing
from .amounts import NotIssuable
from .models import Case, CaseKind, ImportBatch, Offence, Source

logger = logging.getLogger(__name__)

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
ISO_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$", re.ASCII)
LOCAL_MOMENT = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$", re.ASCII)
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
LOCAL_DAY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$", re.ASCII)
SPEED = re.compile(r"^\d{1,3}$", re.ASCII)
YES = {"1", "yes", "y", "ja", "j", "true", "oui"}
NO = {"0", "no", "n", "nee", "false", "non"}
COUNTRY_CODES = {code for code, _label in COUNTRIES}
ECHO_LENGTH = 30  # what of a wrong value is repeated in a message: enough to recognise it


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    help: Promise


COLUMNS = (
    Column("kind", True, gettext_lazy("retribution, gas4 or gas5")),
    Column("offence_code", True, gettext_lazy("a code of the offence catalogue, for example E1, PAVEMENT, C3, GAS5")),
    Column("plate", True, gettext_lazy("the number plate, in any notation (1-ABC-123, 1abc123)")),
    Column("country", False, gettext_lazy("the plate's country code; BE when empty")),
    Column("observed_at", True, gettext_lazy("2026-03-14 09:30 or 14/03/2026 09:30, Brussels time")),
    Column("place", True, gettext_lazy("street and number, or a description of the place")),
    Column("zone_code", False, gettext_lazy("the zone, for example C1")),
    Column("holder_name", True, gettext_lazy("the plate holder's name")),
    Column("holder_is_company", False, gettext_lazy("1/0 or yes/no: the holder is a legal person; no when empty")),
    Column("holder_birth_date", False, gettext_lazy("2001-05-31 or 31/05/2001; needed for GAS when the holder is a "
                                                    "natural person")),
    Column("holder_street", True, gettext_lazy("street and number")),
    Column("holder_postal_code", True, gettext_lazy("postal code")),
    Column("holder_municipality", True, gettext_lazy("municipality")),
    Column("holder_country", False, gettext_lazy("the country code of the address; BE when empty")),
    Column("report_reference", False, gettext_lazy("the number of the police or administrative report")),
    Column("report_received_on", False, gettext_lazy("the day the report arrived, as a date")),
    Column("speed_limit", False, gettext_lazy("GAS 5: the speed limit in km/h")),
    Column("measured_speed", False, gettext_lazy("GAS 5: the measured speed in km/h")),
    Column("inside_built_up_area", False, gettext_lazy("GAS 5: 1/0 or yes/no")),
    Column("other_offence", False, gettext_lazy("1/0 or yes/no: another offence at the same time")),
    Column("observed_by", False, gettext_lazy("agent number or camera identifier, never a name")),
)
NAMES = {column.name for column in COLUMNS}
REQUIRED = [column.name for column in COLUMNS if column.required]
MAX_LENGTHS = {"place": 200, "holder_name": 160, "holder_street": 160, "holder_postal_code": 10,
               "holder_municipality": 80, "report_reference": 60, "observed_by": 120}


class _Report:
    """The errors found so far, in the shape the batch keeps."""

    def __init__(self):
        self.errors: list[dict] = []

    def add(self, row: int | None, field: str | None, message) -> None:
        self.errors.append({"row": row, "field": field, "message": str(message)})


class _Refused(Exception):
    """Raised inside the import transaction to roll every issued case back."""


def _echo(value: str) -> str:
    return value if len(value) <= ECHO_LENGTH else value[:ECHO_LENGTH] + "…"


# Reading the file ------------------------------------------------------------------------------------------------------

def _read(file) -> bytes | None:
    """The file's bytes, or None when it is larger than the limit (never more than the limit is read)."""
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(MAX_BYTES + 1)
    return None if len(data) > MAX_BYTES else bytes(data)


def _records(data: bytes | None, report: _Report) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The header and the numbered data rows; file-level problems go to the report."""
    if data is None:
        report.add(None, None, _("The file is larger than 5 MB. Split it into smaller files."))
        return [], []
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.add(None, None, _("The file is not in UTF-8. Save it as “CSV UTF-8” and upload it again."))
        return [], []
    if "\x00" in text:
        report.add(None, None, _("This is not a text CSV file. Save it as “CSV UTF-8” and upload it again."))
        return [], []
    if not text.strip():
        report.add(None, None, _("The file is empty."))
        return [], []
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    rows, header = [], []
    try:
        reader = csv.reader(io.StringIO(text.lstrip(), newline=""), delimiter=delimiter, strict=True)
        header = [cell.strip().lower() for cell in next(reader)]
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue  # a blank line, often at the end of an export
            if len(rows) == MAX_ROWS:
                report.add(None, None, _("The file has more than %(max)s rows. Split it into smaller files.")
                           % {"max": number_format(MAX_ROWS, force_grouping=True)})
                return header, []
            rows.append((number, cells))
    except csv.Error:
        report.add(None, None, _("The file cannot be read as CSV (a quote is not closed, or a cell is far too long)."))
        return header, []
    return header, rows


def _check_header(header: list[str], report: _Report) -> bool:
    before = len(report.errors)
    for name in sorted({name for name in header if header.count(name) > 1}):
        report.add(1, name, _("The column “%(name)s” appears more than once.") % {"name": _echo(name)})
    for name in header:
        if name not in NAMES:
            report.add(1, _echo(name), _("Unknown column “%(name)s”. The columns are listed on the import page.")
                       % {"name": _echo(name)})
    for name in REQUIRED:
        if name not in header:
            report.add(1, name, _("The required column “%(name)s” is missing.") % {"name": name})
    return len(report.errors) == before


# Reading the values ----------------------------------------------------------------------------------------------------

def parse_moment(value: str) -> datetime.datetime | None:
    """An aware moment from '2026-03-14 09:30' (an offset allowed) or '14/03/2026 09:30' in Brussels time, else None."""
    try:
        if ISO_MOMENT.match(value):
            moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
        elif match := LOCAL_MOMENT.match(value):
            day, month, year, hour, minute, second = (int(part or 0) for part in match.groups())
            moment = datetime.datetime(year, month, day, hour, minute, second)
        else:
            return None
        if moment.year < 1900:
            return None
        return moment if timezone.is_aware(moment) else moment.replace(tzinfo=BRUSSELS)
    except (ValueError, OverflowError):
        return None


def parse_day(value: str) -> datetime.date | None:
    try:
        if ISO_DAY.match(value):
            day = datetime.date.fromisoformat(value)
        elif match := LOCAL_DAY.match(value):
            day_of_month, month, year = (int(part) for part in match.groups())
            day = datetime.date(year, month, day_of_month)
        else:
            return None
    except ValueError:
        return None
    return day if day.year >= 1900 else None


def parse_yes_no(value: str) -> bool | None:
    lowered = value.lower()
    if lowered in YES:
        return True
    if lowered in NO:
        return False
    return None


@dataclass
class _Context:
    offences: dict[str, Offence]
    zones: dict[str, Zone]
    now: datetime.datetime


class _Row:
    """One data row: its cleaned values for issuing.issue_case, and its errors in the report."""

    def __init__(self, number: int, values: dict[str, str], context: _Context, report: _Report):
        self.number, self.values, self.context, self.report = number, values, context, report
        self.failed: set[str] = set()

    def error(self, field: str, message) -> None:
        self.failed.add(field)
        self.report.add(self.number, field, message)

    def text(self, name: str, required: bool = False) -> str:
        value = self.values.get(name, "").strip()
        if required and not value:
            self.error(name, _("This column is empty; it is required."))
        elif len(value) > MAX_LENGTHS.get(name, 200):
            self.error(name, _("This is too long: at most %(max)d characters.") % {"max": MAX_LENGTHS.get(name, 200)})
        return value

    def country(self, name: str) -> str:
        value = self.values.get(name, "").strip().upper() or "BE"
        if value not in COUNTRY_CODES:
            self.error(name, _("Unknown country code “%(value)s”; use a code such as BE, NL or FR.") % {"value": _echo(value)})
        return value

    def day(self, name: str, required: bool = False) -> datetime.date | None:
        value = self.values.get(name, "").strip()
        if not value:
            if required:
                self.error(name, _("This column is empty; it is required."))
            return None
        day = parse_day(value)
        if day is None:
            self.error(name, _("Give a date as 2026-03-14 or 14/03/2026."))
        elif day > self.context.now.date():
            self.error(name, _("This date lies in the future."))
        return day

    def yes_no(self, name: str, default: bool | None) -> bool | None:
        value = self.values.get(name, "").strip()
        if not value:
            return default
        answer = parse_yes_no(value)
        if answer is None:
            self.error(name, _("Give 1 or 0, or yes or no."))
        return answer

    def speed(self, name: str) -> int | None:
        value = self.values.get(name, "").strip()
        if not value:
            return None
        if not SPEED.match(value) or not 0 < int(value) <= 300:
            self.error(name, _("Give a speed in km/h as a whole number, for example 50."))
            return None
        return int(value)

    def observed_at(self) -> datetime.datetime | None:
        value = self.values.get("observed_at", "").strip()
        if not value:
            self.error("observed_at", _("This column is empty; it is required."))
            return None
        moment = parse_moment(value)
        if moment is None:
            self.error("observed_at", _("Give the date and time as 2026-03-14 09:30 or 14/03/2026 09:30."))
        elif moment > self.context.now:
            self.error("observed_at", _("This moment lies in the future."))
        return moment

    def plate(self) -> str:
        try:
            return plates.validate(self.values.get("plate", ""))
        except ValidationError as error:
            self.error("plate", error.messages[0])
            return ""

    def kind_and_offence(self) -> tuple[str, Offence | None]:
        kind = re.sub(r"[\s\-_]", "", self.values.get("kind", "")).lower()
        if kind not in CaseKind.values:
            self.error("kind", _("Unknown kind “%(value)s”: use retribution, gas4 or gas5.") % {"value": _echo(kind)})
        code = self.values.get("offence_code", "").strip().upper()
        offence = self.context.offences.get(code)
        if not code:
            self.error("offence_code", _("This column is empty; it is required."))
        elif offence is None:
            self.error("offence_code", _("Unknown offence code “%(code)s”.") % {"code": _echo(code)})
        elif not offence.is_active:
            self.error("offence_code", _("The offence “%(code)s” is no longer in use.") % {"code": code})
            offence = None
        elif kind in CaseKind.values and offence.kind != kind:
            self.error("kind", _("The offence “%(code)s” is a %(offence_kind)s, not a %(kind)s.") % {
                "code": code, "offence_kind": offence.get_kind_display(), "kind": CaseKind(kind).label})
        return kind, offence

    def zone(self) -> Zone | None:
        code = self.values.get("zone_code", "").strip().upper()
        if not code:
            return None
        zone = self.context.zones.get(code)
        if zone is None:
            self.error("zone_code", _("Unknown zone code “%(code)s”.") % {"code": _echo(code)})
        return zone

    def clean(self) -> dict | None:
        """The keyword arguments for issuing.issue_case, or None when the row has errors."""
        kind, offence = self.kind_and_offence()
        fields = {
            "offence": offence, "plate": self.plate(), "country": self.country("country"),
            "observed_at": self.observed_at(), "place": self.text("place", required=True), "zone": self.zone(),
            "observed_by": self.text("observed_by"), "report_reference": self.text("report_reference"),
            "report_received_on": self.day("report_received_on"),
            "speed_limit": self.speed("speed_limit"), "measured_speed": self.speed("measured_speed"),
            "inside_built_up_area": self.yes_no("inside_built_up_area", None),
            "other_offence": bool(self.yes_no("other_offence", False)),
            "holder": {
                "name": self.text("holder_name", required=True),
                "is_company": bool(self.yes_no("holder_is_company", False)),
                "birth_date": self.day("holder_birth_date"),
                "street": self.text("holder_street", required=True),
                "postal_code": self.text("holder_postal_code", required=True),
                "municipality": self.text("holder_municipality", required=True),
                "country": self.country("holder_country"),
            },
        }
        if kind == CaseKind.GAS5:
            self._require_speeds(fields)
        if kind in (CaseKind.GAS4, CaseKind.GAS5) and not self.failed:
            self._check_gas(kind, fields)
        return None if self.failed else fields

    def _require_speeds(self, fields: dict) -> None:
        for name in ("speed_limit", "measured_speed", "inside_built_up_area"):
            if fields[name] is None and name not in self.failed:
                self.error(name, _("A GAS 5 case needs the speed limit, the measured speed and whether it was inside a "
                                   "built-up area."))

    def _check_gas(self, kind: str, fields: dict) -> None:
        from .amounts import gas_refusal

        holder = fields["holder"]
        reason = gas_refusal(kind, holder_is_company=holder["is_company"], holder_birth_date=holder["birth_date"],
                             observed_at=fields["observed_at"], speed_limit=fields["speed_limit"],
                             measured_speed=fields["measured_speed"], other_offence=fields["other_offence"],
                             camera=fields["offence"].camera)
        if reason:
            self.error("kind", reason)


def _key(fields: dict) -> tuple:
    return fields["plate"], fields["offence"].pk, fields["observed_at"]


def _check_duplicates(rows: list[tuple[int, dict]], report: _Report) -> None:
    """The same plate, offence and moment twice in the file, or already a case: the same observation twice."""
    first_row: dict[tuple, int] = {}
    for number, fields in rows:
        key = _key(fields)
        if key in first_row:
            report.add(number, "observed_at", _("Row %(row)d has the same plate, offence and time.") % {"row": first_row[key]})
        else:
            first_row[key] = number
    existing = set(Case.objects.filter(plate__in={fields["plate"] for _number, fields in rows},
                                       observed_at__in={fields["observed_at"] for _number, fields in rows})
                   .values_list("plate", "offence_id", "observed_at"))
    for number, fields in rows:
        if _key(fields) in existing:
            report.add(number, "observed_at", _("There is already a case for this plate, offence and time."))


def _check_rows(header: list[str], records: list[tuple[int, list[str]]], report: _Report) -> list[tuple[int, dict]]:
    context = _Context(offences={offence.code: offence for offence in Offence.objects.all()},
                       zones={zone.code.upper(): zone for zone in Zone.objects.all()}, now=timezone.now())
    cleaned = []
    for number, cells in records:
        if len(cells) != len(header):
            report.add(number, None, _("This row has %(cells)d cells; the header has %(columns)d.")
                       % {"cells": len(cells), "columns": len(header)})
            continue
        fields = _Row(number, dict(zip(header, cells, strict=True)), context, report).clean()
        if fields is not None:
            cleaned.append((number, fields))
    if cleaned:
        _check_duplicates(cleaned, report)
    return cleaned


# Importing -------------------------------------------------------------------------------------------------------------

def _issue_all(batch: ImportBatch, rows: list[tuple[int, dict]], actor, report: _Report) -> None:
    """Issue every row in one transaction; any refusal rolls all of them back and is reported with its row."""
    try:
        with transaction.atomic():
            for number, fields in rows:
                try:
                    with transaction.atomic():
                        issuing.issue_case(**fields, source=Source.IMPORT, actor=actor, import_batch=batch)
                except NotIssuable as refusal:
                    report.add(number, None, refusal.message)
                except MissingReferenceData:
                    report.add(number, "observed_at", _("No amount or term is set for the day of this observation."))
            if report.errors:
                raise _Refused
            batch.imported = True
            batch.save(update_fields=["imported"])
    except _Refused:
        batch.imported = False


def import_csv(file, actor) -> ImportBatch:
    """Check every row of the file, then issue all its cases or none; the batch keeps the file and the errors."""
    report = _Report()
    data = _read(file)
    header, records = _records(data, report)
    rows = []
    if header and _check_header(header, report):
        rows = _check_rows(header, records, report)
        if not records and not report.errors:
            report.add(None, None, _("The file has a header but no rows."))
    batch = ImportBatch(uploaded_by=actor, rows=len(records))
    if data is not None:
        batch.file.save(f"{uuid.uuid4().hex}.csv", ContentFile(data), save=False)
    batch.save()
    if not report.errors:
        _issue_all(batch, rows, actor, report)
    batch.errors = report.errors
    batch.save(update_fields=["errors", "imported"])
    logger.info("Staff user %s uploaded import %s: %d rows, imported %s, %d errors", getattr(actor, "pk", None),
                batch.pk, batch.rows, batch.imported, len(report.errors))
    return batch
