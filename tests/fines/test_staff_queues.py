"""The official's work in the admin: the objection queues, the objection page with what eloket found, the decision,
hearing and minutes pages, the manual steps on a case; who may decide, and fixed query counts on every page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from eloket.documents.models import Document, DocumentKind
from fines import numbers
from fines.models import (
    Case,
    CaseKind,
    CaseStatus,
    Hearing,
    Objection,
    ObjectionAttachment,
    ObjectionGround,
    ObjectionStatus,
)
from tests.files import pdf_upload
from tests.i18n import en

from .test_admin import private_cache  # noqa: F401  fixture
from .test_decisions import object_to

pytestmark = pytest.mark.django_db
S = CaseStatus
OBJECTIONS = "admin:fines_objection_changelist"
HEARINGS = "admin:fines_hearing_changelist"
# The most any staff page or button of fines may run (the objection page is the largest, with its inlines).
MAX_QUERIES = 30
RIGHT = {"kind": "session", "label": "Parking session via app, zone C1", "until": "2026-03-01 14:30"}


def pending(case_in, kind=CaseKind.GAS4, *, hearing=False, **fields) -> Objection:
    """An objection waiting for a decision on a disputed case written directly (no letters): for lists and queues."""
    case = case_in(kind, S.DISPUTED, disputed=True, **fields)
    return Objection.objects.create(case=case, explanation="Ik had een ticket.", hearing_requested=hearing,
                                    contact_name="Jan Claes", contact_email="jan@example.org")


def plan(objection, user, *, held=False) -> Hearing:
    Case.objects.filter(pk=objection.case_id).update(status=S.HEARING)
    return Hearing.objects.create(case=objection.case, objection=objection, place="Stadhuis", planned_by=user,
                                  starts_at=timezone.now() + datetime.timedelta(days=-1 if held else 7),
                                  held_at=timezone.now() if held else None, minutes="Gehoord." if held else "")


def listed(client, viewname=OBJECTIONS, **params) -> set[int]:
    response = client.get(en(viewname), params)
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def attach(objection) -> ObjectionAttachment:
    upload = pdf_upload("mijn-ticket-jan-claes.pdf")
    return ObjectionAttachment.objects.create(objection=objection, file=upload, content_type="application/pdf",
                                              extension="pdf", size=upload.size, name="mijn-ticket-jan-claes.pdf")


def future_form(days=10, place="Stadhuis, zaal 2") -> dict:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return {"day": day.isoformat(), "time": "10:30", "place": place}


# The queues ------------------------------------------------------------------------------------------------------------

def test_the_queues_list_the_right_objections(client, sofie, case_in):
    to_plan = pending(case_in, hearing=True)
    planned = pending(case_in, hearing=True)
    plan(planned, sofie)
    heard = pending(case_in, hearing=True)
    plan(heard, sofie, held=True)
    written = pending(case_in, CaseKind.RETRIBUTION)
    too_small = pending(case_in, hearing=True, amount="58.00")  # no hearing at € 58: decided on the writing
    paid_meanwhile = pending(case_in, CaseKind.RETRIBUTION)
    Case.objects.filter(pk=paid_meanwhile.case_id).update(status=S.PAID)
    decided = pending(case_in)
    Objection.objects.filter(pk=decided.pk).update(status=ObjectionStatus.ACCEPTED)
    driver_named = pending(case_in)  # the holder named the driver after objecting: nothing left to decide here
    Case.objects.filter(pk=driver_named.case_id).update(status=S.DRIVER_NAMED)
    client.force_login(sofie)

    assert listed(client, queue="new") == {to_plan.pk, written.pk, too_small.pk, paid_meanwhile.pk}
    assert listed(client, queue="hearings") == {to_plan.pk}
    assert listed(client, queue="decisions") == {heard.pk, written.pk, too_small.pk, paid_meanwhile.pk}
    assert len(listed(client)) == 8
    page = client.get(en(OBJECTIONS)).content.decode()
    assert "New objections (4)" in page and "Hearings to plan (1)" in page and "Decisions due (4)" in page


def test_the_list_shows_the_notice_number_kind_ground_and_the_rights_found(client, carla, case_in):
    objection = pending(case_in, CaseKind.RETRIBUTION)
    Objection.objects.filter(pk=objection.pk).update(ground=ObjectionGround.SESSION, rights_found=[RIGHT])
    client.force_login(carla)

    page = client.get(en(OBJECTIONS)).content.decode()

    assert numbers.display(objection.case.notice_number) in page
    assert "Parking retribution" in page and "I had a valid parking session or ticket" in page
    assert "<strong>Yes: 1</strong>" in page


def test_search_by_notice_number_and_plate(client, sofie, case_in):
    mine = pending(case_in)
    pending(case_in, plate="2XYZ789")
    client.force_login(sofie)

    assert listed(client, q=numbers.display(mine.case.notice_number)) == {mine.pk}
    assert len(listed(client, q="1-abc-123")) == 1


@pytest.mark.usefixtures("private_cache")
def test_the_changelists_run_the_same_number_of_queries_for_1_and_30_rows(client, sofie, case_in):
    client.force_login(sofie)

    def count(viewname, **params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(en(viewname), params)
        assert response.status_code == 200
        return len(queries), len(response.context["cl"].result_list)

    plan(pending(case_in, hearing=True), sofie)
    count(OBJECTIONS)  # warms the cached city profile
    one = {name: count(name) for name in (OBJECTIONS, HEARINGS)}
    one_queued = count(OBJECTIONS, queue="decisions")
    for _number in range(29):
        objection = pending(case_in, hearing=True)
        Objection.objects.filter(pk=objection.pk).update(rights_found=[RIGHT])
        plan(objection, sofie, held=True)

    assert count(OBJECTIONS) == (one[OBJECTIONS][0], 30)
    assert count(HEARINGS) == (one[HEARINGS][0], 30)
    assert count(OBJECTIONS, queue="decisions")[0] == one_queued[0]


# The objection page ------------------------------------------------------------------------------------------------------

def test_the_page_shows_what_eloket_found_the_explanation_contact_attachments_and_the_case(client, sofie, case_in, media):
    objection = pending(case_in, CaseKind.RETRIBUTION)
    Objection.objects.filter(pk=objection.pk).update(rights_found=[RIGHT], contact_phone="+32470123456")
    attachment = attach(objection)
    client.force_login(sofie)

    page = client.get(en("admin:fines_objection_change", objection.pk)).content.decode()

    assert 'id="rights-found"' in page and "Parking session via app, zone C1" in page
    assert page.index('id="rights-found"') < page.index("Ik had een ticket.")
    assert "jan@example.org" in page and "+32470123456" in page
    assert en("admin:fines_objection_attachment", objection.pk, attachment.pk) in page
    assert attachment.file.name not in page and "/media/" not in page
    assert en("admin:fines_case_change", objection.case_id) in page
    assert numbers.display(objection.case.notice_number) in page
    for viewname in ("admin:fines_objection_accept", "admin:fines_objection_reject"):
        assert en(viewname, objection.pk) in page
    assert en("admin:fines_objection_plan_hearing", objection.pk) not in page  # a retribution has no hearing


def test_a_gas_defence_asking_for_a_hearing_offers_planning_not_rejection(client, sofie, case_in):
    objection = pending(case_in, hearing=True)
    client.force_login(sofie)

    page = client.get(en("admin:fines_objection_change", objection.pk)).content.decode()

    assert en("admin:fines_objection_plan_hearing", objection.pk) in page
    assert en("admin:fines_objection_reject", objection.pk) not in page
    assert "plan it and record its minutes before rejecting" in page
    response = client.get(en("admin:fines_objection_reject", objection.pk))
    assert response.status_code == 302 and response["Location"] == en("admin:fines_objection_change", objection.pk)


def test_attachments_are_downloaded_through_the_admin_with_the_permission(client, carla, ida, sofie, case_in, media):
    objection = pending(case_in)
    other = pending(case_in)
    attachment = attach(objection)
    url = en("admin:fines_objection_attachment", objection.pk, attachment.pk)
    client.force_login(carla)

    response = client.get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="attachment-{attachment.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(en("admin:fines_objection_attachment", other.pk, attachment.pk)).status_code == 404
    client.force_login(ida)  # the city admin keeps reference data; objections are not hers
    assert client.get(url).status_code == 403


# Deciding through the admin ----------------------------------------------------------------------------------------------

def test_the_official_accepts_with_reasons(client, sofie, issue):
    case = issue("PAVEMENT")
    objection = object_to(case)
    client.force_login(sofie)
    url = en("admin:fines_objection_accept", objection.pk)

    assert "Accept the objection" in client.get(url).content.decode()
    assert client.post(url, {"reason": ""}).context["form"].errors["reason"]
    response = client.post(url, {"reason": "Het bord ontbrak."})

    assert response.status_code == 302 and response["Location"] == en("admin:fines_objection_change", objection.pk)
    objection.refresh_from_db()
    case.refresh_from_db()
    assert (objection.status, objection.decision_reason, case.status) == (
        ObjectionStatus.ACCEPTED, "Het bord ontbrak.", S.CANCELLED)
    assert Document.objects.for_case(case).filter(kind=DocumentKind.DECISION).exists()
    page = client.get(response["Location"]).content.decode()
    assert url not in page and en("admin:fines_objection_reject", objection.pk) not in page
    assert client.post(url, {"reason": "Nog eens."}).status_code == 302  # decided: back to the page, nothing changes
    assert case.events.filter(to_status=S.CANCELLED).count() == 1


def test_the_accept_page_says_what_goes_back(client, sofie, issue):
    from eloket.payments.models import PaymentMethod, PaymentStatus
    from tests.payments.online import make_payment

    case = issue("PAVEMENT")
    objection = object_to(case)
    case.on_payment_paid(make_payment(case, method=PaymentMethod.TRANSFER, status=PaymentStatus.PAID,
                                      paid_at=timezone.now()))
    client.force_login(sofie)

    page = client.get(en("admin:fines_objection_accept", objection.pk)).content.decode()

    assert "€ 116.00 must be transferred back by staff" in page


def test_the_official_rejects_with_reasons(client, sofie, issue):
    case = issue("PAVEMENT")
    objection = object_to(case)
    client.force_login(sofie)

    response = client.post(en("admin:fines_objection_reject", objection.pk), {"reason": "De foto is duidelijk."})

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == S.REJECTED and Objection.objects.get(pk=objection.pk).status == ObjectionStatus.REJECTED


def test_the_official_plans_the_hearing_and_records_the_minutes(client, sofie, issue):
    case = issue("PAVEMENT")
    objection = object_to(case, hearing=True)
    client.force_login(sofie)
    url = en("admin:fines_objection_plan_hearing", objection.pk)

    past = client.post(url, future_form(days=-1))
    assert past.status_code == 200 and past.context["form"].non_field_errors() == [
        "Choose a moment in the future for the oral hearing."]
    assert client.post(url, future_form()).status_code == 302

    hearing = Hearing.objects.get()
    assert (timezone.localtime(hearing.starts_at).strftime("%H:%M"), hearing.place) == ("10:30", "Stadhuis, zaal 2")
    case.refresh_from_db()
    assert case.status == S.HEARING
    minutes_url = en("admin:fines_hearing_minutes", hearing.pk)
    assert client.get(minutes_url).status_code == 302  # not held yet
    Hearing.objects.filter(pk=hearing.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
    assert minutes_url in client.get(en("admin:fines_objection_change", objection.pk)).content.decode()
    assert minutes_url in client.get(en("admin:fines_hearing_change", hearing.pk)).content.decode()

    response = client.post(minutes_url, {"minutes": "De houder toonde het ticket."})

    assert response.status_code == 302 and response["Location"] == en("admin:fines_objection_change", objection.pk)
    hearing.refresh_from_db()
    assert hearing.minutes == "De houder toonde het ticket." and hearing.held_at
    assert en("admin:fines_objection_reject", objection.pk) in client.get(response["Location"]).content.decode()


def test_the_hearings_are_listed_by_date(client, carla, sofie, case_in):
    later = plan(pending(case_in, hearing=True), sofie)
    earlier = plan(pending(case_in, hearing=True), sofie)
    Hearing.objects.filter(pk=earlier.pk).update(starts_at=later.starts_at - datetime.timedelta(days=1))
    client.force_login(carla)

    response = client.get(en(HEARINGS))

    assert [hearing.pk for hearing in response.context["cl"].result_list] == [earlier.pk, later.pk]
    assert listed(client, HEARINGS, when="upcoming") == {earlier.pk, later.pk}
    assert listed(client, HEARINGS, when="minutes") == set()


# Who may decide ----------------------------------------------------------------------------------------------------------

def test_counter_staff_see_objections_but_cannot_decide(client, carla, case_in):
    objection = pending(case_in, hearing=True)
    client.force_login(carla)

    page = client.get(en("admin:fines_objection_change", objection.pk)).content.decode()

    assert "Ik had een ticket." in page
    for viewname in ("admin:fines_objection_accept", "admin:fines_objection_reject", "admin:fines_objection_plan_hearing"):
        assert en(viewname, objection.pk) not in page
        assert client.get(en(viewname, objection.pk)).status_code == 403
    assert client.post(en("admin:fines_objection_accept", objection.pk), {"reason": "Ja."}).status_code == 403
    assert client.post(en("admin:fines_objection_plan_hearing", objection.pk), future_form()).status_code == 403
    hearing = plan(objection, carla, held=False)
    assert client.post(en("admin:fines_hearing_minutes", hearing.pk), {"minutes": "X"}).status_code == 403
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.PENDING


def test_a_citizen_cannot_reach_the_admin(client, alice, case_in):
    objection = pending(case_in)
    client.force_login(alice)

    for url in (en(OBJECTIONS), en("admin:fines_objection_change", objection.pk), en(HEARINGS)):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    response = client.post(en("admin:fines_objection_accept", objection.pk), {"reason": "Ja."})
    assert response.status_code == 302 and "/login/" in response["Location"]
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.PENDING


# The case page: objections, hearings and the manual steps ----------------------------------------------------------------

def test_the_case_page_shows_its_objections_and_hearings(client, sofie, case_in):
    objection = pending(case_in, hearing=True)
    plan(objection, sofie)
    client.force_login(sofie)

    page = client.get(en("admin:fines_case_change", objection.case_id)).content.decode()

    assert en("admin:fines_objection_change", objection.pk) in page
    assert "Stadhuis" in page


@pytest.mark.parametrize(("slug", "kind", "status", "fields", "after"), [
    ("remind", CaseKind.GAS4, S.ISSUED, {}, S.REMINDED),
    ("formal-notice", CaseKind.RETRIBUTION, S.REMINDED, {}, S.FORMAL_NOTICE),
    ("collection", CaseKind.GAS5, S.REMINDED, {}, S.COLLECTION),
    ("court", CaseKind.RETRIBUTION, S.FORMAL_NOTICE, {"disputed": True}, S.COURT),
])
def test_the_official_takes_a_manual_step_and_its_letter_is_requested(client, sofie, fines_city, media, case_in, slug,
                                                                      kind, status, fields, after):
    case = case_in(kind, status, **fields)
    client.force_login(sofie)
    url = en(f"admin:fines_case_{slug.replace('-', '_')}", case.pk)
    assert url in client.get(en("admin:fines_case_change", case.pk)).content.decode()
    assert client.get(url).status_code == 200

    response = client.post(url, {"note": "Gebeld, geen antwoord."})

    assert response.status_code == 302 and response["Location"] == en("admin:fines_case_change", case.pk)
    case.refresh_from_db()
    assert case.status == after
    assert Document.objects.for_case(case).exists()
    assert case.events.last().actor == sofie


def test_a_step_the_rules_refuse_is_neither_offered_nor_taken(client, sofie, fines_city, case_in):
    case = case_in(CaseKind.RETRIBUTION, S.FORMAL_NOTICE, disputed=True)
    client.force_login(sofie)
    url = en("admin:fines_case_collection", case.pk)

    assert url not in client.get(en("admin:fines_case_change", case.pk)).content.decode()
    response = client.post(url, {"note": ""}, follow=True)

    assert "cannot be collected by a dwangbevel" in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.FORMAL_NOTICE


def test_a_case_with_an_objection_being_handled_is_decided_not_cancelled(client, sofie, case_in, english):
    objection = pending(case_in)
    client.force_login(sofie)
    url = en("admin:fines_case_cancel", objection.case_id)

    assert url not in client.get(en("admin:fines_case_change", objection.case_id)).content.decode()
    response = client.post(url, {"reason": "Fout."}, follow=True)

    assert "decide on the objection instead" in response.content.decode()
    assert Case.objects.get(pk=objection.case_id).status == S.DISPUTED


def test_counter_staff_take_no_steps(client, carla, case_in):
    case = case_in(CaseKind.GAS4, S.ISSUED)
    client.force_login(carla)

    assert en("admin:fines_case_remind", case.pk) not in client.get(en("admin:fines_case_change", case.pk)).content.decode()
    assert client.post(en("admin:fines_case_remind", case.pk), {"note": ""}).status_code == 403
    case.refresh_from_db()
    assert case.status == S.ISSUED


# Fixed query counts on every button ---------------------------------------------------------------------------------------

@pytest.mark.usefixtures("private_cache", "media")
def test_every_button_runs_a_fixed_number_of_queries(client, sofie, fines_city, issue, case_in, django_assert_max_num_queries):
    client.force_login(sofie)

    def counted(method, url, data=None):
        with django_assert_max_num_queries(MAX_QUERIES) as queries:
            response = getattr(client, method)(url, data or {})
        assert response.status_code in (200, 302), url
        return len(queries)

    def run(extra_attachments: int):
        gas = issue("PAVEMENT", plate=f"1HRG{extra_attachments:03d}")
        hearing_objection = object_to(gas, hearing=True)
        retribution = object_to(issue("RETRIBUTION", plate=f"1RET{extra_attachments:03d}"))
        for objection in (hearing_objection, retribution):
            for _number in range(extra_attachments):
                attach(objection)
        Objection.objects.filter(pk=retribution.pk).update(rights_found=[RIGHT] * (extra_attachments + 1))
        counts = {
            "objection page": counted("get", en("admin:fines_objection_change", retribution.pk)),
            "accept page": counted("get", en("admin:fines_objection_accept", retribution.pk)),
            "reject page": counted("get", en("admin:fines_objection_reject", retribution.pk)),
            "plan page": counted("get", en("admin:fines_objection_plan_hearing", hearing_objection.pk)),
            "plan": counted("post", en("admin:fines_objection_plan_hearing", hearing_objection.pk), future_form()),
        }
        hearing = Hearing.objects.get(objection=hearing_objection)
        Hearing.objects.filter(pk=hearing.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=1))
        counts["minutes page"] = counted("get", en("admin:fines_hearing_minutes", hearing.pk))
        counts["minutes"] = counted("post", en("admin:fines_hearing_minutes", hearing.pk), {"minutes": "Gehoord."})
        counts["reject"] = counted("post", en("admin:fines_objection_reject", hearing_objection.pk), {"reason": "Nee."})
        counts["accept"] = counted("post", en("admin:fines_objection_accept", retribution.pk), {"reason": "Ja."})
        case = case_in(CaseKind.GAS4, S.ISSUED)
        counts["case page"] = counted("get", en("admin:fines_case_change", case.pk))
        counts["remind page"] = counted("get", en("admin:fines_case_remind", case.pk))
        counts["remind"] = counted("post", en("admin:fines_case_remind", case.pk), {"note": ""})
        counts["cancel"] = counted("post", en("admin:fines_case_cancel", case.pk), {"reason": "Fout."})
        return counts

    run(0)  # warms caches (city profile, content types)
    assert run(1) == run(4)  # as many attachments, rights or earlier cases as you like: the same queries
