"""Who may see a case on the citizen side: the account that keeps it, or the browser that looked it up.

A lookup with the notice number and the plate proves the citizen has the letter; the case's id is then remembered
in the session (never the number or the plate). Anybody else gets a 404, whatever the method.
"""

from django.db.models import Q
from django.http import Http404

from eloket.documents.models import Document

from .models import Case

SESSION_KEY = "fines_cases"
# A browser keeps the last cases it looked up; older ones need a new lookup.
REMEMBERED = 20


def remember(request, case: Case) -> None:
    """This browser looked the case up with its notice number and plate."""
    seen = [pk for pk in request.session.get(SESSION_KEY, []) if pk != case.pk]
    request.session[SESSION_KEY] = [case.pk, *seen][:REMEMBERED]


def looked_up(request) -> list[int]:
    return list(request.session.get(SESSION_KEY, []))


def may_see(request, case: Case) -> bool:
    if request.user.is_authenticated and case.citizen_id == request.user.pk:
        return True
    return case.pk in looked_up(request)


def visible_cases(request):
    """The cases this request may see, as a queryset (kept by the account or looked up in this browser)."""
    allowed = Q(pk__in=looked_up(request))
    if request.user.is_authenticated:
        allowed |= Q(citizen=request.user)
    return Case.objects.filter(allowed)


def visible_case(request, pk: int) -> Case:
    """The case with its offence and zone, or a 404 when this request may not see it."""
    case = visible_cases(request).select_related("offence", "zone").filter(pk=pk).first()
    if case is None:
        raise Http404
    return case


def keep(request, case: Case) -> bool:
    """Keep a looked-up case in the citizen's Mijn loket; False when another account keeps it already."""
    return keep_for(request.user, case)


def keep_for(user, case: Case) -> bool:
    if case.citizen_id == user.pk:
        return True
    kept = Case.objects.filter(pk=case.pk, citizen__isnull=True).update(citizen=user)
    if kept:
        case.citizen = user
        # The letters made before now join the citizen's documents in Mijn loket too.
        Document.objects.for_case(case).filter(owner__isnull=True).update(owner=user)
    return bool(kept)
