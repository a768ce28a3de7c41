"""A photo or PDF sent in a conversation: checked by its content (eloket.uploads) and kept under a random name.

SVG drawings are refused with their own message: people send them believing they are pictures, and they can carry
scripts.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from eloket.uploads import CheckedUpload, check_upload

from .models import Message, MessageAttachment

ACCEPT = "application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"


def display_name(upload) -> str:
    """The sender's own file name, shortened; shown in the conversation, never used on disk or in a URL."""
    name = (getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:100] or _("file")


def _looks_like_svg(upload) -> bool:
    upload.seek(0)
    head = upload.read(1024).lstrip().lower()
    upload.seek(0)
    return display_name(upload).lower().endswith(".svg") or b"<svg" in head


def check(upload) -> CheckedUpload:
    """The file's real type and size, or a ValidationError in the sender's language."""
    try:
        return check_upload(upload, max_bytes=settings.CHAT_ATTACHMENT_MAX_BYTES)
    except ValidationError as error:
        if error.code == "type" and _looks_like_svg(upload):
            raise ValidationError(_("SVG drawings cannot be sent here. Send a photo (JPEG or PNG) or a PDF instead."),
                                  code="svg") from error
        if error.code == "type":
            raise ValidationError(_("You can send a photo (JPEG or PNG) or a PDF. This file is neither, whatever its "
                                    "name says."), code="type") from error
        raise


def store(message: Message, upload, checked: CheckedUpload, stored: list[str]) -> MessageAttachment:
    """Keep the checked file with the message; `stored` collects the names written, to remove them on a rollback."""
    item = MessageAttachment(message=message, content_type=checked.content_type, extension=checked.extension,
                             size=checked.size, name=display_name(upload))
    item.file.save("attachment", upload, save=False)
    stored.append(item.file.name)
    item.save()
    return item


def forget(stored: list[str]) -> None:
    for name in stored:
        MessageAttachment.file.field.storage.delete(name)
