import pytest
from django.urls import reverse

from eloket.documents.models import Document

from .test_download import stored_document

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["carla", "ida"])
def test_staff_see_the_documents_list(client, alice, persona, request):
    stored_document(alice, title="Payment request")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:documents_document_changelist"), {"kind": "payment_request", "status": "rendered"})
    assert response.status_code == 200
    assert "Payment request" in response.content.decode()


def test_a_citizen_is_refused_the_documents_admin(client, alice):
    client.force_login(alice)
    response = client.get(reverse("admin:documents_document_changelist"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_admin_cannot_edit_or_delete_a_document(client, alice, carla):
    document = stored_document(alice)
    client.force_login(carla)
    page = client.get(reverse("admin:documents_document_change", args=[document.pk])).content.decode()
    assert 'name="_save"' not in page
    assert client.get(reverse("admin:documents_document_delete", args=[document.pk])).status_code == 403


def test_counter_staff_have_a_document_rendered_again(client, alice, carla, make_payment_request,
                                                      django_capture_on_commit_callbacks):
    from .helpers import letter_for

    document = letter_for(make_payment_request(alice), django_capture_on_commit_callbacks)
    client.force_login(carla)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:documents_document_changelist"),
                               {"action": "render_again", "_selected_action": [document.pk]})
    assert response.status_code == 302
    assert Document.objects.get(pk=document.pk).version == 2  # forced, although nothing changed


def test_the_city_administrator_may_not_render_again(client, alice, ida):
    stored_document(alice)
    client.force_login(ida)
    page = client.get(reverse("admin:documents_document_changelist")).content.decode()
    assert "render_again" not in page
