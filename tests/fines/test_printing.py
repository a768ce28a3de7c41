"""Printing notices for the post: the chosen cases' letters merged into one PDF, its progress, its download."""

import datetime
import io
import time

import pypdf
import pytest
from django.contrib import admin
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import timezone

import fines.admin_print  # noqa: F401  registers the print batches in the admin (fines/admin.py imports it too)
from eloket.city.models import CityProfile
from fines import numbers, printing, tasks
from fines.admin_print import print_notices
from fines.models import Case, CaseKind, CaseStatus, PrintBatch, PrintStatus
from tests.factories import StaffFactory
from tests.i18n import en

pytestmark = pytest.mark.usefixtures("english")
POSTAL_CODES = ["3600", "2000", "3500"]


def pdf_of(batch: PrintBatch) -> pypdf.PdfReader:
    with batch.file.open("rb") as handle:
        return pypdf.PdfReader(io.BytesIO(handle.read()))


def pages_of_one_letter(case: Case) -> int:
    return len(printing.render_letter(printing.notice_document(case)).pages)


def action_request(user):
    request = RequestFactory().post("/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    return request


@pytest.fixture
def cases(case_in, fines_city, media):
    return [case_in(CaseKind.GAS4, CaseStatus.ISSUED, holder_postal_code=code) for code in POSTAL_CODES]


@pytest.fixture
def batch_of(django_capture_on_commit_callbacks):
    """Choose cases in the list and use the action, as a clerk does; the PDF is made after the commit."""
    def choose(user, cases, *, execute=True):
        with django_capture_on_commit_callbacks(execute=execute):
            response = print_notices(admin.site._registry[Case], action_request(user),
                                     Case.objects.filter(pk__in=[case.pk for case in cases]))
        return response, PrintBatch.objects.get()

    return choose


@pytest.mark.django_db
class TestTheBatch:
    def test_the_action_merges_every_notice_into_one_pdf_in_postal_code_order(self, sofie, cases, batch_of):
        response, batch = batch_of(sofie, cases)

        assert response.status_code == 302 and response["Location"] == en("admin:fines_printbatch_progress", batch.pk)
        batch.refresh_from_db()
        assert (batch.status, batch.done, batch.total, batch.created_by) == (PrintStatus.READY, 3, 3, sofie)
        assert batch.case_ids == [cases[1].pk, cases[2].pk, cases[0].pk]  # 2000, 3500, 3600: sorted for the post
        assert batch.finished_at and batch.file.name.startswith("fines/print/")
        pdf = pdf_of(batch)
        assert len(pdf.pages) == 3 * pages_of_one_letter(cases[0])
        text = " ".join(page.extract_text() for page in pdf.pages)
        positions = [text.index(numbers.display(Case.objects.get(pk=pk).notice_number)) for pk in batch.case_ids]
        assert positions == sorted(positions)
        assert pdf.trailer["/Root"]["/Lang"] == "nl" and "/StructTreeRoot" in pdf.trailer["/Root"]

    def test_a_case_issued_with_its_letter_is_printed_from_that_letter(self, issue, sofie, batch_of,
                                                                         django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            case = issue("RETRIBUTION")
        notice = printing.notice_document(case)
        assert notice.pk is not None and notice.is_available

        _response, batch = batch_of(sofie, [case])
        batch.refresh_from_db()
        assert batch.status == PrintStatus.READY and len(pdf_of(batch).pages) == pages_of_one_letter(case)

    def test_a_batch_is_made_once(self, sofie, cases, batch_of):
        _response, batch = batch_of(sofie, cases)
        batch.refresh_from_db()
        file_name = batch.file.name

        assert printing.make(batch.pk) is False  # a duplicate task finds nothing to claim
        batch.refresh_from_db()
        assert (batch.status, batch.done, batch.file.name) == (PrintStatus.READY, 3, file_name)

    def test_a_failure_is_reported_on_the_batch(self, sofie, cases, batch_of):
        CityProfile.objects.all().delete()  # the letters' payment block needs the city's account

        _response, batch = batch_of(sofie, cases)

        batch.refresh_from_db()
        assert batch.status == PrintStatus.FAILED and "MissingReferenceData" in batch.error and not batch.file

    def test_too_many_cases_are_refused_with_a_message(self, sofie, cases, monkeypatch):
        monkeypatch.setattr(printing, "MAX_CASES", 2)
        request = action_request(sofie)
        assert print_notices(admin.site._registry[Case], request, Case.objects.all()) is None
        assert not PrintBatch.objects.exists()
        assert [str(message) for message in request._messages] == [
            "Choose at most 2 cases for one print batch; you chose 3."]

    def test_a_user_who_may_not_view_cases_cannot_print(self, cases, erik):
        clerk_without_rights = StaffFactory(email="nobody@stad.example")
        with pytest.raises(PermissionDenied):
            print_notices(admin.site._registry[Case], action_request(clerk_without_rights), Case.objects.all())
        assert not PrintBatch.objects.exists()

    def test_batches_left_queued_are_sent_again_and_stopped_ones_fail(self, sofie, cases):
        now = timezone.now()
        lost = PrintBatch.objects.create(created_by=sofie, case_ids=[cases[0].pk], total=1)
        fresh = PrintBatch.objects.create(created_by=sofie, case_ids=[cases[0].pk], total=1)
        stopped = PrintBatch.objects.create(created_by=sofie, case_ids=[cases[0].pk], total=1,
                                            status=PrintStatus.RENDERING, done=0)
        PrintBatch.objects.filter(pk__in=[lost.pk, stopped.pk]).update(created=now - datetime.timedelta(hours=3))

        assert tasks.pick_up_print_batches.delay().get() == 1

        for batch in (lost, fresh, stopped):
            batch.refresh_from_db()
        assert lost.status == PrintStatus.READY and lost.done == 1
        assert fresh.status == PrintStatus.QUEUED  # its own task is still on its way
        assert stopped.status == PrintStatus.FAILED and "stopped" in stopped.error


@pytest.mark.django_db
class TestTheProgressPage:
    def test_it_shows_done_of_total_and_refreshes_itself_while_the_pdf_is_made(self, client, sofie, cases, batch_of):
        _response, batch = batch_of(sofie, cases, execute=False)
        PrintBatch.objects.filter(pk=batch.pk).update(status=PrintStatus.RENDERING, done=1)
        client.force_login(sofie)
        url = en("admin:fines_printbatch_progress", batch.pk)

        page = client.get(url).content.decode()
        assert "1 of 3 notices made." in page
        assert f'hx-get="{url}"' in page and 'hx-trigger="every 1s"' in page
        assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page  # without JavaScript
        assert "vendor/htmx/htmx.min.js" in page and "<script>" not in page  # no inline script
        assert "Download the PDF" not in page

        part = client.get(url, headers={"HX-Request": "true"}).content.decode()
        assert "1 of 3 notices made." in part and "<html" not in part and 'hx-trigger="every 1s"' in part

    def test_when_ready_it_stops_refreshing_and_offers_the_download(self, client, sofie, cases, batch_of):
        _response, batch = batch_of(sofie, cases)
        client.force_login(sofie)

        page = client.get(en("admin:fines_printbatch_progress", batch.pk)).content.decode()
        assert "The PDF with 3 notices is ready." in page and "hx-trigger" not in page and "refresh" not in page
        assert en("admin:fines_printbatch_download", batch.pk) in page

        response = client.get(en("admin:fines_printbatch_download", batch.pk))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert b"".join(response.streaming_content).startswith(b"%PDF")

    def test_the_download_waits_until_the_pdf_is_ready(self, client, sofie, cases, batch_of):
        _response, batch = batch_of(sofie, cases, execute=False)
        client.force_login(sofie)
        assert client.get(en("admin:fines_printbatch_download", batch.pk)).status_code == 404

    def test_the_changelist_lists_batches_with_their_progress(self, client, sofie, cases,
                                                             django_assert_max_num_queries):
        for _ in range(5):
            PrintBatch.objects.create(created_by=sofie, case_ids=[cases[0].pk], total=1)
        client.force_login(sofie)
        with django_assert_max_num_queries(12):
            page = client.get(en("admin:fines_printbatch_changelist")).content.decode()
        assert page.count("0 of 1") == 5

    def test_staff_without_the_right_to_view_cases_are_refused(self, client, sofie, cases, batch_of):
        _response, batch = batch_of(sofie, cases)
        client.force_login(StaffFactory(email="nobody@stad.example"))
        for name in ("admin:fines_printbatch_progress", "admin:fines_printbatch_download"):
            assert client.get(en(name, batch.pk)).status_code == 403
        assert client.get(en("admin:fines_printbatch_changelist")).status_code == 403

    def test_citizens_never_reach_it(self, client, alice, sofie, cases, batch_of):
        _response, batch = batch_of(sofie, cases)
        client.force_login(alice)
        response = client.get(en("admin:fines_printbatch_download", batch.pk))
        assert response.status_code == 302 and "/admin/login/" in response["Location"]

    def test_an_unknown_batch_is_not_found_and_only_get_is_answered(self, client, sofie, cases, batch_of):
        _response, batch = batch_of(sofie, cases)
        client.force_login(sofie)
        assert client.get(en("admin:fines_printbatch_progress", batch.pk + 100)).status_code == 404
        assert client.post(en("admin:fines_printbatch_progress", batch.pk + 100)).status_code == 404
        assert client.post(en("admin:fines_printbatch_progress", batch.pk)).status_code == 405


def wait_for(condition, timeout=60.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_a_real_worker_makes_the_batch_once(celery_worker, case_in, sofie, fines_city, media, monkeypatch):
    claims = []
    real_claim = printing.claim

    def counting_claim(batch_id):
        claims.append(real_claim(batch_id))
        return claims[-1]

    monkeypatch.setattr(printing, "claim", counting_claim)
    cases = [case_in(CaseKind.RETRIBUTION, CaseStatus.ISSUED, holder_postal_code=code) for code in POSTAL_CODES]

    batch = printing.start_batch(sofie, Case.objects.all())  # queued when it commits
    tasks.print_notices.delay(batch.pk)  # a duplicate, as after a redelivery or the beat's pick-up

    assert wait_for(lambda: len(claims) == 2), f"the worker handled {len(claims)} of 2 tasks"
    assert wait_for(lambda: PrintBatch.objects.get(pk=batch.pk).status == PrintStatus.READY)
    assert claims.count(True) == 1
    batch.refresh_from_db()
    assert batch.done == batch.total == 3
    assert len(pdf_of(batch).pages) == 3 * pages_of_one_letter(cases[0])
    assert len(list((media / "fines" / "print").rglob("*.pdf"))) == 1
