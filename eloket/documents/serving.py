"""Serving a stored private file (a letter, an upload, evidence): one way, with the same headers everywhere."""

import logging

from django.http import FileResponse, Http404

from eloket import audit

logger = logging.getLogger(__name__)


def private_file(field_file, *, content_type: str, filename: str, inline: bool = False, what: str = "a file",
                 request=None) -> FileResponse:
    """The file as a response that is never cached nor sniffed; 404 (and an error in the log) when it is missing.

    `filename` must hold no personal data; `what` names the row for the log (never a plate or a name). With the
    `request`, a staff member's download is written to the audit trail (the file's row: its model and id).
    """
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        logger.error("The stored file of %s is missing", what)
        raise Http404 from None
    if request is not None and field_file.instance is not None:
        audit.record(request, field_file.instance, audit.DOWNLOAD)
    response = FileResponse(handle, content_type=content_type, as_attachment=not inline, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
