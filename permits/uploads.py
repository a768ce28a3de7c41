"""Files for a permit: which documents each kind of application asks for, and storing a checked upload."""

from eloket.uploads import check_upload

from .models import Permit, PermitDocument, PermitDocumentKind, PermitKind, VehicleUse

D = PermitDocumentKind


def required_documents(kind: str, vehicle_use: str = "") -> list[str]:
    """The documents an application of this kind must carry (domain.md 3.2, 3.3 and 4.3)."""
    if kind == PermitKind.RESIDENT:
        extra = {VehicleUse.COMPANY: [D.PERMANENT_USE], VehicleUse.OTHER_PERSON: [D.AUTHORISATION]}
        return [D.REGISTRATION_CERTIFICATE, *extra.get(vehicle_use, [])]
    if kind == PermitKind.DISABILITY:
        return [D.CARD_FRONT, D.CARD_BACK]
    if kind == PermitKind.CARE_PROVIDER:
        extra = {VehicleUse.COMPANY: [D.PERMANENT_USE], VehicleUse.OTHER_PERSON: [D.AUTHORISATION]}
        return [D.RECOGNITION, D.HOME_VISITS, D.REGISTRATION_CERTIFICATE, *extra.get(vehicle_use, [])]
    raise ValueError(f"Unknown permit kind: {kind}")


def attach(permit: Permit, kind: str, upload, actor=None) -> PermitDocument:
    """Check the file's real type and size (ValidationError with a clear message) and store it with the permit."""
    checked = check_upload(upload)
    document = PermitDocument(permit=permit, kind=kind, content_type=checked.content_type, extension=checked.extension,
                              size=checked.size, uploaded_by=actor)
    document.file.save("upload", upload, save=False)
    try:
        document.save()
    except BaseException:
        document.file.storage.delete(document.file.name)  # no file without its row
        raise
    return document
