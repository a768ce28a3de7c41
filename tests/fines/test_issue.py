"""Issuing a case: checked, numbered, priced from the schedule, its terms as dates, its evidence kept, all or nothing."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from eloket.city.models import RetributionRate
from fines import issuing, numbers, rules
from fines.amounts import NotIssuable
from fines.models import Case, CaseEvent, CaseKind, CaseStatus, Evidence, EvidenceKind, NoticeCounter, Offence, Source
from tests.files import disguised_upload, jpeg_upload, pdf_upload

from .conftest import COMPANY, HOLDER, days_ago

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def stored_files(media):
    return sorted(path for path in media.rglob("*") if path.is_file())


class TestAGas4Case:
    def test_it_gets_a_number_the_amount_and_its_terms(self, issue, sofie):
        case = issue("PAVEMENT", actor=sofie)
        today = timezone.localdate()
        assert numbers.parse(numbers.display(case.notice_number)) == case.notice_number
        assert case.notice_number.startswith(str(today.year))
        assert (case.kind, case.status, case.amount, case.costs) == (CaseKind.GAS4, CaseStatus.ISSUED,
                                                                    Decimal("116.00"), Decimal("0.00"))
        assert case.plate == "1ABC123" and case.holder_name == "Jan Claes" and case.source == Source.STAFF
        assert case.issued_on == today
        assert case.due_date == case.objection_until == case.driver_until == today + datetime.timedelta(days=30)
        event = CaseEvent.objects.get(case=case)
        assert (event.from_status, event.to_status, event.actor, event.note) == ("", "issued", sofie, "Notice sent.")

    def test_consecutive_cases_get_consecutive_numbers(self, issue):
        first, second = issue("E1"), issue("LEVEL_CROSSING")
        assert int(second.notice_number[:10]) == int(first.notice_number[:10]) + 1
        assert second.amount == Decimal("330.00")

    def test_a_legal_person_never_counts_as_a_minor(self, issue):
        case = issue("E1", holder={**COMPANY, "birth_date": datetime.date(2015, 1, 1)})
        assert case.holder_is_company and case.holder_birth_date is None

    def test_speeds_are_not_kept_on_a_parking_case(self, issue):
        case = issue("E1", speed_limit=30, measured_speed=51, inside_built_up_area=True)
        assert (case.speed_limit, case.measured_speed, case.corrected_speed, case.inside_built_up_area) == (
            None, None, None, None)


class TestAGas5Case:
    def test_the_corrected_speed_decides_the_amount(self, issue):
        case = issue("GAS5", speed_limit=30, measured_speed=51, inside_built_up_area=True)
        assert (case.measured_speed, case.corrected_speed, case.amount) == (51, 45, Decimal("108.00"))
        outside = issue("GAS5", speed_limit=30, measured_speed=47, inside_built_up_area=False)
        assert (outside.corrected_speed, outside.amount) == (41, Decimal("59.00"))


class TestARetribution:
    def test_the_enforcement_check_issues_it(self, fines_city, media, erik):
        from eloket.city.models import Zone

        zone = Zone.objects.get(code="C1")
        case = issuing.issue_retribution(plate="2-xyz-789", country="BE", zone=zone, observed_at=timezone.now(),
                                       place="Stadsplein 4", holder=HOLDER, actor=erik, observed_by="Scan car 1",
                                       evidence=[(EvidenceKind.PHOTO, jpeg_upload(), timezone.now())])
        assert (case.kind, case.source, case.zone, case.amount) == (CaseKind.RETRIBUTION, Source.ENFORCEMENT, zone,
                                                                    Decimal("20.00"))
        assert case.driver_until is None and case.due_date == timezone.localdate() + datetime.timedelta(days=30)
        assert case.evidence.count() == 1

    def test_no_more_than_the_maximum_per_day_for_one_plate(self, issue):
        morning = timezone.now().replace(hour=8) - datetime.timedelta(days=1)
        issue("RETRIBUTION", observed_at=morning)
        with pytest.raises(NotIssuable) as caught:
            issue("RETRIBUTION", observed_at=morning + datetime.timedelta(hours=4))
        assert "already has the maximum of 1 retribution(s)" in caught.value.message
        issue("RETRIBUTION", observed_at=morning + datetime.timedelta(days=-1))  # another day
        issue("RETRIBUTION", plate="9ZZZ999", observed_at=morning)  # another plate
        assert Case.objects.filter(kind=CaseKind.RETRIBUTION).count() == 3

    def test_a_cancelled_retribution_does_not_count(self, issue):
        first = issue("RETRIBUTION")
        rules.cancel(first, "The plate was misread.")
        assert issue("RETRIBUTION").status == CaseStatus.ISSUED

    def test_the_city_may_allow_more_per_day(self, issue):
        RetributionRate.objects.update(max_per_day=2)
        issue("RETRIBUTION")
        issue("RETRIBUTION")
        with pytest.raises(NotIssuable):
            issue("RETRIBUTION")

    def test_without_the_catalogue_row_it_says_so(self, fines_city, media):
        Offence.objects.filter(code="RETRIBUTION").delete()
        with pytest.raises(NotIssuable) as caught:
            issuing.issue_retribution(plate="1ABC123", country="BE", zone=None, observed_at=timezone.now(),
                                    place="Markt", holder=HOLDER)
        assert "not in the offence catalogue" in caught.value.message


class TestNotIssuable:
    @pytest.mark.parametrize(("code", "facts", "reason"), [
        ("PAVEMENT", {"holder": {**HOLDER, "birth_date": days_ago(17 * 365)}},
         "A minor cannot receive a GAS fine; the report goes to the public prosecutor."),
        ("GAS5", {"measured_speed": 57}, "GAS 5 covers at most 20 km/h over"),
        ("GAS5", {"other_offence": True}, "Another offence was committed at the same time"),
        ("GAS5", {"speed_limit": 70, "measured_speed": 85}, "speed limits of 30 or 50 km/h"),
        ("GAS5", {"measured_speed": None}, "needs the speed limit and the measured speed"),
        ("GAS5", {"inside_built_up_area": None}, "inside or outside a built-up area"),
        ("PAVEMENT", {"report_received_on": days_ago(184)}, "a GAS fine must be sent within 183 days"),
        ("PAVEMENT", {"plate": "--"}, "Enter a number plate."),
        ("PAVEMENT", {"holder": {**HOLDER, "name": " "}}, "The holder's name is missing."),
        ("PAVEMENT", {"holder": {**HOLDER, "postal_code": ""}}, "The holder's address is incomplete"),
        ("PAVEMENT", {"place": ""}, "Say where the offence was observed."),
        ("PAVEMENT", {"observed_at": timezone.now() + datetime.timedelta(hours=1)}, "in the future"),
    ])
    def test_it_says_why(self, issue, code, facts, reason):
        with pytest.raises(NotIssuable) as caught:
            issue(code, **facts)
        assert reason in caught.value.message
        assert not Case.objects.exists() and not NoticeCounter.objects.exists()

    def test_on_the_last_day_of_the_send_limit_it_still_goes(self, issue):
        assert issue("PAVEMENT", report_received_on=days_ago(183)).report_received_on == days_ago(183)

    def test_speeding_not_recorded_by_a_camera(self, issue):
        Offence.objects.create(code="GAS5_AGENT", kind=CaseKind.GAS5, camera=False, description_nl="Snelheid (agent)")
        with pytest.raises(NotIssuable) as caught:
            issue("GAS5_AGENT", speed_limit=30, measured_speed=51, inside_built_up_area=True)
        assert "recorded by an automatic camera" in caught.value.message

    def test_an_unknown_or_retired_offence(self, issue):
        with pytest.raises(NotIssuable) as caught:
            issue("PAVEMENT", offence="NO_SUCH_CODE")
        assert caught.value.message == "This offence is not in the catalogue."
        Offence.objects.filter(code="E1").update(is_active=False)
        with pytest.raises(NotIssuable) as caught:
            issue("E1")
        assert caught.value.message == "The offence E1 is no longer in use."

    def test_an_offence_can_be_given_by_its_code(self, issue):
        assert issue("PAVEMENT", offence="E1").amount == Decimal("58.00")


class TestEvidence:
    def test_files_are_checked_and_kept_under_random_names(self, issue, media):
        taken = timezone.now() - datetime.timedelta(days=2)
        case = issue("C3", evidence=[(EvidenceKind.PHOTO, jpeg_upload("1ABC123.jpg"), taken),
                                     (EvidenceKind.REPORT, pdf_upload("report.pdf"), None)])
        photo, report = case.evidence.order_by("pk")
        assert (photo.kind, photo.content_type, photo.extension, photo.taken_at) == ("photo", "image/jpeg", "jpg", taken)
        assert (report.content_type, report.extension, report.taken_at) == ("application/pdf", "pdf", None)
        assert all("1ABC123" not in item.file.name and item.file.name.startswith("fines/evidence/")
                   for item in (photo, report))
        assert len(stored_files(media)) == 2

    def test_a_refused_file_leaves_no_case_and_no_files(self, issue, media):
        with pytest.raises(NotIssuable) as caught:
            issue("C3", evidence=[(EvidenceKind.PHOTO, jpeg_upload(), None), (EvidenceKind.PHOTO, disguised_upload(), None)])
        assert caught.value.message.startswith("Evidence 2: This file is not a PDF, JPEG or PNG file.")
        assert not Case.objects.exists() and not Evidence.objects.exists()
        assert stored_files(media) == []


@pytest.mark.django_db(transaction=True)
def test_two_checks_of_one_car_at_the_same_moment_give_one_retribution(fines_city, media):
    barrier = threading.Barrier(2)
    outcomes = []

    def check():
        try:
            barrier.wait(timeout=10)
            issuing.issue_retribution(plate="1ABC123", country="BE", zone=None, observed_at=timezone.now(),
                                    place="Stadsplein 4", holder=HOLDER)
            outcomes.append("issued")
        except NotIssuable:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=check) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["issued", "refused"]
    assert Case.objects.filter(plate="1ABC123").count() == 1
