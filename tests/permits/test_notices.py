"""The holder hears about every step once, in plain words with a link to the permit, and an active permit gets its
PDF confirmation."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.formats import date_format

from eloket.documents.models import Document, DocumentKind
from eloket.documents.render import build_html
from eloket.notifications.models import OutboundMessage
from permits import notices, rules
from permits.models import Permit, PermitKind, PermitPlate, PermitStatus

from .helpers import apply

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

S = PermitStatus


@pytest.fixture
def holder(alice):
    alice.preferred_language = "en"
    alice.phone = ""
    alice.save()
    return alice


def messages(permit, channel="email"):
    return OutboundMessage.objects.filter(content_type=ContentType.objects.get_for_model(Permit), object_id=permit.pk,
                                          channel=channel).order_by("pk")


def templates(permit):
    return [message.template.removeprefix("permits/") for message in messages(permit)]


def detail_url(permit):
    return settings.SITE_URL + reverse("permits:detail", args=[permit.pk])


def make(holder, status, kind=PermitKind.RESIDENT, price="0.00", **fields):
    permit = Permit.objects.create(kind=kind, status=status, holder=holder, price=Decimal(price), **fields)
    PermitPlate.objects.create(permit=permit, plate="1ABC123")
    return permit


def test_a_free_application_is_acknowledged_with_a_link(permit_city, holder):
    permit = apply(holder, "1ABC001")
    message = messages(permit).get()
    assert message.template == "permits/received" and message.user == holder
    assert "resident card" in message.subject
    assert "It is free." in message.body_text and detail_url(permit) in message.body_text
    assert detail_url(permit) in message.body_html


def test_a_paid_application_says_what_to_pay(permit_city, holder, english):
    apply(holder, "1ABC001")
    apply(holder, "1ABC002")
    body = messages(apply(holder, "1ABC003")).get().body_text
    assert "€ 100.00" in body and "Please pay it in My counter" in body
    assert "card 3" in body  # the explanation of the price


def test_each_step_sends_one_message(permit_city, holder, carla):
    apply(holder, "1ABC001")
    apply(holder, "1ABC002")
    permit = apply(holder, "1ABC003")
    rules.mark_paid(permit)
    rules.request_more_info(permit, "Is it your own car?", actor=carla)
    rules.answer_more_info(permit, "Yes.", actor=holder)  # the holder did it: nothing to tell them
    rules.approve(permit, actor=carla)
    rules.revoke(permit, "You moved out of the zone.", actor=carla)
    assert templates(permit) == ["received", "paid", "more_info", "approved", "revoked"]
    more_info, revoked = messages(permit)[2], messages(permit)[4]
    assert "Is it your own car?" in more_info.body_text and detail_url(permit) in more_info.body_text
    assert "You moved out of the zone." in revoked.body_text
    assert "staff now check" in messages(permit)[1].body_text


def test_rejection_and_cancellation_and_expiry_are_told(demo_city, holder, carla):
    rejected, cancelled, ended = make(holder, S.IN_REVIEW), make(holder, S.APPLIED), make(holder, S.ACTIVE)
    rules.reject(rejected, "The car is not registered in your name.", actor=carla)
    rules.cancel(cancelled, actor=holder)
    rules.expire(ended)
    assert templates(rejected) == ["rejected"] and templates(cancelled) == ["cancelled"] and templates(ended) == ["expired"]
    assert "The car is not registered in your name." in messages(rejected).get().body_text
    assert "refund" not in messages(cancelled).get().body_text.lower()


def test_approval_requests_the_pdf_confirmation_and_links_it(demo_city, holder):
    permit = make(holder, S.APPLIED)
    rules.approve(permit)
    document = Document.objects.for_case(permit).get()
    assert (document.kind, document.template, document.owner) == (
        DocumentKind.CONFIRMATION, notices.CONFIRMATION_TEMPLATE, holder)
    message = messages(permit).get()
    assert message.template == "permits/approved"
    download = settings.SITE_URL + reverse("documents:download", args=[document.token])
    assert download in message.body_text and download in message.body_html
    assert "you do not need to put anything behind the windscreen" in message.body_text


def test_the_confirmation_of_a_resident_card_names_zone_plate_and_validity(permit_city, holder, english):
    permit = apply(holder, "1ABC001")
    rules.approve(permit)
    html = build_html(Document.objects.for_case(permit).get())
    assert "1-ABC-001" in html and "R1" in html and permit.zone.name in html
    assert date_format(permit.valid_from, "DATE_FORMAT") in html and date_format(permit.valid_to, "DATE_FORMAT") in html
    assert "you do not need to put anything behind the windscreen" in html
    assert "Parking in your resident zone" in html
    assert "must still lie visibly" not in html


@pytest.mark.parametrize("free_in_paid_zones", [True, False])
def test_the_confirmation_of_a_disability_registration_follows_the_city(demo_city, holder, english, free_in_paid_zones):
    demo_city.disability_free_in_paid_zones = free_in_paid_zones
    demo_city.save()
    permit = make(holder, S.IN_REVIEW, kind=PermitKind.DISABILITY, card_expiry=datetime.date(2099, 12, 31))
    rules.approve(permit)
    html = build_html(Document.objects.for_case(permit).get())
    assert "The whole city" in html and "blue zones anywhere in the city without a time limit" in html
    assert ("Parking in paid zones anywhere in the city without paying." in html) is free_in_paid_zones
    assert ("In paid zones you pay the normal rate." in html) is not free_in_paid_zones
    assert "must still lie visibly behind the windscreen" in html


def test_the_confirmation_of_a_care_permit_excludes_disabled_places(demo_city, holder, english):
    permit = make(holder, S.APPLIED, kind=PermitKind.CARE_PROVIDER)
    rules.approve(permit)
    html = build_html(Document.objects.for_case(permit).get())
    assert "paid zones and blue zones" in html and "places reserved for people with a disability" in html


def test_a_question_also_goes_by_sms_when_the_holder_has_a_phone(demo_city, alice, carla):
    alice.phone = "+32470123456"
    alice.save()
    permit = make(alice, S.IN_REVIEW)
    rules.request_more_info(permit, "Which car?", actor=carla)
    sms = messages(permit, channel="sms").get()
    assert sms.recipient == "+32470123456" and detail_url(permit) in sms.body_text
    assert "1ABC123" not in sms.body_text and "1-ABC-123" not in sms.body_text
    assert messages(permit).count() == 1


def test_a_refused_step_sends_nothing(demo_city, holder):
    permit = make(holder, S.REJECTED)
    with pytest.raises(rules.TransitionNotAllowed):
        rules.approve(permit)
    assert not messages(permit).exists()
    assert not Document.objects.for_case(permit).exists()


def test_the_confirmation_of_a_revoked_permit_says_it_is_no_longer_valid(demo_city, holder, carla, english):
    permit = make(holder, S.APPLIED)
    rules.approve(permit)
    rules.revoke(permit, "You moved out of the zone.", actor=carla)
    html = build_html(Document.objects.for_case(permit).get())
    assert "This permit is no longer valid (status: revoked)." in html
