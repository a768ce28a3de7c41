"""The guided decision-support questionnaire: which question is asked, in which order, and what the answers lead to.

Answers live in the staff member's session as {question code: [option codes]}, so the questionnaire needs no table of
its own and works without JavaScript: one form per question, a back link, and an outcome page. A question whose
`shown_when` options were not chosen is skipped, and its answer (kept when someone goes back and changes an earlier
answer) no longer counts. A consequence applies when *all* of its `when_all` options are among the counting answers.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Consequence, ConsequenceKind, Option, Question

SESSION_KEY = "insights_answers"
Answers = dict[str, list[str]]


def load() -> list[Question]:
    """The questions in use with their options and conditions: three queries."""
    return list(Question.objects.filter(is_active=True).prefetch_related("options", "shown_when"))


def answers_of(session) -> Answers:
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict):
        return {}
    return {str(code): [str(item) for item in chosen] for code, chosen in stored.items() if isinstance(chosen, list)}


def save_answer(session, question: Question, codes: list[str]) -> None:
    answers = answers_of(session)
    answers[question.code] = codes
    session[SESSION_KEY] = answers


def forget(session) -> None:
    session.pop(SESSION_KEY, None)


def chosen_options(question: Question, answers: Answers) -> list[Option]:
    codes = answers.get(question.code, [])
    return [option for option in question.options.all() if option.code in codes]


def asked(questions: list[Question], answers: Answers) -> list[Question]:
    """The questions that apply, in order: those without a condition, and those one of whose options was chosen in an
    earlier question that applies."""
    chosen: set[int] = set()
    result = []
    for question in questions:
        conditions = {option.pk for option in question.shown_when.all()}
        if conditions and not conditions & chosen:
            continue
        result.append(question)
        chosen |= {option.pk for option in chosen_options(question, answers)}
    return result


def is_answered(question: Question, answers: Answers) -> bool:
    return bool(chosen_options(question, answers))


def first_unanswered(questions: list[Question], answers: Answers) -> Question | None:
    return next((question for question in asked(questions, answers) if not is_answered(question, answers)), None)


def after(questions: list[Question], answers: Answers, current: Question) -> Question | None:
    """The next question that applies after `current`, given the answers so far; None at the end."""
    flow = asked(questions, answers)
    later = [question for question in flow if question.position > current.position
             or (question.position == current.position and question.pk > current.pk)]
    return later[0] if later else None


def before(questions: list[Question], answers: Answers, current: Question) -> Question | None:
    flow = asked(questions, answers)
    if current not in flow:
        return None
    index = flow.index(current)
    return flow[index - 1] if index else None


def clean_answer(question: Question, codes: list[str]) -> list[str]:
    """The chosen option codes, checked against the question; ValidationError with the message for the form."""
    codes = [code for code in dict.fromkeys(codes) if code]
    if not codes:
        raise ValidationError(_("Choose an answer.") if not question.multiple else _("Choose at least one answer."))
    known = {option.code for option in question.options.all()}
    if any(code not in known for code in codes):
        raise ValidationError(_("Choose one of the answers shown."))
    if not question.multiple and len(codes) > 1:
        raise ValidationError(_("Choose one answer."))
    return codes


@dataclass(frozen=True)
class Answered:
    question: Question
    options: list[Option]


@dataclass(frozen=True)
class Outcome:
    answered: list[Answered]
    conflicts: list[Consequence]
    requirements: list[Consequence]
    information: list[Consequence]


def outcome(questions: list[Question], answers: Answers) -> Outcome:
    """What the answers lead to (two more queries: the consequences and their conditions)."""
    answered = [Answered(question, chosen_options(question, answers)) for question in asked(questions, answers)]
    chosen = {option.pk for item in answered for option in item.options}
    applying = [consequence for consequence in Consequence.objects.prefetch_related("when_all")
                if (needed := {option.pk for option in consequence.when_all.all()}) and needed <= chosen]
    return Outcome(answered=answered,
                   conflicts=[c for c in applying if c.kind == ConsequenceKind.CONFLICT],
                   requirements=[c for c in applying if c.kind == ConsequenceKind.REQUIREMENT],
                   information=[c for c in applying if c.kind == ConsequenceKind.INFORMATION])
