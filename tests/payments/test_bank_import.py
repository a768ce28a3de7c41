"""Importing a statement: each credit matched by its OGM only, booked exactly once, nothing half-imported or doubled."""

import datetime
import threading
import time
from decimal import Decimal
from unittest import mock

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction

from eloket.payments import flow
from eloket.payments.bank import ParseError, matching
from eloket.payments.bank.importing import AlreadyImported, FileTooLarge, import_statement, outcome_counts
from eloket.payments.models import (
    BankStatement,
    BankTransaction,
    Payment,
    PaymentMethod,
    PaymentRequest,
    PaymentRequestStatus,
    PaymentStatus,
    StructuredReference,
)

from .test_bank_parsers import (
    CAMT02_SAMPLE,
    CAMT08_SAMPLE,
    CODA_SAMPLE,
    MATCH,
    UNKNOWN,
    WRONG,
    build_coda,
    movement_records,
)

pytestmark = pytest.mark.django_db
Outcome = BankTransaction.Outcome


def upload(path_or_bytes, name="statement.cod"):
    if isinstance(path_or_bytes, bytes):
        return SimpleUploadedFile(name, path_or_bytes)
    return SimpleUploadedFile(path_or_bytes.name, path_or_bytes.read_bytes())


def with_reference(payable, digits):
    StructuredReference.objects.create(digits=digits, content_type=ContentType.objects.get_for_model(payable),
                                       object_id=payable.pk)
    return payable


@pytest.fixture
def duplicate_card(alice, carla):
    """25.00 to pay, with the OGM the sample statements pay it with."""
    request = PaymentRequest.objects.create(citizen=alice, description="Duplicaat bewonerskaart", amount=Decimal("25.00"),
                                            due_date=datetime.date(2024, 3, 31), created_by=carla)
    return with_reference(request, MATCH)


@pytest.fixture
def admin_fee(bob, carla):
    """50.00 to pay; the samples pay 45.00 with its OGM."""
    request = PaymentRequest.objects.create(citizen=bob, description="Administratieve kost", amount=Decimal("50.00"),
                                            due_date=datetime.date(2024, 3, 31), created_by=carla)
    return with_reference(request, WRONG)


@pytest.fixture
def payables(duplicate_card, admin_fee):
    return duplicate_card, admin_fee


def stored_files(media):
    return [path for path in media.rglob("*") if path.is_file()]


def test_the_coda_sample_books_the_match_and_lists_the_rest(media, payables, carla, django_capture_on_commit_callbacks):
    duplicate_card, admin_fee = payables

    with django_capture_on_commit_callbacks(execute=True):
        statement = import_statement(upload(CODA_SAMPLE), actor=carla)

    assert (statement.format, statement.identifier, statement.uploaded_by) == (
        BankStatement.Format.CODA, "BE71096123456769/064/2024-03-15", carla)
    rows = list(statement.transactions.order_by("line"))
    assert [(row.line, row.amount, row.reference, row.outcome) for row in rows] == [
        (3, Decimal("25.00"), MATCH, Outcome.MATCHED),
        (6, Decimal("45.00"), WRONG, Outcome.WRONG_AMOUNT),
        (8, Decimal("30.00"), UNKNOWN, Outcome.UNKNOWN),
    ]  # the debit is not stored
    matched = rows[0]
    assert (matched.counterparty_name, matched.counterparty_iban) == ("PEETERS ALICE", "BE41063012345610")
    payment = matched.payment
    assert (payment.method, payment.status, payment.amount, payment.owner) == (
        PaymentMethod.TRANSFER, PaymentStatus.PAID, Decimal("25.00"), duplicate_card.citizen)
    assert payment.payable == duplicate_card
    assert payment.paid_at.date() == datetime.date(2024, 3, 15)
    assert payment.effect_applied_at is not None
    assert "line 3" in payment.events.get(kind="created").note
    assert rows[1].payment is None and rows[2].payment is None

    duplicate_card.refresh_from_db()
    admin_fee.refresh_from_db()
    assert duplicate_card.status == PaymentRequestStatus.PAID
    assert duplicate_card.paid_at.date() == datetime.date(2024, 3, 15)
    assert admin_fee.status == PaymentRequestStatus.OPEN
    assert outcome_counts(statement) == {"matched": 1, "wrong_amount": 1, "already_paid": 0, "unknown": 1, "resolved": 0}

    assert statement.file.name.startswith(f"bank/{datetime.date.today():%Y}/")
    assert statement.file.read() == CODA_SAMPLE.read_bytes()
    assert len(stored_files(media)) == 1


def test_the_payable_is_told_exactly_once(media, payables, carla, django_capture_on_commit_callbacks):
    original = PaymentRequest.on_payment_paid

    with mock.patch.object(PaymentRequest, "on_payment_paid", autospec=True, side_effect=original) as told:
        with django_capture_on_commit_callbacks(execute=True):
            statement = import_statement(upload(CODA_SAMPLE), actor=carla)
        payment = statement.transactions.get(outcome=Outcome.MATCHED).payment
        assert flow.run_effect(payment.pk) is False  # a replayed task does nothing

    assert told.call_count == 1
    assert Payment.objects.count() == 1


@pytest.mark.parametrize("sample", [CODA_SAMPLE, CAMT02_SAMPLE, CAMT08_SAMPLE])
def test_the_same_statement_twice_is_refused_and_nothing_doubles(media, payables, carla, sample, english,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = import_statement(upload(sample), actor=carla)

    with pytest.raises(AlreadyImported) as refused:
        import_statement(upload(sample), actor=carla)

    assert str(refused.value) == f"Statement {first.identifier} was imported before; it is not imported again."
    assert BankStatement.objects.count() == 1
    assert BankTransaction.objects.count() == 3
    assert Payment.objects.count() == 1
    assert len(stored_files(media)) == 1


def test_both_camt_versions_read_the_same_way(media, payables, carla, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        statement = import_statement(upload(CAMT08_SAMPLE), actor=carla)

    assert statement.format == BankStatement.Format.CAMT053
    assert list(statement.transactions.values_list("line", "outcome")) == [
        (1, Outcome.MATCHED), (2, Outcome.WRONG_AMOUNT), (3, Outcome.UNKNOWN)]
    assert statement.transactions.get(line=1).free_text == "Duplicaat bewonerskaart +++090/0000/01565+++ dank u"


def test_the_same_day_as_camt_after_coda_is_already_paid_not_paid_twice(media, payables, carla,
                                                                         django_capture_on_commit_callbacks):
    """A bank offers both formats; staff upload both. The identities differ, the OGM check does not."""
    with django_capture_on_commit_callbacks(execute=True):
        import_statement(upload(CODA_SAMPLE), actor=carla)
        statement = import_statement(upload(CAMT02_SAMPLE), actor=carla)

    assert statement.transactions.get(line=1).outcome == Outcome.ALREADY_PAID
    assert Payment.objects.count() == 1


def test_a_paid_transfer_whose_effect_has_not_run_yet_counts_as_paid(media, payables, carla,
                                                                      django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):  # the payable has not been told yet
        import_statement(upload(CODA_SAMPLE), actor=carla)
        statement = import_statement(upload(CAMT02_SAMPLE), actor=carla)

    assert statement.transactions.get(line=1).outcome == Outcome.ALREADY_PAID
    assert Payment.objects.count() == 1


def test_the_same_ogm_twice_in_one_statement_is_booked_once(media, duplicate_card, carla,
                                                             django_capture_on_commit_callbacks):
    data = build_coda([movement_records(1, "25.00", ogm=MATCH), movement_records(2, "25.00", ogm=MATCH)])

    with django_capture_on_commit_callbacks(execute=True):
        statement = import_statement(upload(data), actor=carla)

    assert list(statement.transactions.values_list("outcome", flat=True)) == [Outcome.MATCHED, Outcome.ALREADY_PAID]
    assert Payment.objects.count() == 1


def test_a_request_paid_before_is_already_paid(media, duplicate_card, carla):
    PaymentRequest.objects.filter(pk=duplicate_card.pk).update(status=PaymentRequestStatus.PAID)

    statement = import_statement(upload(CODA_SAMPLE), actor=carla)

    assert statement.transactions.get(line=3).outcome == Outcome.ALREADY_PAID
    assert not Payment.objects.exists()


def test_a_cancelled_request_is_not_booked_either(media, duplicate_card, carla):
    PaymentRequest.objects.filter(pk=duplicate_card.pk).update(status=PaymentRequestStatus.CANCELLED)

    statement = import_statement(upload(CODA_SAMPLE), actor=carla)

    assert statement.transactions.get(line=3).outcome == Outcome.ALREADY_PAID  # nothing is due: staff look at it
    assert not Payment.objects.exists()


def test_a_reference_whose_payable_is_gone_is_unknown(media, alice, carla):
    StructuredReference.objects.create(digits=MATCH, content_type=ContentType.objects.get_for_model(PaymentRequest),
                                       object_id=987654)

    statement = import_statement(upload(CODA_SAMPLE), actor=carla)

    assert statement.transactions.get(line=3).outcome == Outcome.UNKNOWN


def test_free_text_without_a_valid_ogm_is_never_matched(media, duplicate_card, carla):
    data = build_coda([
        movement_records(1, "25.00", text="Duplicaat bewonerskaart Alice Peeters"),
        movement_records(2, "25.00", text="090000001565"),
        movement_records(3, "25.00", text="+++090/0000/01566+++"),
    ])

    statement = import_statement(upload(data), actor=carla)

    assert set(statement.transactions.values_list("outcome", flat=True)) == {Outcome.UNKNOWN}
    assert not Payment.objects.exists()


def test_a_file_that_does_not_parse_stores_nothing(media, payables, carla):
    broken = CODA_SAMPLE.read_bytes()[:-200]

    with pytest.raises(ParseError):
        import_statement(upload(broken), actor=carla)

    assert not BankStatement.objects.exists()
    assert stored_files(media) == []


def test_a_failure_halfway_rolls_everything_back_and_removes_the_file(media, payables, carla):
    # The database refuses the third credit line (lines 3, 6 and 8 of the sample), after two were matched and booked.
    table = BankTransaction._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE FUNCTION refuse_line_8() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.line = 8 THEN RAISE EXCEPTION 'disk full'; END IF; RETURN NEW; END $$""")
        cursor.execute(f"CREATE TRIGGER refuse_line_8 BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION refuse_line_8()")

    with pytest.raises(DatabaseError, match="disk full"):
        import_statement(upload(CODA_SAMPLE), actor=carla)

    assert not BankStatement.objects.exists()
    assert not BankTransaction.objects.exists()
    assert not Payment.objects.exists()
    assert PaymentRequest.objects.get(pk=payables[0].pk).status == PaymentRequestStatus.OPEN
    assert stored_files(media) == []


def test_a_file_over_5_mb_is_refused(media, carla, english):
    data = CODA_SAMPLE.read_bytes() + b" " * (5 * 1024 * 1024)

    with pytest.raises(FileTooLarge, match="larger than 5 MB"):
        import_statement(upload(data), actor=carla)

    assert not BankStatement.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_upload_of_the_same_statement_is_refused_by_the_database(media, payables, carla):
    """The second upload checks while the first is not committed yet: only the unique identifier stops it."""
    imported, release = threading.Event(), threading.Event()
    outcomes = []

    def first():
        try:
            with transaction.atomic():
                import_statement(upload(CODA_SAMPLE), actor=carla)
                imported.set()
                release.wait(20)  # keeps its transaction open while the second upload checks
            outcomes.append("imported")
        finally:
            connection.close()

    def second():
        try:
            import_statement(upload(CODA_SAMPLE), actor=carla)
            outcomes.append("imported")
        except AlreadyImported:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    threads[0].start()
    assert imported.wait(30)
    threads[1].start()
    assert wait_for_a_lock_wait(), "the second upload never reached the unique index"
    release.set()
    for thread in threads:
        thread.join(30)

    assert sorted(outcomes) == ["imported", "refused"]
    assert BankStatement.objects.count() == 1
    assert Payment.objects.count() == 1
    assert len(stored_files(media)) == 1


def wait_for_a_lock_wait(seconds: float = 20) -> bool:
    """Whether another session of this database comes to wait on a row lock (the unique index's) in time."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                           "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def test_resolving_needs_a_note_and_touches_only_the_work_list(media, payables, carla, ida):
    statement = import_statement(upload(CODA_SAMPLE), actor=carla)
    ids = list(statement.transactions.values_list("pk", flat=True))

    with pytest.raises(ValueError):
        matching.resolve(ids, note="   ", actor=ida)
    resolved = matching.resolve(ids, note="Verschil van € 5 terugbetaald", actor=ida)

    assert sorted(row.line for row in resolved) == [6, 8]
    outcomes = dict(statement.transactions.values_list("line", "outcome"))
    assert outcomes == {3: Outcome.MATCHED, 6: Outcome.RESOLVED, 8: Outcome.RESOLVED}
    note = statement.transactions.get(line=6).note
    assert note.startswith("[") and note.endswith(f", {ida.get_full_name()}] Verschil van € 5 terugbetaald")
    assert matching.resolve(ids, note="again", actor=ida) == []  # resolved stays resolved, the note is not doubled
