"""A citizen's copy of their data: a ZIP with one JSON file per area and their letters and uploads.

`request_export` writes a DataExport row and queues the build after commit; `build` claims the row with a conditional
UPDATE (so two workers never build it twice), asks every registered provider for its section, and streams the ZIP
into a temporary file (one area's JSON and one file at a time in memory), which then goes to the private storage.
A beat task builds exports whose task got lost and deletes the ZIPs once they are older than RETENTION_EXPORT_DAYS.
"""

import datetime
import json
import logging
import shutil
import tempfile
import zipfile

from django.conf import settings
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from eloket.city.reference import city_profile
from eloket.notifications.dispatch import notify
from eloket.ratelimit import Limit

from . import registry
from .models import DataExport, ExportStatus

logger = logging.getLogger(__name__)

# A worker that holds a claim longer than this is presumed dead (a large export takes minutes, not an hour).
STALE_CLAIM = datetime.timedelta(hours=1)
# A request still pending after this has lost its task: the beat pick-up queues it again.
LOST_AFTER = datetime.timedelta(minutes=5)
MAX_ATTEMPTS = 3
# Each export reads everything the citizen has: a few a day is plenty.
EXPORTS = Limit("privacy-export", max=5, seconds=24 * 3600)
CHUNK = 1024 * 1024


class ExportRefused(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def request_export(user) -> DataExport:
    """A new export for the user, built after commit; refused while one is being prepared or after too many today."""
    with transaction.atomic():
        if DataExport.objects.filter(owner=user, status=ExportStatus.PENDING).exists():
            raise ExportRefused(_("Your previous request is still being prepared. It is ready in a few minutes."))
        if EXPORTS.blocked(str(user.pk)):
            raise ExportRefused(_("You asked for a copy of your data several times today. Please try again tomorrow."))
        EXPORTS.hit(str(user.pk))
        export = DataExport.objects.create(owner=user)
        _build_after_commit(export.pk)
    return export


def _build_after_commit(export_id: int) -> None:
    from .tasks import build_export

    # robust: a broker that is down must not undo the request; the beat pick-up builds it later.
    transaction.on_commit(lambda: build_export.delay(export_id), robust=True)


def _claim(export_id: int) -> datetime.datetime | None:
    now = timezone.now()
    claimed = (DataExport.objects.filter(pk=export_id, status=ExportStatus.PENDING)
               .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
               .update(claimed_at=now, attempts=F("attempts") + 1))
    return now if claimed else None


def _json(data) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2).encode()


def write_zip(user, handle) -> list[str]:
    """Write the user's ZIP into an open binary file; returns the names written (for the tests and the log)."""
    names = []
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive, \
            translation.override(user.preferred_language):
        sections = []
        for provider in registry.providers():
            section = provider.export(user)
            archive.writestr(f"{provider.key}.json", _json(section.data))
            names.append(f"{provider.key}.json")
            for path, stored in section.files:
                if _copy(archive, path, stored):
                    names.append(path)
            sections.append((provider, section))
        readme = render_to_string("privacy/export_readme.txt", {"user": user, "sections": sections,
                                                                 "made": timezone.localtime(), "city": city_profile()})
        archive.writestr("README.txt", readme.encode())
        names.append("README.txt")
    return names


def _copy(archive: zipfile.ZipFile, path: str, stored) -> bool:
    """Copy one stored file into the ZIP in chunks; a file missing from storage is left out and logged."""
    try:
        source = stored.open("rb")
    except (FileNotFoundError, ValueError):
        logger.error("A stored file of %s is missing from a data export", stored.instance._meta.label)
        return False
    with source, archive.open(path, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, CHUNK)
    return True


def build(export_id: int) -> bool:
    """Build the export's ZIP. Returns False when there was nothing to do (built, failed, or claimed by another)."""
    claim = _claim(export_id)
    if claim is None:
        return False
    mine = DataExport.objects.filter(pk=export_id, claimed_at=claim)
    export = DataExport.objects.select_related("owner").get(pk=export_id)
    try:
        with tempfile.TemporaryFile(suffix=".zip") as handle:
            names = write_zip(export.owner, handle)
            size = handle.tell()
            handle.seek(0)
            export.file.save("export.zip", File(handle), save=False)
    except Exception:
        failed = export.attempts >= MAX_ATTEMPTS
        mine.update(claimed_at=None, status=ExportStatus.FAILED if failed else ExportStatus.PENDING)
        raise
    if not mine.update(file=export.file.name, size=size, status=ExportStatus.READY, finished_at=timezone.now(),
                       claimed_at=None):
        export.file.storage.delete(export.file.name)  # our claim went stale and another worker's file counts
        return False
    logger.info("Data export %s built: %d entries, %d bytes", export.pk, len(names), size)
    _tell_owner(export)
    return True


def _tell_owner(export: DataExport) -> None:
    owner = export.owner
    with translation.override(owner.preferred_language):
        url = settings.SITE_URL + reverse("privacy:index")
    notify(owner, template="privacy/export_ready", context={"url": url, "keep_days": settings.RETENTION_EXPORT_DAYS})


def pending_ids(limit: int = 100) -> list[int]:
    """Exports whose build task was lost (pending, not claimed or claimed by a worker that died)."""
    now = timezone.now()
    return list(DataExport.objects.filter(status=ExportStatus.PENDING, created__lt=now - LOST_AFTER)
                .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - STALE_CLAIM))
                .order_by("pk").values_list("pk", flat=True)[:limit])


def delete_expired(cutoff: datetime.datetime) -> dict:
    """Retention of the ZIPs themselves: exports requested before the cutoff are deleted with their file."""
    from .anonymise import batches, delete_with_files

    deleted = 0
    for ids in batches(DataExport.objects.filter(created__lt=cutoff)):
        with transaction.atomic():
            deleted += delete_with_files(DataExport.objects.filter(pk__in=ids))
    return {"exports deleted": deleted}
