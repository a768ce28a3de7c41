"""Structured communications (OGM/VCS): ten digits plus their mod-97 check, unique per payable."""

import secrets

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from stdnum.be import ogm_vcs

from .models import StructuredReference, format_ogm


def make_digits() -> str:
    """A random 12-digit OGM: 10 digits and the check (remainder mod 97, with 97 for 0)."""
    base = f"{secrets.randbelow(10**10):010d}"
    return base + ogm_vcs.calc_check_digits(base)


display = format_ogm


def parse(text: str) -> str | None:
    """The 12 digits of a valid OGM in any common notation (+++, ***, slashes, spaces), or None."""
    try:
        return ogm_vcs.validate(str(text or "").replace("+", "").replace("*", ""))
    except ogm_vcs.ValidationError:
        return None


def reference_for(payable) -> StructuredReference:
    """The payable's OGM, made on first use; concurrent callers get the same one."""
    content_type = ContentType.objects.get_for_model(payable)
    existing = StructuredReference.objects.filter(content_type=content_type, object_id=payable.pk).first()
    if existing:
        return existing
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return StructuredReference.objects.create(digits=make_digits(), content_type=content_type,
                                                          object_id=payable.pk)
        except IntegrityError:
            existing = StructuredReference.objects.filter(content_type=content_type, object_id=payable.pk).first()
            if existing:
                return existing
    raise RuntimeError("Could not allocate a unique structured communication")


def payable_for(digits: str):
    """The payable object an OGM belongs to, or None."""
    reference = StructuredReference.objects.filter(digits=digits).select_related("content_type").first()
    return reference.payable if reference else None
