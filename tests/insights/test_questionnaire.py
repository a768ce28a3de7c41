"""The decision-support questionnaire: the seeded content, each branch, going back, bad answers, the outcome with the
city's own figures, the PDF, and who may edit the questions."""

import importlib
import io

import pypdf
import pytest
from django.apps import apps
from django.urls import reverse

from insights.admin import OptionForm
from insights.models import Consequence, Option, Question
from insights.questionnaire import SESSION_KEY
from tests.i18n import en

from .data import write_week

pytestmark = pytest.mark.django_db
START = "admin:insights_questionnaire_changelist"
OUTCOME = "admin:insights_questionnaire_outcome"
SEED = importlib.import_module("insights.migrations.0002_seed_decision_support")


@pytest.fixture(autouse=True)
def decision_support(db):
    """The data migration's content; a browser or worker test earlier in the run may have flushed the tables."""
    SEED.seed(apps, None)


def url(code: str) -> str:
    return en("admin:insights_questionnaire_question", code)


def answer(client, code: str, *options: str):
    return client.post(url(code), {"answer": list(options)})


def go_through(client, answers: list[tuple[str, tuple[str, ...]]], then: str = ""):
    """Answer the questions in order; each answer must lead to the next question given, the last one to `then`
    (a question's code) or else to the outcome."""
    response = None
    for index, (code, options) in enumerate(answers):
        response = answer(client, code, *options)
        assert response.status_code == 302, response.content.decode()[:2000]
        following = answers[index + 1][0] if index + 1 < len(answers) else then
        assert response["Location"] == (url(following) if following else en(OUTCOME))
    return response


@pytest.fixture
def staff(client, ida):
    client.force_login(ida)
    return client


def test_every_city_starts_with_questions_answers_and_sourced_consequences():
    assert list(Question.objects.values_list("code", flat=True)) == [
        "organisation", "levy", "technology", "channels", "gas", "gas_procedures", "sanctioning_official"]
    assert Option.objects.get(question__code="organisation", code="concession").label_en == (
        "A concession to a private parking operator")
    assert Question.objects.get(code="gas_procedures").shown_when.get().code == "yes"
    assert Consequence.objects.count() == len(SEED.CONSEQUENCES)
    assert not Consequence.objects.filter(source="").exists()
    assert all(option.clean() is None for option in Option.objects.all())  # every figure named exists
    SEED.seed(apps, None)  # a second run adds nothing
    assert Consequence.objects.count() == len(SEED.CONSEQUENCES)


def test_the_start_page_leads_to_the_first_question(staff):
    response = staff.get(en(START))
    assert response.status_code == 200
    assert response.context["first_url"] == url("organisation")
    assert not response.context["started"]


def test_a_concession_with_a_tax_is_not_possible_and_without_gas_two_questions_are_skipped(staff):
    go_through(staff, [("organisation", ("concession",)), ("levy", ("tax",)), ("technology", ("scan_car",)),
                       ("channels", ("sms", "apps")), ("gas", ("no",))])
    response = staff.get(en(OUTCOME))
    assert response.status_code == 200
    page = response.content.decode()
    outcome = response.context["outcome"]
    assert [c.code for c in outcome.conflicts] == ["concession_tax"]
    assert "Not possible: A concessionaire cannot levy a parking tax" in page
    assert {"tax_staff", "scan_car_disability", "scan_car_data"} <= {c.code for c in outcome.requirements}
    assert {"controller", "tax_procedure", "apps_contracts", "sms_4411"} <= {c.code for c in outcome.information}
    assert not {"gas_protocol", "div_concession", "retribution_collection"} & {c.code for c in outcome.requirements}
    assert "knw.vvsg.be" in page  # each consequence shows its source
    assert [question.code for question, _options in response.context["answered"]] == [
        "organisation", "levy", "technology", "channels", "gas"]


def test_with_gas_the_procedures_and_the_official_are_asked(staff):
    go_through(staff, [("organisation", ("in_house",)), ("levy", ("retribution",)), ("technology", ("handhelds",)),
                       ("channels", ("web",)), ("gas", ("yes",)), ("gas_procedures", ("gas4_cameras", "gas5")),
                       ("sanctioning_official", ("intermunicipal_official",))])
    outcome = staff.get(en(OUTCOME)).context["outcome"]
    assert outcome.conflicts == []
    requirements = {c.code for c in outcome.requirements}
    assert {"gas_protocol", "gas_div", "gas_liable", "gas_procedure", "gas4_cameras", "gas5_conditions", "gas5_terms",
            "retribution_nature", "retribution_place", "retribution_collection", "handheld_data"} <= requirements
    assert "gas4_amounts" not in requirements  # GAS 4 for parking was not chosen
    information = {c.code for c in outcome.information}
    assert {"handheld_gas_report", "intermunicipal_official", "camera_retention"} <= information


def test_back_leads_to_the_previous_question_that_applies(staff):
    go_through(staff, [("organisation", ("agb",)), ("levy", ("retribution",)), ("technology", ("scan_car",)),
                       ("channels", ("web",)), ("gas", ("yes",))], then="gas_procedures")
    assert staff.get(url("levy")).context["back_url"] == url("organisation")
    assert staff.get(url("organisation")).context["back_url"] == en(START)
    page = staff.get(url("gas_procedures"))
    assert page.context["back_url"] == url("gas")
    assert (page.context["step"], page.context["steps"]) == (6, 7)
    assert page.context["chosen"] == []
    assert staff.get(url("levy")).context["chosen"] == ["retribution"]  # going back shows the answer given


def test_changing_an_earlier_answer_drops_the_questions_it_no_longer_opens(staff):
    go_through(staff, [("organisation", ("in_house",)), ("levy", ("retribution",)), ("technology", ("scan_car",)),
                       ("channels", ("web",)), ("gas", ("yes",)), ("gas_procedures", ("gas5",)),
                       ("sanctioning_official", ("own_official",))])
    response = answer(staff, "gas", "no")
    assert response["Location"] == en(OUTCOME)
    outcome = staff.get(en(OUTCOME)).context["outcome"]
    assert "gas5_conditions" not in {c.code for c in outcome.requirements}
    # The skipped question cannot be opened directly: it leads on to where the questionnaire stands.
    assert staff.get(url("gas_procedures"))["Location"] == en(OUTCOME)


@pytest.mark.parametrize("code, options, message", [
    ("organisation", (), "Choose an answer."),
    ("technology", (), "Choose at least one answer."),
    ("organisation", ("nothing",), "Choose one of the answers shown."),
    ("organisation", ("agb", "concession"), "Choose one answer."),
])
def test_a_bad_answer_is_explained_and_not_kept(staff, code, options, message):
    response = answer(staff, code, *options)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert code not in staff.session.get(SESSION_KEY, {})


def test_the_outcome_waits_until_every_question_that_applies_is_answered(staff):
    answer(staff, "organisation", "agb")
    response = staff.get(en(OUTCOME))
    assert response["Location"] == url("levy")
    assert staff.get(reverse("admin:insights_questionnaire_pdf"))["Location"].endswith("/question/levy/")
    assert staff.get(url("nothing")).status_code == 404


def test_starting_again_forgets_the_answers(staff):
    answer(staff, "organisation", "agb")
    assert staff.get(en(START)).context["started"]
    staff.post(reverse("admin:insights_questionnaire_restart"))
    assert SESSION_KEY not in staff.session
    assert not staff.get(en(START)).context["started"]


def finish(client):
    go_through(client, [("organisation", ("concession",)), ("levy", ("retribution",)), ("technology", ("scan_car",)),
                        ("channels", ("apps",)), ("gas", ("no",))])


def test_the_outcome_shows_the_citys_own_figures_beside_each_answer(staff, demo_city):
    write_week()
    finish(staff)
    response = staff.get(en(OUTCOME), {"start": "2026-03-02", "end": "2026-03-08"})
    answered = {option.code: {figure.key: figure.value for figure in figures}
                for _question, options in response.context["answered"] for option, figures in options}
    # The week of data.py: retributions paid 3 of 5 due, objected 2 of 7; 5.00 revenue; 2 of 7 sessions in an app.
    assert answered["retribution"]["retribution_payment_rate"] == "60.0 %"
    assert answered["retribution"]["retribution_objection_rate"] == "28.6 %"
    assert answered["concession"]["revenue"] == "€ 5.00"
    assert answered["apps"]["app_share"] == "28.6 %"
    assert answered["scan_car"]["compliance"] == "71.4 %"
    assert "Payment rate of retributions" in response.content.decode()


def test_the_outcome_downloads_as_an_accessible_pdf(staff, demo_city):
    finish(staff)
    response = staff.get(en("admin:insights_questionnaire_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="decision-support-')
    pdf = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Outcome of the decision support" in text
    assert "The concessionaire may ask for the plate holder" in text
    assert "Decreet 9 juli 2010" in text
    root = pdf.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/MarkInfo"]["/Marked"]  # tagged: PDF/UA


def test_only_the_city_admin_edits_the_questions(client, ida, carla):
    question = Question.objects.get(code="levy")
    client.force_login(carla)
    assert client.get(reverse("admin:insights_question_change", args=[question.pk])).status_code == 403
    client.force_login(ida)
    response = client.get(en("admin:insights_question_change", question.pk))
    assert response.status_code == 200
    assert "Share of sessions started by SMS" in response.content.decode()  # the figures to show beside an answer


def test_an_answer_names_only_figures_the_report_has(demo_city):
    option = Option.objects.get(question__code="levy", code="tax")
    form = OptionForm({"code": "tax", "position": 20, "label_nl": "Een parkeerbelasting", "label_en": "A parking tax",
                       "figures": ["app_share", "sms_share"]}, instance=option)
    assert form.is_valid(), form.errors
    assert form.save().figures == "app_share,sms_share"
    bad = OptionForm({"code": "tax", "position": 20, "label_nl": "x", "figures": ["made_up"]}, instance=option)
    assert not bad.is_valid()
    assert "figures" in bad.errors
