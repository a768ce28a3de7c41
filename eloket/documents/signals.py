"""Letters follow the payment state of their case.

A payable model that sets `documents_follow_payment_state = True` (PaymentRequest, permits, fines)
gets its documents rendered again, after commit:
- after a save of the model itself that may change its status, and
- when one of its payments is saved as paid (the payable's own status may change later, in the
  payment effect, through a queryset update that sends no signal; the letter reads the paid
  payment, see letters.paid_at_of).
The content hash makes a re-render cheap when nothing a letter shows has changed. Code that
changes a case some other way calls `eloket.documents.render.regenerate_for(case)` itself.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

MARKER = "documents_follow_payment_state"
WATCHED_FIELDS = {"status", "paid_at"}


def _watched(update_fields) -> bool:
    return update_fields is None or bool(WATCHED_FIELDS & set(update_fields))


@receiver(post_save, dispatch_uid="documents_follow_payment_state")
def follow_payment_state(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw or created or not getattr(sender, MARKER, False) or not _watched(update_fields):
        return
    from .render import regenerate_for

    regenerate_for(instance)


@receiver(post_save, sender="payments.Payment", dispatch_uid="documents_follow_payments")
def follow_payment(sender, instance, created, raw=False, update_fields=None, **kwargs):
    from eloket.payments.models import PaymentStatus

    if raw or instance.status != PaymentStatus.PAID or not _watched(update_fields):
        return
    from django.contrib.contenttypes.models import ContentType

    payable_class = ContentType.objects.get_for_id(instance.content_type_id).model_class()
    if not getattr(payable_class, MARKER, False):
        return
    from .render import regenerate_documents

    regenerate_documents(content_type_id=instance.content_type_id, object_id=instance.object_id)
