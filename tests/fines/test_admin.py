"""Fines in the admin: registering a case, search by notice number and plate, evidence, imports, cancelling, roles."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eloket.accounts import roles
from fines import numbers
from fines.models import Case, CaseEvent, CaseStatus, EvidenceKind, ImportBatch, Offence, Source
from tests.files import jpeg_upload, svg_upload
from tests.i18n import en

from .test_importing import COLUMNS, csv_file, row

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:fines_case_changelist"


def listed(client, **params):
    response = client.get(en(CHANGELIST), params)
    assert response.status_code == 200
    return [case.pk for case in response.context["cl"].result_list]


def register_data(**values):
    observed = timezone.localtime() - datetime.timedelta(days=1)
    data = {
        "offence": Offence.objects.get(code="PAVEMENT").pk, "plate": "1-abc-123", "country": "BE",
        "observed_at": observed.strftime("%Y-%m-%dT%H:%M"), "place": "Molenstraat 40", "zone": "",
        "observed_by": "Agent 17", "report_reference": "GE.55.L1.001234/2026",
        "report_received_on": timezone.localdate().isoformat(), "holder_name": "Jan Claes",
        "holder_birth_date": "1980-05-01", "holder_street": "Stadsplein 1", "holder_postal_code": "3600",
        "holder_municipality": "Genk", "holder_country": "BE", "holder_email": "", "speed_limit": "",
        "measured_speed": "", "inside_built_up_area": "unknown",
    }
    data.update(values)
    return data


# Registering a case --------------------------------------------------------------------------------------------------

def test_enforcement_registers_a_case_with_photos(client, erik, fines_city, media):
    client.force_login(erik)
    assert "Register a case" in client.get(en(CHANGELIST)).content.decode()
    assert "Register the case" in client.get(en("admin:fines_case_add")).content.decode()

    response = client.post(en("admin:fines_case_add"), register_data(photos=[jpeg_upload("a.jpg"), jpeg_upload("b.jpg")]))

    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == en("admin:fines_case_change", case.pk)
    assert (case.plate, case.source, case.status, str(case.amount)) == ("1ABC123", Source.STAFF, CaseStatus.ISSUED, "116.00")
    assert [item.kind for item in case.evidence.all()] == [EvidenceKind.PHOTO, EvidenceKind.PHOTO]
    assert case.events.get().actor == erik
    page = client.get(response["Location"]).content.decode()
    assert numbers.display(case.notice_number) in page


def test_a_case_that_cannot_be_issued_is_shown_as_a_form_error(client, erik, fines_city, media):
    client.force_login(erik)
    minor = (timezone.localdate() - datetime.timedelta(days=365 * 15)).isoformat()

    response = client.post(en("admin:fines_case_add"), register_data(holder_birth_date=minor))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "A minor cannot receive a GAS fine; the report goes to the public prosecutor."]
    assert not Case.objects.exists()


def test_the_register_form_checks_plate_photos_and_time(client, erik, fines_city, media):
    client.force_login(erik)
    future = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")

    response = client.post(en("admin:fines_case_add"), register_data(plate="!!", observed_at=future, photos=[svg_upload()]))

    assert set(response.context["form"].errors) == {"plate", "observed_at", "photos"}
    assert not Case.objects.exists()


def test_only_staff_with_the_add_permission_register_cases(client, sofie, fines_city):
    client.force_login(sofie)

    assert client.get(en("admin:fines_case_add")).status_code == 403
    assert "Register a case" not in client.get(en(CHANGELIST)).content.decode()


# The list ------------------------------------------------------------------------------------------------------------

@pytest.fixture
def two_cases(issue):
    mine = issue(holder={"name": "Jan Claes", "is_company": False, "birth_date": datetime.date(1980, 5, 1),
                         "street": "Stadsplein 1", "postal_code": "3600", "municipality": "Genk", "country": "BE"})
    other = issue(plate="2XYZ789", holder={"name": "Els Maes", "is_company": False, "birth_date": None,
                                           "street": "Markt 2", "postal_code": "3600", "municipality": "Genk"})
    return mine, other


def test_search_by_notice_number_in_any_notation_by_plate_and_by_name(client, sofie, two_cases):
    mine, _other = two_cases
    client.force_login(sofie)
    number = mine.notice_number
    notations = [number, numbers.display(number), f"{number[:4]} {number[4:10]} {number[10:]}",
                 f"{number[:4]}.{number[4:10]}.{number[10:]}", "1-abc-123", "1ABC123", "claes"]

    for term in notations:
        assert listed(client, q=term) == [mine.pk], term
    wrong_check = number[:10] + f"{(int(number[10:]) % 97) + 1:02d}"
    assert listed(client, q=wrong_check) == []


def test_filters_by_kind_status_and_source(client, sofie, issue):
    gas5 = issue("GAS5", plate="1DEF456")
    gas4 = issue()
    client.force_login(sofie)

    assert listed(client, kind__exact="gas5") == [gas5.pk]
    assert set(listed(client, source__exact=Source.STAFF)) == {gas4.pk, gas5.pk}
    assert listed(client, disputed__exact="1") == []


@pytest.fixture
def private_cache(settings):
    """A cache of this test's own: the city profile cached by a parallel test run cannot change the query count."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


def test_the_changelist_runs_the_same_number_of_queries_for_1_and_30_cases(private_cache, client, sofie, case_in):
    client.force_login(sofie)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(en(CHANGELIST))
        assert response.status_code == 200
        return len(queries), len(response.context["cl"].result_list)

    case_in()
    count()  # warms the cached city profile
    one, shown = count()
    for _number in range(29):
        case_in(plate="1QRY001")
    assert count() == (one, 30) and shown == 1


def test_status_amount_and_number_are_read_only_the_address_can_be_corrected(client, sofie, issue):
    case = issue()
    client.force_login(sofie)
    url = en("admin:fines_case_change", case.pk)
    form = client.get(url).context["adminform"].form

    assert set(form.fields) == {"holder_street", "holder_postal_code", "holder_municipality", "holder_country",
                                "holder_email"}
    data = {"holder_street": "Nieuwstraat 3", "holder_postal_code": "3600", "holder_municipality": "Genk",
            "holder_country": "BE", "holder_email": "", "status": "cancelled", "amount": "1.00",
            "evidence-TOTAL_FORMS": "0", "evidence-INITIAL_FORMS": "0", "events-TOTAL_FORMS": "1",
            "events-INITIAL_FORMS": "1", "objections-TOTAL_FORMS": "0", "objections-INITIAL_FORMS": "0",
            "hearings-TOTAL_FORMS": "0", "hearings-INITIAL_FORMS": "0"}
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert (case.holder_street, case.status, str(case.amount)) == ("Nieuwstraat 3", CaseStatus.ISSUED, "116.00")


# Evidence ------------------------------------------------------------------------------------------------------------

def test_staff_with_the_permission_download_evidence_as_an_attachment(client, carla, issue):
    case = issue(evidence=[(EvidenceKind.PHOTO, jpeg_upload(), None)])
    evidence = case.evidence.get()
    client.force_login(carla)

    response = client.get(en("admin:fines_case_evidence", case.pk, evidence.pk))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == f'attachment; filename="evidence-{evidence.pk}.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    assert en("admin:fines_case_evidence", case.pk, evidence.pk) in client.get(
        en("admin:fines_case_change", case.pk)).content.decode()


def test_evidence_is_refused_without_the_permission_and_under_another_case(client, ida, carla, issue):
    case = issue(evidence=[(EvidenceKind.PHOTO, jpeg_upload(), None)])
    other = issue(plate="2XYZ789")
    evidence = case.evidence.get()

    client.force_login(ida)  # the city admin sees cases but not their evidence
    assert client.get(en("admin:fines_case_evidence", case.pk, evidence.pk)).status_code == 403
    client.force_login(carla)
    assert client.get(en("admin:fines_case_evidence", other.pk, evidence.pk)).status_code == 404


# Cancelling ----------------------------------------------------------------------------------------------------------

def test_the_sanctioning_official_cancels_with_a_reason(client, sofie, issue):
    case = issue()
    client.force_login(sofie)
    change = client.get(en("admin:fines_case_change", case.pk)).content.decode()
    assert en("admin:fines_case_cancel", case.pk) in change

    assert client.post(en("admin:fines_case_cancel", case.pk), {"reason": ""}).status_code == 200
    response = client.post(en("admin:fines_case_cancel", case.pk), {"reason": "The sign was covered."})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CANCELLED
    event = CaseEvent.objects.filter(case=case).last()
    assert (event.actor, event.to_status, event.note) == (sofie, CaseStatus.CANCELLED, "The sign was covered.")
    assert en("admin:fines_case_cancel", case.pk) not in client.get(en("admin:fines_case_change", case.pk)).content.decode()


def test_counter_staff_cannot_cancel(client, carla, issue):
    case = issue()
    client.force_login(carla)

    assert client.post(en("admin:fines_case_cancel", case.pk), {"reason": "Why not."}).status_code == 403
    case.refresh_from_db()
    assert case.status == CaseStatus.ISSUED


# Imports -------------------------------------------------------------------------------------------------------------

def test_the_upload_page_lists_the_columns(client, erik, fines_city):
    client.force_login(erik)

    page = client.get(en("admin:fines_importbatch_add")).content.decode()

    assert all(f"<code>{name}</code>" in page for name in COLUMNS)


def test_a_good_upload_imports_and_shows_the_batch(client, erik, fines_city, media):
    client.force_login(erik)

    response = client.post(en("admin:fines_importbatch_add"), {"file": csv_file([row(), row(plate="2XYZ789")])})

    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == en("admin:fines_importbatch_change", batch.pk)
    assert batch.imported and batch.uploaded_by == erik and Case.objects.filter(import_batch=batch).count() == 2
    page = client.get(response["Location"]).content.decode()
    assert "No errors: every row is imported." in page
    assert f"?import_batch__id__exact={batch.pk}" in page
    assert len(listed(client, import_batch__id__exact=batch.pk)) == 2


def test_a_bad_upload_shows_the_error_table(client, erik, fines_city, media):
    client.force_login(erik)

    response = client.post(en("admin:fines_importbatch_add"), {"file": csv_file([row(), row(offence_code="NOPE")])},
                           follow=True)

    assert not Case.objects.exists()
    page = response.content.decode()
    assert "Nothing is imported: the file has errors." in page
    assert 'id="import-errors"' in page and "<td>3</td><td><code>offence_code</code></td>" in page
    assert "Unknown offence code “NOPE”." in page
    batches = client.get(en("admin:fines_importbatch_changelist")).content.decode()
    assert "Import cases from a CSV file" in batches


def test_an_upload_without_a_file_asks_for_one(client, erik, fines_city):
    client.force_login(erik)

    response = client.post(en("admin:fines_importbatch_add"), {})

    assert response.status_code == 200 and "file" in response.context["form"].errors
    assert not ImportBatch.objects.exists()


def test_only_enforcement_uploads(client, sofie, fines_city):
    client.force_login(sofie)
    upload = SimpleUploadedFile("export.csv", b"kind\n", content_type="text/csv")

    assert client.post(en("admin:fines_importbatch_add"), {"file": upload}).status_code == 403
    assert client.get(en("admin:fines_importbatch_changelist")).status_code == 200


# Offences and roles --------------------------------------------------------------------------------------------------

def test_the_city_admin_edits_the_catalogue(client, ida, erik, fines_city):
    offence = Offence.objects.get(code="E1")
    client.force_login(ida)
    data = {"code": "E1", "kind": "gas4", "gas4_category": "1", "description_nl": "Parkeerverbod (E1)",
            "description_en": "No parking (E1)", "legal_reference": "KB 9 maart 2014", "is_active": ""}

    assert client.post(en("admin:fines_offence_change", offence.pk), data).status_code == 302
    offence.refresh_from_db()
    assert (offence.description_nl, offence.is_active) == ("Parkeerverbod (E1)", False)
    client.force_login(erik)
    assert client.post(en("admin:fines_offence_change", offence.pk), data).status_code == 403


def test_the_roles_get_their_fines_permissions(db):
    assert {"fines.add_case", "fines.add_importbatch", "fines.view_evidence"} <= roles.permissions_of(roles.ENFORCEMENT)
    assert "fines.change_case" not in roles.permissions_of(roles.ENFORCEMENT)
    assert {"fines.change_case", "fines.view_caseevent"} <= roles.permissions_of(roles.SANCTIONING)
    assert "fines.add_case" not in roles.permissions_of(roles.SANCTIONING)
    assert {"fines.view_case", "fines.view_evidence"} <= roles.permissions_of(roles.COUNTER)
    assert {"fines.add_offence", "fines.change_offence", "fines.view_case"} <= roles.permissions_of(roles.CITY_ADMIN)
    assert "fines.view_evidence" not in roles.permissions_of(roles.CITY_ADMIN)
