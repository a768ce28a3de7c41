"""Public information the city edits in the admin: frequently asked questions and regulations.

Texts are bilingual columns (`_nl` required, `_en` optional); `Translated` picks the active language.
Regulation documents are private uploads, served only through `views.regulation_document`.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from eloket.translated import Translated
from eloket.uploads import PDF, check_upload

PDF_MAX_BYTES = 10 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


def starts_like_pdf(file) -> bool:
    """True when the file's first bytes are the PDF signature; leaves the file at position 0."""
    try:
        file.seek(0)
        head = file.read(len(PDF_MAGIC))
    finally:
        file.seek(0)
    return head == PDF_MAGIC


def validate_pdf(value):
    """A regulation document must be a real PDF of at most 10 MB (checked on the bytes, not the name)."""
    if getattr(value, "_committed", False):
        return  # the file stored earlier was checked when it was uploaded
    if not value.name.lower().endswith(".pdf"):
        raise ValidationError(_("Upload a PDF file: the file name must end in .pdf."), code="pdf_extension")
    if value.size > PDF_MAX_BYTES:
        raise ValidationError(
            _("This file is %(size)s MB; a document can be at most 10 MB."),
            code="pdf_too_large",
            params={"size": f"{value.size / (1024 * 1024):.1f}"},
        )
    if not starts_like_pdf(value):
        raise ValidationError(
            _("This file is not a PDF document, although its name ends in .pdf. Save it as PDF and upload it again."),
            code="pdf_content",
        )
    # The same content check as a citizen's upload: no scripts, attached files, encryption or unpacking bombs.
    check_upload(value, allowed=(PDF,), max_bytes=PDF_MAX_BYTES)


class FaqCategory(models.TextChoices):
    # The order here is the order of the sections on the FAQ page.
    SESSIONS = "sessions", _("Parking sessions")
    RESIDENT_CARDS = "resident_cards", _("Resident cards")
    DISABILITY = "disability", _("Disability parking card")
    RETRIBUTIONS_FINES = "retributions_fines", _("Retributions and fines")
    PAYMENTS = "payments", _("Payments")
    ACCOUNT = "account", _("Your account")


class PublishedQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published=True)


class FaqItem(models.Model):
    category = models.CharField(_("category"), max_length=30, choices=FaqCategory.choices)
    question_nl = models.CharField(_("question (Dutch)"), max_length=250, unique=True)
    question_en = models.CharField(_("question (English)"), max_length=250, blank=True)
    answer_nl = models.TextField(_("answer (Dutch)"), help_text=_("Plain text; an empty line starts a new paragraph."))
    answer_en = models.TextField(_("answer (English)"), blank=True)
    order = models.PositiveIntegerField(_("order"), default=0,
                                        help_text=_("Lower numbers come first in their category."))
    published = models.BooleanField(_("published"), default=True)
    updated = models.DateTimeField(_("last changed"), auto_now=True)

    question = Translated()
    answer = Translated()

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("frequently asked question")
        verbose_name_plural = _("frequently asked questions")
        ordering = ["category", "order", "pk"]

    def __str__(self):
        return self.question_nl


class Regulation(models.Model):
    slug = models.SlugField(_("web address"), max_length=80, unique=True,
                            help_text=_("Lower-case letters, digits and hyphens, for example parkeerreglement."))
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    summary_nl = models.TextField(_("summary (Dutch)"), help_text=_("One or two sentences shown in the list."))
    summary_en = models.TextField(_("summary (English)"), blank=True)
    body_nl = models.TextField(_("text (Dutch)"), help_text=_("Plain text; an empty line starts a new paragraph."))
    body_en = models.TextField(_("text (English)"), blank=True)
    document = models.FileField(
        _("official document (PDF)"), upload_to="regulations/", blank=True, validators=[validate_pdf],
        help_text=_("Optional. PDF only, at most 10 MB. It is served through the portal, never as a public file."))
    valid_from = models.DateField(_("valid from"))
    published = models.BooleanField(_("published"), default=True)
    order = models.PositiveIntegerField(_("order"), default=0, help_text=_("Lower numbers come first in the list."))
    updated = models.DateTimeField(_("last changed"), auto_now=True)

    title = Translated()
    summary = Translated()
    body = Translated()

    objects = PublishedQuerySet.as_manager()

    class Meta:
        verbose_name = _("regulation")
        verbose_name_plural = _("regulations")
        ordering = ["order", "title_nl"]

    def __str__(self):
        return self.title_nl

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("content:regulation", kwargs={"slug": self.slug})
