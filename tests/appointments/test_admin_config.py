"""The city admin configures locations (counters, weekly hours, exceptions) and topics (questions) with clear messages
for hours that cannot be; the appointment's own admin page is read-mostly, searchable and filterable."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from appointments import booking
from appointments.models import Appointment, AppointmentStatus, Counter, Location, OpeningHours, SpecialDay, Topic
from tests.i18n import en

from .test_agenda import at, book, next_monday

pytestmark = pytest.mark.django_db
S = AppointmentStatus


def inline_rows(data: dict, prefix: str, rows: list[dict]) -> None:
    data.update({f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": "0",
                 f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})


def location_form(hours=(), special=(), counters=({"name": "Loket A", "active": "on"},)) -> dict:
    data = {"name_nl": "Dienstencentrum", "name_en": "Service centre", "address": "Markt 1", "directions_nl": "",
            "directions_en": "", "active": "on", "book_ahead_days": "30", "min_notice_minutes": "120",
            "change_until_minutes": "1440"}
    inline_rows(data, "counters", list(counters))
    inline_rows(data, "hours", list(hours))
    inline_rows(data, "special_days", list(special))
    return data


def hours(weekday, opens, closes, valid_from="2026-01-01", valid_to=""):
    return {"weekday": str(weekday), "opens": opens, "closes": closes, "valid_from": valid_from, "valid_to": valid_to}


def add_location(client, **parts):
    return client.post(en("admin:appointments_location_add"), location_form(**parts))


def formset_errors(response) -> str:
    return " ".join(str(inline.formset.non_form_errors()) + str(inline.formset.errors)
                    for inline in response.context["inline_admin_formsets"])


# Locations ------------------------------------------------------------------------------------------------------------

def test_the_city_admin_adds_a_location_with_counters_hours_and_exceptions(client, ida):
    client.force_login(ida)

    response = add_location(client, hours=[hours(0, "09:00", "12:30"), hours(0, "13:30", "16:00"),
                                           hours(3, "13:30", "19:00")],
                            special=[{"date": "2026-12-24", "kind": "closed", "opens": "", "closes": "",
                                      "reason": "Kerstsluiting"},
                                     {"date": "2026-12-19", "kind": "extra", "opens": "09:00", "closes": "12:00",
                                      "reason": "Extra Saturday"}])

    assert response.status_code == 302, formset_errors(response)
    location = Location.objects.get()
    assert [str(row) for row in location.hours.all()] == ["Monday 09:00-12:30", "Monday 13:30-16:00",
                                                          "Thursday 13:30-19:00"]
    assert [row.kind for row in location.special_days.all()] == ["extra", "closed"]
    assert list(location.counters.values_list("name", flat=True)) == ["Loket A"]


def test_overlapping_hours_on_one_weekday_are_refused(client, ida):
    client.force_login(ida)

    response = add_location(client, hours=[hours(0, "09:00", "12:30"), hours(0, "12:00", "16:00")])

    assert response.status_code == 200
    assert "The opening hours on Monday overlap: 09:00-12:30 and 12:00-16:00." in formset_errors(response)
    assert not Location.objects.exists()


def test_hours_that_follow_each_other_in_time_do_not_overlap(client, ida):
    client.force_login(ida)

    response = add_location(client, hours=[hours(0, "09:00", "12:00", valid_to="2026-06-30"),
                                           hours(0, "09:00", "17:00", valid_from="2026-07-01"),
                                           hours(1, "09:00", "12:00"), hours(1, "12:00", "16:00")])

    assert response.status_code == 302, formset_errors(response)
    assert OpeningHours.objects.count() == 4


def test_hours_overlapping_in_time_are_refused_also_across_validity_periods(client, ida):
    client.force_login(ida)

    response = add_location(client, hours=[hours(2, "09:00", "12:00", valid_to="2026-07-31"),
                                           hours(2, "11:00", "17:00", valid_from="2026-07-01")])

    assert "The opening hours on Wednesday overlap" in formset_errors(response)


def test_a_closing_time_before_the_opening_time_gets_a_plain_message(client, ida):
    client.force_login(ida)

    response = add_location(client, hours=[hours(0, "12:00", "09:00")])

    page = response.content.decode()
    assert "The closing time must be after the opening time." in page
    assert "Constraint" not in page
    assert not Location.objects.exists()


def test_extra_hours_need_times_and_a_closed_day_has_none(client, ida):
    client.force_login(ida)

    response = add_location(client, special=[
        {"date": "2026-12-19", "kind": "extra", "opens": "", "closes": "", "reason": ""},
        {"date": "2026-12-24", "kind": "closed", "opens": "09:00", "closes": "", "reason": ""}])

    page = response.content.decode()
    assert "Extra hours need an opening time." in page and "Extra hours need a closing time." in page
    assert "A closed day has no hours" in page
    assert "Constraint" not in page
    assert not SpecialDay.objects.exists()


def test_overlapping_extra_hours_on_one_date_are_refused(client, ida):
    client.force_login(ida)

    response = add_location(client, special=[
        {"date": "2026-12-19", "kind": "extra", "opens": "09:00", "closes": "12:00", "reason": ""},
        {"date": "2026-12-19", "kind": "extra", "opens": "11:00", "closes": "13:00", "reason": ""}])

    assert "The extra hours on 19/12/2026 overlap." in formset_errors(response)


def test_counter_staff_see_locations_but_do_not_configure_them(client, carla, location):
    client.force_login(carla)

    assert client.get(en("admin:appointments_location_changelist")).status_code == 200
    assert client.get(en("admin:appointments_location_add")).status_code == 403
    assert client.post(en("admin:appointments_location_change", location.pk), location_form()).status_code == 403
    assert Location.objects.get().name_nl == "Stadhuis"


def test_the_location_list_links_each_agenda_for_counter_staff(client, carla, ida, location):
    agenda = en("admin:appointments_agenda", location.pk)
    client.force_login(carla)
    assert agenda in client.get(en("admin:appointments_location_changelist")).content.decode()
    client.force_login(ida)
    assert agenda not in client.get(en("admin:appointments_location_changelist")).content.decode()


# Topics ---------------------------------------------------------------------------------------------------------------

def test_the_city_admin_adds_a_topic_with_its_questions(client, ida, location):
    client.force_login(ida)
    data = {"name_nl": "Boete", "name_en": "Fine", "description_nl": "", "description_en": "",
            "locations": [str(location.pk)], "duration_minutes": "15", "capacity": "2", "links_to": "case",
            "order": "3", "active": "on"}
    inline_rows(data, "questions", [{"kind": "notice", "label_nl": "Nummer van de kennisgeving",
                                     "label_en": "Notice number", "required": "on", "order": "1"}])

    response = client.post(en("admin:appointments_topic_add"), data)

    assert response.status_code == 302
    topic = Topic.objects.get()
    assert (topic.duration_minutes, topic.capacity, topic.links_to, list(topic.locations.all())) == (
        15, 2, "case", [location])
    assert [(q.kind, q.required) for q in topic.questions.all()] == [("notice", True)]


def test_a_topic_of_four_minutes_or_fifty_one_citizens_is_refused(client, ida, location):
    client.force_login(ida)
    data = {"name_nl": "Te kort", "locations": [str(location.pk)], "duration_minutes": "4", "capacity": "51",
            "links_to": "", "order": "0", "active": "on"}
    inline_rows(data, "questions", [])

    response = client.post(en("admin:appointments_topic_add"), data)

    assert set(response.context["adminform"].form.errors) == {"duration_minutes", "capacity"}
    assert not Topic.objects.exists()


# Appointments ---------------------------------------------------------------------------------------------------------

def change_data(response) -> dict:
    """What the change form posts back as it is: its editable fields and the management data of its inlines."""
    form = response.context["adminform"].form
    data = {name: ("" if value is None else value) for name, value in form.initial.items() if name in form.fields}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update({f"{formset.prefix}-{key}": value for key, value in formset.management_form.initial.items()})
        for row in formset.forms:
            data[f"{row.prefix}-id"] = row.instance.pk
            data[f"{row.prefix}-appointment"] = row.instance.appointment_id
    return data


def test_the_appointment_page_shows_the_history_and_keeps_the_status_read_only(client, carla, location, topic):
    appointment = book(location, topic, at(next_monday(), 9), "Jan Claes", phone="+32470111222")
    booking.reschedule(appointment, at(next_monday(), 9, 40), staff=True, actor=carla)
    client.force_login(carla)
    page = client.get(en("admin:appointments_appointment_change", appointment.pk))
    assert "Verplaatst van" in page.content.decode()  # the note is written in the language active when it was made (nl)
    other = Counter.objects.exclude(pk=appointment.counter_id).get(location=location)
    data = change_data(page)

    response = client.post(en("admin:appointments_appointment_change", appointment.pk),
                           {**data, "status": S.CANCELLED, "phone": "+32470999888", "counter": other.pk,
                            "starts_at": "2030-01-01 09:00"})

    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.phone, appointment.counter) == (S.BOOKED, "+32470999888", other)
    assert appointment.starts_at == at(next_monday(), 9, 40)


def test_an_appointment_gets_a_counter_of_its_own_location_only(client, carla, location, topic):
    appointment = book(location, topic, at(next_monday(), 9), "Jan Claes")
    elsewhere = Location.objects.create(name_nl="Elders", address="Markt 1")
    foreign = Counter.objects.create(location=elsewhere, name="Loket X")
    client.force_login(carla)
    data = change_data(client.get(en("admin:appointments_appointment_change", appointment.pk)))

    response = client.post(en("admin:appointments_appointment_change", appointment.pk), {**data, "counter": foreign.pk})

    assert "counter" in response.context["adminform"].form.errors
    assert Appointment.objects.get().counter != foreign


def test_appointments_are_neither_added_nor_deleted_in_the_admin(client, ida, location, topic):
    appointment = book(location, topic, at(next_monday(), 9), "Jan Claes")
    client.force_login(ida)

    assert client.get(en("admin:appointments_appointment_add")).status_code == 403
    assert client.post(en("admin:appointments_appointment_delete", appointment.pk), {"post": "yes"}).status_code == 403
    assert Appointment.objects.exists()


@pytest.fixture
def three(location, topic):
    monday = next_monday()
    return {
        "jan": book(location, topic, at(monday, 9), "Jan Claes", email="jan@example.org"),
        "els": book(location, topic, at(monday + datetime.timedelta(days=1), 9), "Els Maes", email="els@example.org"),
        "piet": book(location, topic, at(monday + datetime.timedelta(days=2), 9), "Piet Smet", email="p.smet@mail.be"),
    }


def listed(client, **params) -> set[int]:
    response = client.get(en("admin:appointments_appointment_changelist"), params)
    assert response.status_code == 200
    return {appointment.pk for appointment in response.context["cl"].result_list}


def test_search_by_reference_name_and_email(client, carla, three):
    client.force_login(carla)

    assert listed(client, q=three["jan"].reference) == {three["jan"].pk}
    assert listed(client, q=three["jan"].reference.lower()) == {three["jan"].pk}
    assert listed(client, q="maes") == {three["els"].pk}
    assert listed(client, q="p.smet@mail.be") == {three["piet"].pk}


def test_filters_by_location_topic_status_and_day(client, carla, location, topic, three):
    booking.cancel(three["els"], by_city=True, reason="Closed")
    other = Topic.objects.create(name_nl="Andere", duration_minutes=15)
    other.locations.add(location)
    today = book(location, other, at(next_monday(), 9), "Other Topic")
    client.force_login(carla)

    assert listed(client, status__exact=S.CANCELLED) == {three["els"].pk}
    assert listed(client, topic__id__exact=other.pk) == {today.pk}
    assert listed(client, location__id__exact=location.pk) == {a.pk for a in three.values()} | {today.pk}
    assert listed(client, day="past") == set()
    assert listed(client, day="week") == {a.pk for a in three.values()} | {today.pk}
    assert listed(client, day="today") == set()
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert listed(client, day="tomorrow") == ({three["jan"].pk, today.pk} if tomorrow == next_monday() else set())


def test_the_list_runs_the_same_number_of_queries_for_1_and_20_appointments(client, carla, location, topic):
    day = next_monday(weeks=2)
    topic.capacity = 20
    topic.save()
    book(location, topic, at(day, 9), "Guest 0")
    client.force_login(carla)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(en("admin:appointments_appointment_changelist"))
        assert response.status_code == 200
        return len(queries), len(response.context["cl"].result_list)

    count()
    one, _shown = count()
    for number in range(1, 20):
        book(location, topic, at(day, 9), f"Guest {number}")

    assert count() == (one, 20)
