"""CSV imports from police and camera systems: every row checked first, errors per row, all cases issued or none."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fines import importing
from fines.importing import import_csv
from fines.models import Case, CaseKind, CaseStatus, ImportBatch, Source

pytestmark = pytest.mark.django_db

COLUMNS = [column.name for column in importing.COLUMNS]


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def row(**values) -> dict:
    """A good GAS 4 row (parking on the pavement, two days ago); keyword arguments change cells."""
    observed = timezone.now() - datetime.timedelta(days=2)
    base = {
        "kind": "gas4", "offence_code": "PAVEMENT", "plate": "1-ABC-123", "country": "BE", "observed_at": local(observed),
        "place": "Molenstraat 40", "zone_code": "", "holder_name": "Jan Claes", "holder_is_company": "no",
        "holder_birth_date": "01/05/1980", "holder_street": "Stadsplein 1", "holder_postal_code": "3600",
        "holder_municipality": "Genk", "holder_country": "BE", "report_reference": "GE.55.L1.001234/2026",
        "report_received_on": (timezone.localdate() - datetime.timedelta(days=1)).isoformat(), "speed_limit": "",
        "measured_speed": "", "inside_built_up_area": "", "other_offence": "0", "observed_by": "Agent 17",
    }
    return {**base, **values}


def retribution_row(**values) -> dict:
    return row(kind="retribution", offence_code="RETRIBUTION", zone_code="C1", report_reference="",
               report_received_on="", **values)


def gas5_row(**values) -> dict:
    return row(**{"kind": "gas5", "offence_code": "GAS5", "speed_limit": "30", "measured_speed": "51",
                  "inside_built_up_area": "yes", "observed_by": "Camera GE-04", **values})


def csv_file(rows: list[dict], delimiter=";", bom=False, columns=COLUMNS) -> SimpleUploadedFile:
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for values in rows:
        writer.writerow([values.get(name, "") for name in columns])
    data = buffer.getvalue().encode("utf-8")
    return SimpleUploadedFile("export.csv", (b"\xef\xbb\xbf" if bom else b"") + data, content_type="text/csv")


def imported(rows, actor, **options) -> ImportBatch:
    with translation.override("en"):
        return import_csv(csv_file(rows, **options), actor)


def errors_by_row(batch) -> dict[int, list[tuple[str, str]]]:
    found = {}
    for error in batch.errors:
        found.setdefault(error["row"], []).append((error["field"], error["message"]))
    return found


# Good files ----------------------------------------------------------------------------------------------------------

def test_a_good_file_issues_every_row_as_a_case_of_the_batch(fines_city, media, erik):
    batch = imported([retribution_row(), row(plate="2XYZ789"), gas5_row(plate="1DEF456")], erik)

    assert batch.imported and batch.errors == [] and batch.rows == 3
    cases = list(Case.objects.filter(import_batch=batch).order_by("kind"))
    assert [case.kind for case in cases] == [CaseKind.GAS4, CaseKind.GAS5, CaseKind.RETRIBUTION]
    assert {case.source for case in cases} == {Source.IMPORT}
    assert {case.status for case in cases} == {CaseStatus.ISSUED}
    assert len({case.notice_number for case in cases}) == 3
    gas4, gas5, retribution = cases
    assert (gas4.plate, gas4.amount, gas4.holder_name) == ("2XYZ789", Decimal("116.00"), "Jan Claes")
    assert (gas5.corrected_speed, gas5.amount) == (45, Decimal("108.00"))  # zone 30, inside, corrected 45: € 108
    assert (retribution.zone.code, retribution.amount) == ("C1", Decimal("20.00"))
    assert all(case.events.get().actor == erik for case in cases)
    assert batch.file.read().startswith(b"kind;offence_code")


@pytest.mark.parametrize(("delimiter", "bom"), [(";", False), (";", True), (",", False), (",", True)])
def test_semicolons_or_commas_with_or_without_a_byte_order_mark(fines_city, media, erik, delimiter, bom):
    batch = imported([row(place="Markt 1, Genk; bij de kerk"), row(plate="2XYZ789")], erik, delimiter=delimiter, bom=bom)

    assert batch.imported, batch.errors
    assert set(Case.objects.values_list("place", flat=True)) == {"Markt 1, Genk; bij de kerk", "Molenstraat 40"}


def test_columns_in_any_order_and_optional_columns_left_out(fines_city, media, erik):
    columns = ["plate", "offence_code", "kind", "observed_at", "place", "holder_name", "holder_street",
               "holder_postal_code", "holder_municipality", "holder_is_company"]
    observed = (timezone.now() - datetime.timedelta(days=1)).astimezone(datetime.UTC).replace(microsecond=0)
    batch = imported([row(holder_is_company="1", observed_at=observed.isoformat())], erik, columns=columns)

    assert batch.imported, batch.errors
    case = Case.objects.get()
    assert case.holder_is_company and case.observed_at == observed and case.country == "BE"


# Bad files -----------------------------------------------------------------------------------------------------------

def test_rows_with_errors_are_reported_one_by_one_and_nothing_is_imported(fines_city, media, erik):
    minor = (timezone.localdate() - datetime.timedelta(days=365 * 15)).strftime("%d/%m/%Y")
    batch = imported([
        row(),  # row 2: good
        row(plate="!?"),  # 3
        row(offence_code="NOPE"),  # 4
        row(plate="1MIN001", holder_birth_date=minor),  # 5
        gas5_row(plate="1FST001", measured_speed="60"),  # 6: corrected 54 in a 30 zone is 24 km/h over
        row(plate="1BAD001", observed_at="31/02/2026 10:00"),  # 7
        row(),  # 8: the same observation as row 2
        row(plate="1KND001", kind="gas5"),  # 9: the offence is a GAS 4 one
    ], erik)

    assert not batch.imported and batch.rows == 8
    assert Case.objects.count() == 0
    found = errors_by_row(batch)
    assert sorted(found) == [3, 4, 5, 6, 7, 8, 9]
    assert found[3] == [("plate", "A number plate has only letters and digits, for example 1-ABC-123.")]
    assert found[4] == [("offence_code", "Unknown offence code “NOPE”.")]
    assert found[5] == [("kind", "A minor cannot receive a GAS fine; the report goes to the public prosecutor.")]
    assert found[6][0][0] == "kind" and "GAS 5 covers at most 20 km/h over" in found[6][0][1]
    assert found[7] == [("observed_at", "Give the date and time as 2026-03-14 09:30 or 14/03/2026 09:30.")]
    assert found[8] == [("observed_at", "Row 2 has the same plate, offence and time.")]
    assert found[9][0] == ("kind", "The offence “PAVEMENT” is a GAS 4 fine (stopping and parking), not a GAS 5 fine "
                                   "(light speeding).")


def test_a_refusal_while_issuing_rolls_every_case_back(fines_city, media, erik):
    """Two retributions for one car on one day pass the checks, but the city allows one a day: nothing stays."""
    morning = timezone.localtime().replace(hour=9, minute=0) - datetime.timedelta(days=3)
    batch = imported([row(plate="2XYZ789"), retribution_row(observed_at=local(morning)),
                      retribution_row(observed_at=local(morning + datetime.timedelta(hours=4)))], erik)

    assert not batch.imported
    assert Case.objects.count() == 0
    assert len(batch.errors) == 1 and batch.errors[0]["row"] == 4
    assert "maximum of 1 retribution(s)" in batch.errors[0]["message"]


def test_the_same_file_twice_is_refused_the_second_time(fines_city, media, erik):
    assert imported([row()], erik).imported
    again = imported([row()], erik)

    assert not again.imported
    assert errors_by_row(again) == {2: [("observed_at", "There is already a case for this plate, offence and time.")]}
    assert Case.objects.count() == 1


def test_gas5_rows_need_the_speeds(fines_city, media, erik):
    batch = imported([gas5_row(speed_limit="", measured_speed="fast", inside_built_up_area="")], erik)

    fields = [field for field, _message in errors_by_row(batch)[2]]
    assert fields == ["measured_speed", "speed_limit", "inside_built_up_area"]


def test_header_problems_are_reported_on_row_1(fines_city, media, erik):
    columns = [name for name in COLUMNS if name != "plate"] + ["colour", "kind"]
    batch = imported([row()], erik, columns=columns)

    assert not batch.imported
    assert errors_by_row(batch) == {1: [
        ("kind", "The column “kind” appears more than once."),
        ("colour", "Unknown column “colour”. The columns are listed on the import page."),
        ("plate", "The required column “plate” is missing."),
    ]}


@pytest.mark.parametrize(("data", "message"), [
    (b"", "The file is empty."),
    ("kind;plate\n\xe9t\xe9".encode("latin-1"), "The file is not in UTF-8."),
    (b"kind;plate\x00\n", "This is not a text CSV file."),
    (b"kind;plate\n\"unclosed", "The file cannot be read as CSV"),
    (b"kind\n" + b"x" * 200_000, "The file cannot be read as CSV"),
    (";".join(COLUMNS).encode() + b"\n\n", "The file has a header but no rows."),
    (b"x" * (importing.MAX_BYTES + 1), "The file is larger than 5 MB."),
])
def test_files_that_cannot_be_read_are_reported_as_a_whole(fines_city, media, erik, data, message):
    with translation.override("en"):
        batch = import_csv(SimpleUploadedFile("export.csv", data), erik)

    assert not batch.imported
    assert batch.errors[0]["row"] is None and batch.errors[0]["message"].startswith(message)


def test_more_than_5000_rows_are_refused(fines_city, media, erik):
    line = ";".join(row().get(name, "") for name in COLUMNS)
    data = "\n".join([";".join(COLUMNS)] + [line] * (importing.MAX_ROWS + 1)).encode()
    with translation.override("en"):
        batch = import_csv(SimpleUploadedFile("export.csv", data), erik)

    assert not batch.imported
    assert batch.errors == [{"row": None, "field": None,
                             "message": "The file has more than 5,000 rows. Split it into smaller files."}]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=600).map(lambda text: (";".join(COLUMNS) + "\n" + text).encode("utf-8")),
    st.lists(st.text(max_size=12), min_size=21, max_size=21).map(
        lambda cells: (";".join(COLUMNS) + "\n" + ";".join(cell.replace(";", "") for cell in cells)).encode("utf-8")),
))
def test_arbitrary_bytes_give_a_batch_and_never_an_exception(fines_city, media, erik, data):
    batch = import_csv(SimpleUploadedFile("export.csv", data), erik)

    assert isinstance(batch, ImportBatch) and batch.pk
    assert batch.imported is (not batch.errors)
    assert Case.objects.filter(import_batch=batch).exists() is batch.imported
