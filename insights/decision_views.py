"""The decision-support questionnaire in the admin: a start page, one page per question (a plain form, so it works
without JavaScript; a back link to the previous question), and the outcome with the city's own figures beside each
answer, also as an accessible PDF (PDF/UA). Needs the report permission, like the report whose figures it shows.

The PDF is made in the request, not in a Celery task like the letters: it is a one-page download for the person who
asks for it, belongs to no case and is stored nowhere, and WeasyPrint renders it in about a second.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from eloket.city.reference import city_profile

from . import indicators, questionnaire, report
from .report_views import report_form, require_report_permission


def question_url(question) -> str:
    return reverse("admin:insights_questionnaire_question", args=[question.code])


def _where_next(questions, answers) -> str:
    """The first question still to answer, or the outcome when every question that applies is answered."""
    missing = questionnaire.first_unanswered(questions, answers)
    return question_url(missing) if missing else reverse("admin:insights_questionnaire_outcome")


class QuestionnaireViews:
    """Mixed into QuestionnaireAdmin: the questionnaire replaces the change list; it has no rows of its own."""

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("", wrap(self.start_view), name="insights_questionnaire_changelist"),
            path("restart/", wrap(self.restart_view), name="insights_questionnaire_restart"),
            path("outcome/", wrap(self.outcome_view), name="insights_questionnaire_outcome"),
            path("outcome/pdf/", wrap(self.pdf_view), name="insights_questionnaire_pdf"),
            path("question/<slug:code>/", wrap(self.question_view), name="insights_questionnaire_question"),
        ]

    def _page(self, request, template: str, title: str, **context):
        return TemplateResponse(request, template, {**self.admin_site.each_context(request), "title": title,
                                                    "opts": self.opts, **context})

    def start_view(self, request):
        require_report_permission(request)
        questions = questionnaire.load()
        answers = questionnaire.answers_of(request.session)
        started = any(questionnaire.is_answered(question, answers) for question in questions)
        first = questionnaire.asked(questions, {})[:1]
        return self._page(request, "admin/insights/questionnaire/start.html", _("Decision support"),
                          questions=questions, started=started, first_url=question_url(first[0]) if first else "",
                          continue_url=_where_next(questions, answers) if questions else "")

    def restart_view(self, request):
        require_report_permission(request)
        if request.method == "POST":
            questionnaire.forget(request.session)
        return HttpResponseRedirect(reverse("admin:insights_questionnaire_changelist"))

    def question_view(self, request, code: str):
        require_report_permission(request)
        questions = questionnaire.load()
        question = next((item for item in questions if item.code == code), None)
        if question is None:
            raise Http404
        answers = questionnaire.answers_of(request.session)
        if question not in questionnaire.asked(questions, answers):
            return HttpResponseRedirect(_where_next(questions, answers))  # an earlier answer skips this question
        error = ""
        if request.method == "POST":
            try:
                codes = questionnaire.clean_answer(question, request.POST.getlist("answer"))
            except ValidationError as problem:
                error = problem.messages[0]
            else:
                questionnaire.save_answer(request.session, question, codes)
                answers = questionnaire.answers_of(request.session)
                following = questionnaire.after(questions, answers, question)
                return HttpResponseRedirect(question_url(following) if following
                                            else _where_next(questions, answers))
        flow = questionnaire.asked(questions, answers)
        previous = questionnaire.before(questions, answers, question)
        chosen = request.POST.getlist("answer") if error else answers.get(question.code, [])
        return self._page(
            request, "admin/insights/questionnaire/question.html", question.text, question=question,
            options=list(question.options.all()), chosen=chosen, error=error, step=flow.index(question) + 1,
            steps=len(flow), back_url=question_url(previous) if previous else reverse(
                "admin:insights_questionnaire_changelist"))

    def _outcome(self, request):
        """(context, None) for the outcome, or (None, redirect) while a question that applies is unanswered."""
        questions = questionnaire.load()
        answers = questionnaire.answers_of(request.session)
        if not questions or questionnaire.first_unanswered(questions, answers):
            if questions:
                messages.info(request, _("Answer every question first; then the outcome is shown."))
            return None, HttpResponseRedirect(_where_next(questions, answers) if questions else reverse(
                "admin:insights_questionnaire_changelist"))
        form = report_form(request)
        facts = report.build(form.selection()) if form.is_valid() else None
        result = questionnaire.outcome(questions, answers)
        answered = [(item.question, [(option, indicators.shown(facts, option.figure_keys) if facts else [])
                                     for option in item.options]) for item in result.answered]
        last = questionnaire.asked(questions, answers)[-1]
        return {"form": form, "report": facts, "outcome": result, "answered": answered,
                "query": form.query() if facts else "", "back_url": question_url(last)}, None

    def outcome_view(self, request):
        require_report_permission(request)
        context, redirect = self._outcome(request)
        if redirect:
            return redirect
        return self._page(request, "admin/insights/questionnaire/outcome.html", _("Outcome of the decision support"),
                          **context)

    def pdf_view(self, request):
        require_report_permission(request)
        context, redirect = self._outcome(request)
        if redirect:
            return redirect
        from eloket.documents.render import html_to_pdf

        language = get_language()
        html = render_to_string("insights/outcome_pdf.html", {
            **context, "city": city_profile(), "made_on": timezone.localdate(), "LANGUAGE_CODE": language,
            "title": _("Outcome of the decision support")})
        response = HttpResponse(html_to_pdf(html, lang=language), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="decision-support-{timezone.localdate():%Y%m%d}.pdf"'
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response
