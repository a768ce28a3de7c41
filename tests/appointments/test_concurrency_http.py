"""Two citizens confirm the last place at the same moment, through the pages: one is booked, the other is told the
time was just taken and gets the picker again. The database constraint and the conditional UPDATE decide."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import translation

from appointments.models import Appointment, Slot

from .helpers import GUEST, choose, free_times, go_to_slot


@pytest.mark.django_db(transaction=True)
def test_two_clients_posting_the_last_place_at_once(location, topic, alice):
    moment = free_times(location, topic)[0].starts_at
    clients = []
    with translation.override("en"):
        for user in (alice, None):
            client = Client()
            if user is not None:
                client.force_login(user)
            go_to_slot(client, topic)
            choose(client, moment)
            contact = {"name": "Alice Peeters", "phone": "", "remind_by_sms": ""} if user else GUEST
            client.post(reverse("appointments:contact"), contact)
            clients.append(client)
        url = reverse("appointments:confirm")
    barrier = threading.Barrier(len(clients))
    responses = []

    def post(client):
        try:
            barrier.wait(timeout=10)
            responses.append(client.post(url, {"book": "1"}))
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert sorted(response.status_code for response in responses) == [302, 409]
    [refused] = [response for response in responses if response.status_code == 409]
    page = refused.content.decode()
    assert "Sorry, this time has just been taken. Choose another time." in page and 'name="starts_at"' in page
    assert Appointment.objects.count() == 1
    slot = Slot.objects.get()
    assert (slot.booked, slot.capacity) == (1, 1)
