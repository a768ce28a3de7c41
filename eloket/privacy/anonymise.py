"""Anonymising and forgetting personal data: the markers, the plate expression, batches and stored files.

Anonymised means overwritten, not hidden: a name becomes MARKER, a plate becomes "#" and the row's own id. A "#"
never occurs in a real plate (plates.normalize keeps it and plates.validate refuses it), so an anonymised row can
never answer a lookup of a real plate, and the id keeps plates unique where a table asks for it (one permit's plates).
"""

import logging
from collections.abc import Iterator

from django.db import transaction
from django.db.models import CharField, F, QuerySet, Value
from django.db.models.functions import Cast, Concat

logger = logging.getLogger(__name__)

# What an overwritten name, address line or free text reads afterwards (stored data, not a translated message).
MARKER = "[anonymised]"
PLATE_PREFIX = "#"
BATCH = 500


def plate_marker():
    """An UPDATE expression giving each row the plate "#<its id>": irreversible, unique, never a real plate."""
    return Concat(Value(PLATE_PREFIX), Cast(F("pk"), CharField()), output_field=CharField())


def not_anonymised(queryset: QuerySet, field: str = "plate") -> QuerySet:
    return queryset.exclude(**{f"{field}__startswith": PLATE_PREFIX})


def batches(queryset: QuerySet, size: int = BATCH) -> Iterator[list[int]]:
    """The primary keys of a queryset, a batch at a time, in key order (keyset pagination: memory stays bounded).

    The caller anonymises or deletes each batch in its own transaction, so a run that dies half-way leaves whole
    batches done and the next run continues with what is left.
    """
    last = 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _remove(storage, name: str, label: str) -> bool:
    try:
        storage.delete(name)
    except OSError as error:  # logged; the row is gone, so the file is listed for staff by its model only
        logger.warning("A stored %s file could not be deleted (%s)", label, type(error).__name__)
        return False
    return True


def delete_files(queryset: QuerySet, field: str = "file", *, after_commit: bool = False) -> int:
    """Delete the stored files of the rows (not the rows); returns how many files there were.

    Retention deletes at once (a rolled-back run tries again tomorrow; a file must not outlive its row). Erasing an
    account deletes after commit, so a refused erasure leaves the citizen's files in place.
    """
    label = queryset.model._meta.label
    files = [(stored.storage, stored.name) for stored in
             (getattr(row, field) for row in queryset.only("pk", field).iterator(chunk_size=BATCH)) if stored and stored.name]
    if after_commit:
        transaction.on_commit(lambda: [_remove(storage, name, label) for storage, name in files])
    else:
        for storage, name in files:
            _remove(storage, name, label)
    return len(files)


def delete_with_files(queryset: QuerySet, field: str = "file", *, after_commit: bool = False) -> int:
    """Delete the rows and their stored files; returns the number of rows deleted."""
    delete_files(queryset, field, after_commit=after_commit)
    return queryset.delete()[1].get(queryset.model._meta.label, 0)
