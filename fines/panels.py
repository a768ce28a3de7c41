"""The "Fines and retributions" panel on Mijn loket: the cases the citizen keeps, open ones first, in one query."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from eloket.accounts.dashboard import Panel, register

from . import numbers, words
from .models import OPEN_STATUSES, Case

OPEN_FIRST = models.Case(models.When(status__in=OPEN_STATUSES, then=models.Value(0)), default=models.Value(1),
                         output_field=models.IntegerField())


def _cases(request):
    cases = Case.objects.filter(citizen=request.user).annotate(closed=OPEN_FIRST).order_by("closed", "-observed_at", "-pk")
    return {"cases": [{"case": case, "number": numbers.display(case.notice_number), "amount": case.payment_amount(),
                       "status_words": words.STATUS_WORDS[case.status]} for case in cases]}


register(Panel("fines", _("Fines and retributions"), "fines/panels/fines.html", order=40, context=_cases))
