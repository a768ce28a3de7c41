"""Retention per data class, for evidence and permits: each job leaves what is younger than its period alone,
anonymises or deletes what is older (overwritten, not hidden: the marker is in the database), removes the files from
storage, and does nothing twice. Sessions, appointments, chats and the rest: test_retention_activity.py."""

import datetime
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from eloket.privacy import retention
from eloket.privacy.anonymise import MARKER

from .conftest import letter, make_case, paid_payment, stored, with_evidence_and_objection

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def run(key, at):
    return retention.run(key, now=at)


def years(moment, count):
    return moment + relativedelta(years=count)


def nothing_left_to_do(counts: dict) -> bool:
    return not any(counts.values())


def test_every_job_is_scheduled_daily_and_every_schedule_names_a_job():
    scheduled = {entry["args"][0] for entry in settings.CELERY_BEAT_SCHEDULE.values()
                 if entry["task"] == "privacy.retention"}
    assert scheduled == {job.key for job in retention.jobs()}
    assert all(entry["schedule"] == 86400.0 for entry in settings.CELERY_BEAT_SCHEDULE.values()
               if entry["task"] == "privacy.retention")
    for job in retention.jobs():
        assert isinstance(getattr(settings, job.setting), int), job.setting
    assert settings.CELERY_BEAT_SCHEDULE["parking-sessions-check-retention"]["task"] == "parking_sessions.delete_old_checks"


def test_the_task_runs_a_job_by_its_key(demo_city):
    from eloket.privacy.tasks import run_retention

    assert run_retention.delay("exports").get() == {"exports deleted": 0}


# --- Scans of compliant cars ---------------------------------------------------------------------------------------

@pytest.fixture
def scan_car(db):
    from parking_sessions.devices import create_device

    return create_device("Scanwagen 1")[0]


def observation(scan_car, zone, external_id="o1", case=None):
    from parking_sessions.models import Observation, ObservationPhoto

    seen = Observation.objects.create(device=scan_car, external_id=external_id, plate="1ABC123", zone=zone,
                                      observed_at=timezone.now(), place="Markt 3", case=case,
                                      result="allowed" if case is None else "retribution")
    photo = ObservationPhoto.objects.create(observation=seen, file=stored("p.png"), content_type="image/png",
                                            extension="png")
    return seen, photo


def test_observations_that_led_to_no_case_go_after_two_days_with_their_photos(scan_car, demo_city, media):
    from eloket.city.models import Zone
    from parking_sessions.models import Observation

    seen, photo = observation(scan_car, Zone.objects.first())
    path = media / photo.file.name
    assert settings.RETENTION_OBSERVATION_DAYS == 2
    assert nothing_left_to_do(run("observations", seen.created + 2 * DAY - datetime.timedelta(minutes=1)))
    assert Observation.objects.filter(pk=seen.pk).exists() and path.exists()
    assert run("observations", seen.created + 2 * DAY + datetime.timedelta(minutes=1))["observations deleted"] == 1
    assert not Observation.objects.filter(pk=seen.pk).exists() and not path.exists()
    assert nothing_left_to_do(run("observations", seen.created + 3 * DAY))


# --- Cases and their evidence --------------------------------------------------------------------------------------

@pytest.fixture
def closed_case(alice, demo_city, media, scan_car):
    """A cancelled case with everything personal a case can hold, and the scan car's observation of it."""
    from eloket.city.models import Zone
    from fines import rules
    from fines.models import DriverDesignation, Hearing

    case = make_case(alice, sequence=11)
    evidence, objection, attachment = with_evidence_and_objection(case, submitted_by=alice)
    Hearing.objects.create(case=case, objection=objection, starts_at=timezone.now(), place="Stadhuis",
                           planned_by=alice, minutes="Mevrouw Peeters legt uit dat ...")
    driver_case = make_case(None, sequence=12, holder_name="Dirk Bestuurder")
    DriverDesignation.objects.create(case=case, driver_case=driver_case, name="Dirk Bestuurder",
                                     birth_date=datetime.date(1990, 1, 1), street="Kerkstraat 1", postal_code="3600",
                                     municipality="Genk", email="dirk@example.org")
    notice = letter(alice, case, "Notice")
    payment = paid_payment(alice, case)
    seen, photo = observation(scan_car, Zone.objects.first(), external_id="o-case", case=case)
    rules.cancel(case, "Ingetrokken na bezwaar van Alice Peeters.")
    closed_at = case.events.latest("at").at
    files = [media / item.file.name for item in (evidence, attachment, notice, photo)]
    return {"case": case, "closed_at": closed_at, "files": files, "payment": payment, "observation": seen,
            "driver_case": driver_case}


def test_a_closed_case_is_anonymised_five_years_after_it_closed(closed_case):
    from fines.models import Case, CaseEvent, DriverDesignation, Evidence, Hearing, Objection, ObjectionAttachment
    from parking_sessions.models import Observation, ObservationPhoto

    case, closed_at = closed_case["case"], closed_case["closed_at"]
    assert nothing_left_to_do(run("cases", years(closed_at, 5) - DAY))
    case.refresh_from_db()
    assert case.holder_name == "Alice Peeters" and all(path.exists() for path in closed_case["files"][:3])

    counts = run("cases", years(closed_at, 5) + DAY)
    assert counts["cases"] == 1 and counts["evidence"] == 1 and counts["attachments"] == 1 and counts["letters"] == 1
    case = Case.objects.get(pk=case.pk)
    assert case.plate == f"#{case.pk}" and case.holder_name == MARKER and case.holder_street == MARKER
    assert (case.holder_postal_code, case.holder_municipality, case.holder_email, case.holder_birth_date,
            case.citizen_id) == ("", "", "", None, None)
    # What the statistics need stays.
    assert (case.status, case.amount, case.kind, case.place) == ("cancelled", Decimal("116.00"), "gas4", "Markt 1")
    objection = Objection.objects.get(case=case)
    assert (objection.explanation, objection.contact_name, objection.contact_email, objection.contact_phone,
            objection.decision_reason) == (MARKER, MARKER, "", "", MARKER)
    assert Hearing.objects.get(case=case).minutes == MARKER
    assert set(CaseEvent.objects.filter(case=case).exclude(note="").values_list("note", flat=True)) == {MARKER}
    designation = DriverDesignation.objects.get(case=case)
    assert (designation.name, designation.street, designation.email) == (MARKER, MARKER, "")
    assert not Evidence.objects.filter(case=case).exists() and not ObjectionAttachment.objects.exists()
    assert not any(path.exists() for path in closed_case["files"][:3])
    assert closed_case["payment"].__class__.objects.get(pk=closed_case["payment"].pk).owner_id is None
    # The driver's own case is open: it keeps its data.
    assert Case.objects.get(pk=closed_case["driver_case"].pk).holder_name == "Dirk Bestuurder"
    assert nothing_left_to_do(run("cases", years(closed_at, 6)))

    # The scan car's record of the case follows on the observations' run.
    seen = Observation.objects.get(pk=closed_case["observation"].pk)
    assert seen.plate == "1ABC123"
    assert run("observations", years(closed_at, 5) + DAY)["case observations anonymised"] == 1
    seen.refresh_from_db()
    assert seen.plate == f"#{seen.pk}" and seen.place == "" and not ObservationPhoto.objects.filter(observation=seen).exists()
    assert not closed_case["files"][3].exists()
    assert nothing_left_to_do(run("observations", years(closed_at, 6)))


def test_an_open_case_or_one_handed_over_for_collection_is_never_anonymised(alice, demo_city, media):
    from fines.models import Case

    open_case = make_case(alice, sequence=21)
    collected = make_case(alice, sequence=22, status="collection")
    assert nothing_left_to_do(run("cases", years(timezone.now(), 20)))
    assert Case.objects.filter(pk__in=[open_case.pk, collected.pk], holder_name="Alice Peeters").count() == 2


def test_print_and_import_files_go_after_their_period(alice, carla, demo_city, media):
    from fines.models import ImportBatch, PrintBatch

    batch = PrintBatch.objects.create(created_by=carla, case_ids=[1], total=1, status="ready")
    batch.file.save("notices.pdf", ContentFile(b"%PDF-1.7"), save=True)
    imported = ImportBatch.objects.create(uploaded_by=carla, rows=1, imported=True, file=stored("import.csv", b"a;b"))
    paths = [media / batch.file.name, media / imported.file.name]
    assert nothing_left_to_do(run("fines-files", batch.created + 90 * DAY - datetime.timedelta(minutes=1)))
    assert run("fines-files", batch.created + 91 * DAY) == {"print files": 1, "import files": 1}
    assert not any(path.exists() for path in paths)
    batch.refresh_from_db()
    assert not batch.file and PrintBatch.objects.filter(pk=batch.pk).exists()
    assert nothing_left_to_do(run("fines-files", batch.created + 92 * DAY))


# --- Permits -------------------------------------------------------------------------------------------------------

def test_a_permit_is_anonymised_five_years_after_it_ended(alice, carla, demo_city, media):
    from eloket.documents.models import Document
    from permits import changes, rules, visitors
    from permits.models import Permit, PermitDocument, PermitEvent, PermitPlate, VisitorPeriod
    from tests.permits.helpers import apply

    card = rules.approve(apply(alice, "1ABC123"), carla, "Controle OK voor Alice.")
    visitors.start_visit(alice, plate="1GST001", minutes=60)
    still_running = rules.approve(apply(alice, "1DEF456"), carla)
    document = card.documents.get()
    confirmation = letter(alice, card, "Confirmation")
    payment = paid_payment(alice, card, "10.00")
    paths = [media / document.file.name, media / confirmation.file.name]
    changes.cancel_with_refund(card, actor=alice)
    ended = card.events.latest("at").at

    assert nothing_left_to_do(run("permits", years(ended, 5) - DAY))
    assert Permit.objects.get(pk=card.pk).holder_id == alice.pk and all(path.exists() for path in paths)

    counts = run("permits", years(ended, 5) + DAY)
    # The letters: the confirmation the approval asked for, and the one stored here.
    assert counts["permits"] == 1 and counts["documents"] == 1 and counts["letters"] == 2
    card = Permit.objects.get(pk=card.pk)
    assert card.holder_id is None and card.street == MARKER
    assert (card.house_number, card.postal_code, card.municipality, card.address_key) == ("", "", "", "")
    plate = PermitPlate.objects.get(permit=card)
    assert plate.plate == f"#{plate.pk}"
    period = VisitorPeriod.objects.get(permit=card)
    assert period.plate == f"#{period.pk}" and period.started_by_id is None
    assert not PermitDocument.objects.filter(permit=card).exists()
    assert not Document.objects.filter(content_type=ContentType.objects.get_for_model(Permit), object_id=card.pk).exists()
    assert not any(path.exists() for path in paths)
    assert set(PermitEvent.objects.filter(permit=card).exclude(note="").values_list("note", flat=True)) == {MARKER}
    payment.refresh_from_db()
    assert payment.description == f"Permit #{card.pk}" and payment.amount == Decimal("10.00")
    assert (card.kind, card.status, card.zone_id is not None) == ("resident", "cancelled", True)
    # An active permit stays as it is, however old.
    assert Permit.objects.get(pk=still_running.pk).holder_id == alice.pk
    assert nothing_left_to_do(run("permits", years(ended, 6)))
