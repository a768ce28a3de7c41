"""The answers to a topic's questions: checked when typed, stored with the question's words, shown formatted.

`Appointment.answers` holds {"<question id>": {"label": ..., "kind": ..., "value": ..., "order": n}}: the label as
the citizen read it, so the clerk sees the question even after the city rewords or deletes it. A plate is stored normalised
(eloket.accounts.plates); a notice number as its twelve digits, checked with the fines app's check digits when that
app is installed (looked up lazily: appointments stands alone).
"""

import importlib
import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from eloket.accounts import plates

from .models import Question

TEXT_MAX = 200
NOTICE_DIGITS = re.compile(r"[0-9]{12}")


def _fines_numbers():
    """fines.numbers when the fines app is installed, else None."""
    if not apps.is_installed("fines"):
        return None
    return importlib.import_module("fines.numbers")


def clean_notice_number(raw: str) -> str:
    digits = re.sub(r"[\s.\-/]", "", raw or "")
    if not NOTICE_DIGITS.fullmatch(digits):
        raise ValidationError(_("A notice number has 12 digits, for example 2026-000123-45. Check what you typed."),
                              code="format")
    numbers = _fines_numbers()
    if numbers is not None and numbers.parse(digits) is None:
        raise ValidationError(_("This is not a valid notice number: one of the digits is probably mistyped. Check it "
                                "against the letter."), code="check_digits")
    return digits


def clean_answer(question: Question, raw: str) -> str:
    """The value to store, or ValidationError with the reason in the user's language. Empty stays empty."""
    raw = (raw or "").strip()
    if not raw:
        return ""
    if question.kind == Question.Kind.PLATE:
        return plates.validate(raw)
    if question.kind == Question.Kind.NOTICE:
        return clean_notice_number(raw)
    if len(raw) > TEXT_MAX:
        raise ValidationError(_("Keep it short: at most %(max)d characters.") % {"max": TEXT_MAX}, code="max_length")
    return raw


def stored(question: Question, value: str, position: int) -> dict:
    # jsonb does not keep the order of keys: the position the question had is kept with the answer.
    return {"label": question.label, "kind": question.kind, "value": value, "order": position}


def display_value(kind: str, value: str) -> str:
    if kind == Question.Kind.PLATE:
        return plates.display(value)
    if kind == Question.Kind.NOTICE and len(value) == 12:
        return f"{value[:4]}-{value[4:10]}-{value[10:]}"
    return value


def answer_lines(answers: dict) -> list[tuple[str, str]]:
    """(question, answer) pairs to show, in the order they were asked, leaving out unanswered ones."""
    items = [item for item in (answers or {}).values() if isinstance(item, dict) and item.get("value")]
    items.sort(key=lambda item: item.get("order", 0))
    return [(item.get("label", ""), display_value(item.get("kind", ""), str(item["value"]))) for item in items]
