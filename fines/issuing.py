"""Issuing a case: checked (GAS conditions, send limit, retributions per day), numbered, priced, its terms as dates,
its evidence stored; all in one transaction, or nothing.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from eloket.accounts import plates
from eloket.city.models import TermCode
from eloket.city.reference import MissingReferenceData, retribution_rate
from eloket.uploads import check_upload

from . import amounts, dates, numbers
from .amounts import BRUSSELS, NotIssuable
from .models import Case, CaseEvent, CaseKind, CaseStatus, Evidence, EvidenceKind, Offence, Source

S = CaseStatus
RETRIBUTION_CODE = "RETRIBUTION"
GAS_KINDS = frozenset({CaseKind.GAS4, CaseKind.GAS5})


def _offence(offence) -> Offence:
    if isinstance(offence, str):
        offence = Offence.objects.filter(code=offence.strip()).first()
    if offence is None:
        raise NotIssuable(_("This offence is not in the catalogue."))
    if not offence.is_active:
        raise NotIssuable(_("The offence %(code)s is no longer in use.") % {"code": offence.code})
    return offence


def _holder_fields(holder: dict) -> dict:
    fields = {
        "holder_name": (holder.get("name") or "").strip(),
        "holder_is_company": bool(holder.get("is_company")),
        "holder_birth_date": holder.get("birth_date"),
        "holder_street": (holder.get("street") or "").strip(),
        "holder_postal_code": (holder.get("postal_code") or "").strip(),
        "holder_municipality": (holder.get("municipality") or "").strip(),
        "holder_country": (holder.get("country") or "BE").strip().upper(),
    }
    if not fields["holder_name"]:
        raise NotIssuable(_("The holder's name is missing."))
    if not (fields["holder_street"] and fields["holder_postal_code"] and fields["holder_municipality"]):
        raise NotIssuable(_("The holder's address is incomplete: street and number, postal code and municipality are "
                            "needed to send the notice."))
    if fields["holder_is_company"]:
        fields["holder_birth_date"] = None  # a legal person has no birth date
    return fields


def _lock_plate_day(plate: str, country: str, day: datetime.date) -> None:
    """Serialise retributions for one plate on one day, so two checks at once never exceed the daily maximum."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"fines:{country}:{plate}:{day.isoformat()}"])


def _day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = datetime.datetime.combine(day, datetime.time.min, BRUSSELS)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, BRUSSELS)
    return start, end


def _check_retribution_cap(plate: str, country: str, observed_at: datetime.datetime) -> None:
    day = amounts.observation_day(observed_at)
    try:
        rate = retribution_rate(day)
    except MissingReferenceData:
        raise amounts._missing(_("parking retribution rate"), day) from None
    _lock_plate_day(plate, country, day)
    start, end = _day_bounds(day)
    given = (Case.objects.filter(kind=CaseKind.RETRIBUTION, plate=plate, country=country, observed_at__gte=start,
                                 observed_at__lt=end).exclude(status=S.CANCELLED).count())
    if given >= rate.max_per_day:
        raise NotIssuable(_("This vehicle already has the maximum of %(max)s retribution(s) for %(date)s.") % {
            "max": rate.max_per_day, "date": dates.in_words(day)})


def _check_gas_send_limit(report_received_on: datetime.date | None, today: datetime.date) -> None:
    if report_received_on is None:
        return
    days = dates.term(TermCode.GAS_SEND_LIMIT, report_received_on, NotIssuable)
    if today > report_received_on + datetime.timedelta(days=days):
        raise NotIssuable(_("The report was received on %(date)s; a GAS fine must be sent within %(days)s days of that, "
                            "so it can no longer be sent.") % {"date": dates.in_words(report_received_on), "days": days})


def _store_evidence(case: Case, evidence, stored: list[str]) -> None:
    """Check each file's real type and keep it under a random name; `stored` collects the names written to disk."""
    for number, (kind, upload, taken_at) in enumerate(evidence, start=1):
        if kind not in EvidenceKind.values:
            raise NotIssuable(_("Evidence %(number)s has an unknown kind.") % {"number": number})
        try:
            checked = check_upload(upload)
        except ValidationError as error:
            raise NotIssuable(_("Evidence %(number)s: %(problem)s") % {
                "number": number, "problem": " ".join(error.messages)}) from error
        item = Evidence(case=case, kind=kind, content_type=checked.content_type, extension=checked.extension,
                        taken_at=amounts.aware(taken_at) if taken_at else None)
        item.file.save("evidence", upload, save=False)
        stored.append(item.file.name)
        item.save()


def copy_evidence(source: Case, case: Case) -> None:
    """New rows that point to the same stored files (nothing is copied on disk)."""
    for item in source.evidence.all():
        Evidence.objects.create(case=case, kind=item.kind, file=item.file.name, content_type=item.content_type,
                                extension=item.extension, taken_at=item.taken_at, description=item.description)


def issue_case(*, offence, plate, country="BE", holder: dict, place, observed_at, zone=None, source=Source.STAFF,
               actor=None, evidence=(), observed_by="", report_reference="", report_received_on=None,
               speed_limit=None, measured_speed=None, inside_built_up_area=None, other_offence=False,
               import_batch=None, holder_email="", driver_case_of=None) -> Case:
    """Check, number, price and write a new case with its terms as dates, its evidence and its first event.

    All or nothing; raises NotIssuable with the reason. `offence` is an Offence or its code.
    """
    offence = _offence(offence)
    plate = plates.normalize(plate)
    if plates.plate_error(plate):
        raise NotIssuable(plates.plate_error(plate))
    country = (country or "BE").strip().upper()
    observed_at = amounts.aware(observed_at)
    if observed_at > timezone.now():
        raise NotIssuable(_("The time of the observation is in the future."))
    if not (place or "").strip():
        raise NotIssuable(_("Say where the offence was observed."))
    holder_fields = _holder_fields(holder)
    kind = offence.kind
    today = dates.today()
    corrected_speed = None
    if kind == CaseKind.GAS5 and measured_speed is not None:
        corrected_speed = amounts.correct_speed(measured_speed, observed_at)
    refusal = amounts.gas_refusal(
        kind, holder_is_company=holder_fields["holder_is_company"], holder_birth_date=holder_fields["holder_birth_date"],
        observed_at=observed_at, speed_limit=speed_limit, measured_speed=measured_speed, corrected_speed=corrected_speed,
        other_offence=other_offence, camera=offence.camera)
    if refusal:
        raise NotIssuable(refusal)
    if kind in GAS_KINDS:
        _check_gas_send_limit(report_received_on, today)
    if kind != CaseKind.GAS5:
        speed_limit = measured_speed = inside_built_up_area = None
    amount = amounts.amount_for(offence, observed_at, speed_limit=speed_limit, corrected_speed=corrected_speed,
                                inside_built_up_area=inside_built_up_area)
    terms = {
        "due_date": today + datetime.timedelta(days=dates.term(TermCode.PAYMENT, today, NotIssuable)),
        "objection_until": today + datetime.timedelta(days=dates.term(TermCode.OBJECTION, today, NotIssuable)),
        "driver_until": (today + datetime.timedelta(days=dates.term(TermCode.DRIVER_DESIGNATION, today, NotIssuable))
                         if kind in GAS_KINDS else None),
    }
    stored: list[str] = []
    try:
        with transaction.atomic():
            if kind == CaseKind.RETRIBUTION:
                _check_retribution_cap(plate, country, observed_at)
            case = Case.objects.create(
                kind=kind, status=S.ISSUED, notice_number=numbers.next_number(today.year), plate=plate, country=country,
                holder_email=(holder_email or "").strip(), offence=offence, place=place.strip(), zone=zone,
                observed_at=observed_at, observed_by=(observed_by or "").strip(),
                report_reference=(report_reference or "").strip(), report_received_on=report_received_on,
                speed_limit=speed_limit, measured_speed=measured_speed, corrected_speed=corrected_speed,
                inside_built_up_area=inside_built_up_area, amount=amount, issued_on=today, source=source,
                import_batch=import_batch, driver_case_of=driver_case_of, **holder_fields, **terms)
            _store_evidence(case, evidence, stored)
            if driver_case_of is not None:
                note = _("Notice sent to the driver named by the holder of case %(number)s.") % {
                    "number": numbers.display(driver_case_of.notice_number)}
            else:
                note = _("Notice sent.")
            CaseEvent.objects.create(case=case, actor=actor, from_status="", to_status=S.ISSUED, note=note)
            from . import notices  # here, not at the top: notices imports the rules, which import this module

            notices.after_step(case, "notice")
    except BaseException:
        for name in stored:
            Evidence.file.field.storage.delete(name)  # no file without its row
        raise
    return case


def issue_retribution(*, plate, country, zone, observed_at, place, holder: dict, actor=None, evidence=(),
                      observed_by="") -> Case:
    """What the enforcement check calls when a car has no parking right: a retribution, within the daily maximum."""
    offence = Offence.objects.filter(code=RETRIBUTION_CODE, kind=CaseKind.RETRIBUTION).first()
    if offence is None:
        raise NotIssuable(_("The parking retribution is not in the offence catalogue (code %(code)s).") % {
            "code": RETRIBUTION_CODE})
    return issue_case(offence=offence, plate=plate, country=country, holder=holder, place=place, observed_at=observed_at,
                      zone=zone, source=Source.ENFORCEMENT, actor=actor, evidence=evidence, observed_by=observed_by)
