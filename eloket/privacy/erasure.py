"""Deleting a citizen's account: what the law makes the city keep is kept and unlinked, everything else goes.

Each registered provider erases its own data (cases kept and unlinked, permits ended and anonymised, appointments
cancelled and anonymised, files deleted after commit); then the user row itself is deleted, which takes the vehicles,
email addresses, two-factor keys and linked city logins with it. All in one transaction: when anything refuses (a
protected row a provider did not handle), nothing changes. Staff accounts are closed by the city administrator
instead, because the cases they handled and the audit trail must keep who did what.
"""

import logging

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext as _

from . import registry
from .anonymise import delete_with_files
from .models import DataExport
from .registry import Plan

logger = logging.getLogger(__name__)


class ErasureRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def is_staff_account(user) -> bool:
    return user.is_staff or user.is_superuser


def plan(user) -> Plan:
    """What deleting this account would delete and keep, and what blocks it now; in the active language."""
    whole = Plan()
    if is_staff_account(user):
        whole.blockers.append(_("This is a staff account. Staff accounts are closed by the city administrator, because "
                                "the cases you handled and the record of who looked at personal data must keep your "
                                "name."))
    for provider in registry.providers():
        if provider.plan is not None:
            whole.add(provider.plan(user))
    return whole


def erase_account(user) -> dict:
    """Delete the account now; returns counts per provider. Raises ErasureRefused when something blocks it."""
    User = get_user_model()
    counts = {}
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            blockers = plan(locked).blockers
            if blockers:
                raise ErasureRefused(blockers[0])
            for provider in registry.providers():
                if provider.erase is not None:
                    counts[provider.key] = provider.erase(locked)
            counts["exports"] = delete_with_files(DataExport.objects.filter(owner=locked), after_commit=True)
            locked.delete()
    except (ProtectedError, RestrictedError) as error:
        # A provider missed a protected row: refuse cleanly and tell the team which model, never which person.
        rows = getattr(error, "protected_objects", None) or getattr(error, "restricted_objects", ())
        models = sorted({row._meta.label for row in rows})
        logger.error("Account %s could not be deleted: protected rows in %s", user.pk, ", ".join(models) or "?")
        raise ErasureRefused(_("Your account could not be deleted because of data we could not unlink automatically. "
                               "Please contact the city: we will delete it for you.")) from error
    logger.info("Account %s deleted: %s", user.pk, {key: value for key, value in counts.items() if value})
    return counts
