"""The bank statement admin: upload with counts per outcome, read-only statements, the work list and resolving by hand."""

import datetime
import html
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile

from eloket.payments.admin_bank import BANK_PERMISSIONS, BANK_VIEW_PERMISSIONS
from eloket.payments.bank.importing import import_statement
from eloket.payments.models import (
    BankStatement,
    BankTransaction,
    Payment,
    PaymentRequest,
    PaymentRequestStatus,
    StructuredReference,
)
from tests.factories import StaffFactory
from tests.i18n import en

from .test_bank_parsers import CAMT02_SAMPLE, CODA_SAMPLE, MATCH, WRONG

pytestmark = pytest.mark.django_db
Outcome = BankTransaction.Outcome
UPLOAD = "admin:payments_bankstatement_add"


def grant(user, labels):
    for label in labels:
        app_label, codename = label.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return user


def sample_upload(path=CODA_SAMPLE):
    return SimpleUploadedFile(path.name, path.read_bytes())


@pytest.fixture
def as_ida(client, ida):
    """The city admin, with the bank permissions the lead grants to her role."""
    grant(ida, BANK_PERMISSIONS)
    client.force_login(ida)
    return client


@pytest.fixture
def payables(alice, bob):
    made = []
    for citizen, amount, digits in ((alice, "25.00", MATCH), (bob, "50.00", WRONG)):
        request = PaymentRequest.objects.create(citizen=citizen, description="Duplicaat", amount=Decimal(amount),
                                                due_date=datetime.date(2024, 3, 31))
        StructuredReference.objects.create(digits=digits, content_type=ContentType.objects.get_for_model(request),
                                           object_id=request.pk)
        made.append(request)
    return made


@pytest.fixture
def imported(media, payables, ida):
    return import_statement(sample_upload(), actor=ida)


def test_every_bank_permission_exists():
    for label in BANK_PERMISSIONS + BANK_VIEW_PERMISSIONS:
        app_label, codename = label.split(".")
        assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), label


def test_the_upload_page_loads(as_ida):
    response = as_ida.get(en(UPLOAD))

    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in response.content.decode()


def test_ida_uploads_a_statement_and_sees_the_counts(as_ida, media, payables, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_ida.post(en(UPLOAD), {"file": sample_upload()}, follow=True)

    statement = BankStatement.objects.get()
    assert response.redirect_chain[-1][0] == en("admin:payments_bankstatement_change", statement.pk)
    page = response.content.decode()
    assert ("Statement BE71096123456769/064/2024-03-15 imported: Matched and booked: 1; Reference known, amount differs: 1; "
            "Reference known, already paid: 0; Unknown or missing reference: 1.") in page
    assert "+++090/0000/01565+++" in page  # the transactions, inline
    assert 'name="_save"' not in page  # read-only
    assert PaymentRequest.objects.get(pk=payables[0].pk).status == PaymentRequestStatus.PAID
    assert statement.uploaded_by.email == "ida@stad.example"


def test_a_superuser_uploads_a_camt_statement(client, media, payables, django_capture_on_commit_callbacks):
    admin = StaffFactory(is_superuser=True)
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(en(UPLOAD), {"file": sample_upload(CAMT02_SAMPLE)}, follow=True)

    assert "imported: Matched and booked: 1;" in response.content.decode()
    assert BankStatement.objects.get().format == BankStatement.Format.CAMT053


def test_the_same_statement_uploaded_twice_is_refused_with_a_message(as_ida, imported):
    response = as_ida.post(en(UPLOAD), {"file": sample_upload()})

    assert response.status_code == 200
    assert f"Statement {imported.identifier} was imported before; it is not imported again." in response.content.decode()
    assert BankStatement.objects.count() == 1
    assert BankTransaction.objects.count() == 3


@pytest.mark.parametrize(("content", "message"), [
    (b"Dear Sir, please find our statement attached.", "This is neither a CODA file nor a CAMT.053 statement."),
    (b"".join(CODA_SAMPLE.read_bytes().splitlines(keepends=True)[:-1]), "The file ends before its trailer record"),
    (b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"/>', "is not a CAMT.053 statement"),
])
def test_a_file_that_is_not_a_statement_is_refused_with_the_reason(as_ida, media, content, message):
    response = as_ida.post(en(UPLOAD), {"file": SimpleUploadedFile("statement.cod", content)})

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BankStatement.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_a_file_over_5_mb_is_refused(as_ida, media):
    response = as_ida.post(en(UPLOAD), {"file": SimpleUploadedFile("big.cod", b"0" * (5 * 1024 * 1024 + 1))})

    assert "larger than 5 MB" in response.content.decode()
    assert not BankStatement.objects.exists()


def test_a_statement_cannot_be_edited_or_deleted(as_ida, imported):
    change = en("admin:payments_bankstatement_change", imported.pk)

    assert as_ida.get(change).status_code == 200
    assert as_ida.post(change, {"identifier": "other"}).status_code == 403
    assert as_ida.post(en("admin:payments_bankstatement_delete", imported.pk), {"post": "yes"}).status_code == 403
    assert BankStatement.objects.get().identifier == imported.identifier


def test_the_statement_list_shows_what_is_left_to_resolve(as_ida, imported):
    response = as_ida.get(en("admin:payments_bankstatement_changelist"))

    assert response.status_code == 200
    row = response.context["cl"].result_list[0]
    assert (row.matched_count, row.to_resolve_count) == (1, 2)


def test_the_work_list_filters_by_outcome(as_ida, imported):
    changelist = en("admin:payments_banktransaction_changelist")

    to_resolve = as_ida.get(changelist, {"outcome": "to_resolve"}).context["cl"].result_list
    wrong = as_ida.get(changelist, {"outcome": Outcome.WRONG_AMOUNT}).context["cl"].result_list
    found = as_ida.get(changelist, {"q": "+++090/0000/02777+++"}).context["cl"].result_list

    assert sorted(row.line for row in to_resolve) == [6, 8]
    assert [row.line for row in wrong] == [6]
    assert [row.line for row in found] == [6]


def test_resolving_asks_for_a_note_then_stores_it(as_ida, imported, ida):
    changelist = en("admin:payments_banktransaction_changelist")
    wrong = imported.transactions.get(line=6)
    matched = imported.transactions.get(line=3)
    selected = {"action": "mark_resolved", "_selected_action": [wrong.pk, matched.pk]}

    asked = as_ida.post(changelist, selected)
    assert asked.status_code == 200
    assert "payments/admin/bank_resolve.html" in [template.name for template in asked.templates]
    assert "1 selected transaction is not on the work list" in asked.content.decode()

    no_note = as_ida.post(changelist, {**selected, "_selected_action": [wrong.pk], "apply": "yes", "note": "  "})
    assert no_note.status_code == 200
    assert "This field is required." in no_note.content.decode()
    wrong.refresh_from_db()
    assert wrong.outcome == Outcome.WRONG_AMOUNT

    done = as_ida.post(changelist, {**selected, "_selected_action": [wrong.pk], "apply": "yes",
                                    "note": "Verschil van € 5 teruggestort"}, follow=True)
    assert "1 transaction marked as resolved." in done.content.decode()
    wrong.refresh_from_db()
    matched.refresh_from_db()
    assert wrong.outcome == Outcome.RESOLVED
    assert wrong.note.endswith(f"{ida.get_full_name()}] Verschil van € 5 teruggestort")
    assert matched.outcome == Outcome.MATCHED


def test_staff_who_may_only_look_cannot_upload_or_resolve(client, imported):
    viewer = grant(StaffFactory(), BANK_VIEW_PERMISSIONS)
    client.force_login(viewer)
    unknown = imported.transactions.get(line=8)

    assert client.get(en("admin:payments_banktransaction_changelist")).status_code == 200
    assert client.get(en(UPLOAD)).status_code == 403
    client.post(en("admin:payments_banktransaction_changelist"),
                {"action": "mark_resolved", "_selected_action": [unknown.pk], "apply": "yes", "note": "weg ermee"})

    unknown.refresh_from_db()
    assert unknown.outcome == Outcome.UNKNOWN


def test_staff_without_bank_permissions_are_refused(client, media):
    client.force_login(StaffFactory())

    assert client.get(en("admin:payments_bankstatement_changelist")).status_code == 403
    assert client.post(en(UPLOAD), {"file": sample_upload()}).status_code == 403
    assert not BankStatement.objects.exists()


@pytest.mark.parametrize("name", [UPLOAD, "admin:payments_bankstatement_changelist",
                                  "admin:payments_banktransaction_changelist"])
def test_a_citizen_is_refused_the_admin(client, alice, media, name):
    client.force_login(alice)

    response = client.get(en(name))
    posted = client.post(en(UPLOAD), {"file": sample_upload()})

    assert response.status_code == 302 and "/login/" in response["Location"]
    assert posted.status_code == 302
    assert not BankStatement.objects.exists()
    assert not Payment.objects.exists()


def test_a_statement_of_another_account_than_the_citys_gets_a_warning(as_ida, media, payables, demo_city):
    demo_city.iban = "BE68539007547034"
    demo_city.save()

    response = as_ida.post(en(UPLOAD), {"file": sample_upload()}, follow=True)

    assert ("This statement is for account BE71096123456769, not BE68539007547034, the account on the city's payment "
            "instructions.") in html.unescape(response.content.decode())


def test_a_statement_of_the_citys_account_gets_no_warning(as_ida, media, payables, demo_city):
    assert demo_city.iban == "BE71096123456769"

    response = as_ida.post(en(UPLOAD), {"file": sample_upload()}, follow=True)

    assert "imported: Matched and booked: 1;" in response.content.decode()
    assert "This statement is for account" not in response.content.decode()
