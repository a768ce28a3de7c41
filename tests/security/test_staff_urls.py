"""Every staff page is refused to a citizen and to staff whose group does not do that work.

The test walks the admin's URL configuration: each page of our own (a queue, an action, a download, the agenda, the
chat console, the report) must be listed below with the roles that may use it, so a new staff view without a
permission check fails here. The admin's own pages per model follow the model permissions the roles are granted.
"""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from eloket.accounts import roles
from tests import personas
from tests.factories import UserFactory

C, E, S, A = roles.COUNTER, roles.ENFORCEMENT, roles.SANCTIONING, roles.CITY_ADMIN

# Our own staff pages and who may use them.
STAFF_PAGES = {
    "payments_payment_refund": {A},
    "permits_permit_approve": {C},
    "permits_permit_reject": {C},
    "permits_permit_more_info": {C},
    "permits_permit_revoke": {C},
    "permits_permit_cancel": {C},
    "permits_permit_document": {C, A},
    "permits_permit_register_disability": {C},
    "permits_permit_export": {C, E, A},
    "fines_printbatch_progress": {C, E, S, A},  # whoever may print notices (fines.view_case) follows the batch
    "fines_printbatch_download": {C, E, S, A},
    "fines_case_evidence": {C, E, S},
    "fines_case_remind": {S},
    "fines_case_formal_notice": {S},
    "fines_case_collection": {S},
    "fines_case_court": {S},
    "fines_case_cancel": {S},
    "fines_objection_attachment": {C, S},
    "fines_objection_accept": {S},
    "fines_objection_reject": {S},
    "fines_objection_plan_hearing": {S},
    "fines_hearing_minutes": {S},
    "parking_sessions_observation_photo": {E},
    "appointments_agenda_index": {C},
    "appointments_agenda": {C},
    "appointments_agenda_book": {C},
    "appointments_agenda_block": {C},
    "appointments_agenda_unblock": {C},
    "appointments_appointment_attended": {C},
    "appointments_appointment_no_show": {C},
    "appointments_appointment_cancel": {C},
    "appointments_appointment_move": {C},
    "chat_console": {C},
    "chat_console_queue": {C},
    "chat_console_events": {C},
    "chat_console_conversation": {C},
    "chat_console_messages": {C},
    "chat_console_status": {C},
    "chat_console_conversation_events": {C},
    "chat_console_take": {C},
    "chat_console_reply": {C},
    "chat_console_hand_over": {C},
    "chat_console_close": {C},
    "chat_console_attachment": {C},
    "insights_report_csv": {A},
    "insights_report_refresh": {A},
    "insights_questionnaire_restart": {A},
    "insights_questionnaire_outcome": {A},
    "insights_questionnaire_pdf": {A},
    "insights_questionnaire_question": {A},
}
# The admin's frame: open to every staff member (each page inside it checks its own permission).
FRAME = {"index", "login", "logout", "password_change", "password_change_done", "autocomplete", "jsi18n",
         "view_on_site", "app_list", "set_language"}
# Model pages that open on another permission than their model's (a page of our own behind a model entry).
OPENS_FOR = {
    "fines_printbatch": "fines.view_case",  # whoever may print notices follows their batches
    "chat_console": "chat.answer_conversation",
    "insights_report": "insights.view_report",
    "insights_questionnaire": "insights.view_report",
}
MODEL_PAGE = re.compile(r"^(?P<app>[a-z_]+?)_(?P<model>[a-z0-9]+)_(?P<page>changelist|add|change|delete|history)$")


def admin_url_names() -> dict[str, URLPattern]:
    found = {}

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
            elif namespace == "admin:" and pattern.name:
                found[pattern.name] = pattern

    walk(get_resolver().url_patterns)
    return found


def test_every_staff_page_of_our_own_says_who_may_use_it():
    ours = {name for name in admin_url_names() if name not in FRAME and not MODEL_PAGE.match(name)}
    assert ours - set(STAFF_PAGES) == set(), "add these staff pages to STAFF_PAGES with the roles that may use them"
    assert set(STAFF_PAGES) - ours == set(), "these staff pages no longer exist"


@pytest.fixture
def people(db, media):
    call_command("seed_demo_city", verbosity=0)
    staff = {C: personas.staff(C, "c@stad.example", "C"), E: personas.staff(E, "e@stad.example", "E"),
             S: personas.staff(S, "s@stad.example", "S"), A: personas.staff(A, "a@stad.example", "A")}
    return UserFactory(email="x@example.org"), staff


# The rows a staff page's parameters name, found in the demo data, so an allowed role reaches the page itself.
PARAMETER_ROWS = {
    "object_id": None,  # the page's own model, from its URL name
    "document_id": ("permits", "PermitDocument", "permit_id"),
    "evidence_id": ("fines", "Evidence", "case_id"),
    "attachment_id": ("fines", "ObjectionAttachment", "objection_id"),
    "photo_id": ("parking_sessions", "ObservationPhoto", "observation_id"),
    "location_id": ("appointments", "Location", None),
    "slot_id": ("appointments", "Slot", None),
    "pk": ("chat", "Conversation", None),
    "attachment_pk": ("chat", "MessageAttachment", None),
}


def _sample_kwargs(name: str, pattern: URLPattern) -> dict:
    """Keyword arguments naming real rows where the demo has them (id 1 otherwise)."""
    from django.apps import apps

    kwargs = {}
    for parameter in pattern.pattern.converters:
        if parameter in ("key", "code"):
            kwargs[parameter] = SLUGS[name]
            continue
        row = PARAMETER_ROWS.get(parameter)
        if row is None and parameter == "object_id":
            match = re.match(r"^(?P<app>[a-z]+(?:_sessions)?)_(?P<model>[a-z]+)_", name)
            model = apps.get_model(match["app"], match["model"])
            first = model.objects.order_by("pk").first()
            kwargs.setdefault(parameter, first.pk if first else 1)
        elif row is not None:
            app_label, model_name, parent = row
            first = apps.get_model(app_label, model_name).objects.order_by("pk").first()
            kwargs[parameter] = first.pk if first else 1
            if first is not None and parent:
                kwargs["object_id"] = getattr(first, parent)
    return kwargs


SLUGS = {"insights_report_csv": "sessions_by_zone", "insights_questionnaire_question": "organisation"}


def _refused(response) -> bool:
    return response.status_code == 403 or (response.status_code == 302 and "/admin/login/" in response["Location"])


def test_our_staff_pages_refuse_citizens_and_other_groups(people, client):
    citizen, staff = people
    patterns = admin_url_names()
    wrong = {}
    for name, allowed in STAFF_PAGES.items():
        url = reverse(f"admin:{name}", kwargs=_sample_kwargs(name, patterns[name]))
        for role, user in [("citizen", citizen), *staff.items()]:
            client.force_login(user)
            codes = {method: getattr(client, method)(url) for method in ("get", "post")}
            refused = all(_refused(response) or response.status_code == 405 for response in codes.values())
            if refused == (role in allowed):
                wrong[f"{name} {role}"] = {method: response.status_code for method, response in codes.items()}
    assert not wrong, wrong


def test_the_admin_pages_of_each_model_follow_the_role_permissions(people, client):
    citizen, staff = people
    wrong = {}
    for name in admin_url_names():
        match = MODEL_PAGE.match(name)
        if not match or match["page"] != "changelist":
            continue
        url = reverse(f"admin:{name}")
        for role, user in [("citizen", citizen), *staff.items()]:
            client.force_login(user)
            opens_for = OPENS_FOR.get(f"{match['app']}_{match['model']}")
            if opens_for:
                may_see = user.has_perm(opens_for)
            else:
                may_see = role != "citizen" and Permission.objects.filter(
                    group__user=user, content_type__app_label=match["app"], content_type__model=match["model"],
                    codename__in=[f"view_{match['model']}", f"change_{match['model']}"]).exists()
            response = client.get(url, follow=True)  # the console's entry leads to the console, which decides
            refused = response.status_code == 403 or response.redirect_chain and "/admin/login/" in response.redirect_chain[-1][0]
            if refused == may_see:
                wrong[f"{name} {role}"] = response.status_code
    assert not wrong, wrong


PAGE_NEEDS = {"add": ("add",), "change": ("view", "change"), "delete": ("delete",), "history": ("view", "change")}


def test_no_admin_page_of_a_row_opens_for_a_role_without_the_permission(people, client):
    """Each model's add, change, delete and history page (of its first row in the demo) against the group's grants:
    a ModelAdmin that opened a page wider than its model permissions would be found here."""
    from django.contrib import admin

    citizen, staff = people
    names, opened, checked = admin_url_names(), {}, 0
    for model in admin.site._registry:
        if not model._meta.managed:
            continue
        opts, first = model._meta, model.objects.order_by("pk").first()
        for page, needs in PAGE_NEEDS.items():
            name = f"{opts.app_label}_{opts.model_name}_{page}"
            if name not in names or (page != "add" and first is None) or f"{opts.app_label}_{opts.model_name}" in OPENS_FOR:
                continue  # no such page, no row in the demo, or a page of our own behind the model entry
            url = reverse(f"admin:{name}", args=[] if page == "add" else [first.pk])
            checked += 1
            for role, user in [("citizen", citizen), *staff.items()]:
                client.force_login(user)
                may = role != "citizen" and any(user.has_perm(f"{opts.app_label}.{need}_{opts.model_name}") for need in needs)
                if client.get(url).status_code == 200 and not may:
                    opened[f"{opts.app_label}_{opts.model_name}_{page} {role}"] = url
    assert checked > 150 and not opened, opened
