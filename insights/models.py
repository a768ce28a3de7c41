"""Staff insights: the summaries the parking data report reads, and the content of the decision-support questionnaire.

The report never reads a million parking sessions on a request: `rollup.refresh` summarises them per day, zone and
channel into `SessionDay` and per hour and zone into `SessionHour` (and the enforcement check log into `CheckDay`,
before the log's retention deletes it), and the report aggregates those few rows. `SummaryDay` says which days are
summarised and when.

The questionnaire's questions, options and legal consequences are data the city administrator edits in the admin; a
data migration seeds them from the domain facts, with their sources, so every installation starts with them.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from eloket.city.models import Zone
from eloket.translated import Translated
from parking_sessions.models import Channel, Operator

from . import indicators

# --- Entries in the admin ------------------------------------------------------------------------------------------


class Report(models.Model):
    """No table: the admin's entry for the data report, and the report permission (`insights.view_report`)."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [("view_report", _("Can see the parking data report and use the decision support"))]
        verbose_name = _("data report")
        verbose_name_plural = _("data report")

    def __str__(self):
        return str(self._meta.verbose_name)


class Questionnaire(models.Model):
    """No table: the admin's entry for the guided decision-support questionnaire (needs the report permission)."""

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("decision support")
        verbose_name_plural = _("decision support")

    def __str__(self):
        return str(self._meta.verbose_name)


# --- Summaries ------------------------------------------------------------------------------------------------------


class SummaryDay(models.Model):
    """One local day that `rollup.refresh` summarised; its row is locked while the day is summarised again."""

    day = models.DateField(_("day"), unique=True)
    sessions_at = models.DateTimeField(_("sessions summarised"), null=True, blank=True)
    # Checks are summarised only while the log still holds the day (parking_sessions deletes it after its retention).
    checks_at = models.DateTimeField(_("checks summarised"), null=True, blank=True)

    class Meta:
        verbose_name = _("summarised day")
        verbose_name_plural = _("summarised days")
        ordering = ["-day"]

    def __str__(self):
        return f"{self.day:%Y-%m-%d}"


class ZoneDay(models.Model):
    """How many hours of a day were paid (or time-limited) hours in a zone: the denominator of its occupancy."""

    day = models.DateField(_("day"))
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="+", verbose_name=_("zone"))
    paid_hours = models.PositiveSmallIntegerField(_("paid hours"))

    class Meta:
        verbose_name = _("zone day")
        verbose_name_plural = _("zone days")
        constraints = [models.UniqueConstraint(fields=["day", "zone"], name="insights_one_zone_day")]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.zone_id}"


class SessionDay(models.Model):
    """Parking sessions of one local day in one zone and channel (and operator): what they paid, how long they lasted,
    and how long they parked in the zone's paid hours.

    `sessions`, `revenue`, the duration counts and `minutes` belong to the sessions that *started* that day;
    `paid_minutes` are the minutes any of these sessions was parked during the day's paid hours (a session of 17:30 to
    19:00 in a zone paid until 18:00 adds 30), so their sum over the zone's paid hours is its average occupancy.
    """

    day = models.DateField(_("day"))
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="+", verbose_name=_("zone"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    operator = models.ForeignKey(Operator, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                 verbose_name=_("operator"))
    sessions = models.PositiveIntegerField(_("sessions started"), default=0)
    revenue = models.DecimalField(_("revenue (EUR)"), max_digits=12, decimal_places=2, default=Decimal("0.00"))
    ended = models.PositiveIntegerField(_("sessions with an end"), default=0)
    minutes = models.PositiveBigIntegerField(_("minutes of the sessions with an end"), default=0)
    up_to_30 = models.PositiveIntegerField(default=0)
    up_to_60 = models.PositiveIntegerField(default=0)
    up_to_120 = models.PositiveIntegerField(default=0)
    up_to_240 = models.PositiveIntegerField(default=0)
    longer = models.PositiveIntegerField(default=0)
    running = models.PositiveIntegerField(default=0)  # no end yet: an SMS or app session still running
    paid_minutes = models.PositiveBigIntegerField(_("minutes parked in paid hours"), default=0)

    class Meta:
        verbose_name = _("sessions per day")
        verbose_name_plural = _("sessions per day")
        indexes = [models.Index(fields=["day", "zone"], name="insights_session_day")]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.zone_id} {self.channel}"


class SessionHour(models.Model):
    """How many parking sessions started in one local hour in one zone (all channels): the heat map's cells."""

    day = models.DateField(_("day"))
    hour = models.PositiveSmallIntegerField(_("hour"))
    weekday = models.PositiveSmallIntegerField(_("weekday"))  # Monday 0, as the tariffs count
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="+", verbose_name=_("zone"))
    sessions = models.PositiveIntegerField(_("sessions started"), default=0)

    class Meta:
        verbose_name = _("sessions per hour")
        verbose_name_plural = _("sessions per hour")
        indexes = [models.Index(fields=["day", "zone"], name="insights_session_hour_day")]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.hour:02d}h {self.zone_id}"


class CheckDay(models.Model):
    """Enforcement checks of one local day in one zone with one answer; no plate, so it may be kept for years."""

    day = models.DateField(_("day"))
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                             verbose_name=_("zone"))
    allowed = models.BooleanField(_("may park"))
    right = models.CharField(_("right"), max_length=20, blank=True)
    checks = models.PositiveIntegerField(_("checks"), default=0)

    class Meta:
        verbose_name = _("checks per day")
        verbose_name_plural = _("checks per day")
        indexes = [models.Index(fields=["day", "zone"], name="insights_check_day")]

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.zone_id}"


# --- Decision support -----------------------------------------------------------------------------------------------


class Question(models.Model):
    """One step of the questionnaire; asked only when one of `shown_when` was chosen (always when it is empty)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text_nl = models.CharField(_("question (Dutch)"), max_length=300)
    text_en = models.CharField(_("question (English)"), max_length=300, blank=True)
    help_nl = models.TextField(_("explanation (Dutch)"), blank=True)
    help_en = models.TextField(_("explanation (English)"), blank=True)
    multiple = models.BooleanField(_("several answers possible"), default=False)
    shown_when = models.ManyToManyField("Option", blank=True, related_name="opens", verbose_name=_("ask only after"),
                                        help_text=_("Ask this question only when one of these answers was chosen; "
                                                    "leave empty to always ask it."))
    is_active = models.BooleanField(_("in use"), default=True)

    text = Translated()
    help = Translated()

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class Option(models.Model):
    """An answer to a question; `figures` name the report figures shown beside it on the outcome page."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options", verbose_name=_("question"))
    code = models.SlugField(_("code"), max_length=40)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    label_nl = models.CharField(_("answer (Dutch)"), max_length=200)
    label_en = models.CharField(_("answer (English)"), max_length=200, blank=True)
    explanation_nl = models.TextField(_("explanation (Dutch)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    figures = models.CharField(_("figures from the data report"), max_length=300, blank=True,
                               help_text=_("The city's own figures shown beside this answer on the outcome page."))

    label = Translated()
    explanation = Translated()

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["question__position", "position", "pk"]
        constraints = [models.UniqueConstraint(fields=["question", "code"], name="insights_option_code_per_question")]

    def __str__(self):
        return f"{self.question.code}: {self.label}"

    @property
    def figure_keys(self) -> list[str]:
        return [key for key in self.figures.split(",") if key]

    def clean(self):
        super().clean()
        unknown = [key for key in self.figure_keys if key not in indicators.INDICATORS]
        if unknown:
            raise ValidationError({"figures": _("Unknown figures: %(keys)s.") % {"keys": ", ".join(unknown)}})


class ConsequenceKind(models.TextChoices):
    CONFLICT = "conflict", _("Not possible")
    REQUIREMENT = "requirement", _("Legal condition")
    INFORMATION = "information", _("Good to know")


class Consequence(models.Model):
    """What follows from the answers, with its source: shown on the outcome when *all* of `when_all` were chosen."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ConsequenceKind.choices,
                            default=ConsequenceKind.REQUIREMENT)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title_nl = models.CharField(_("title (Dutch)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    text_nl = models.TextField(_("text (Dutch)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    source = models.CharField(_("source"), max_length=400, help_text=_("Where the fact comes from: law, ruling, page."))
    when_all = models.ManyToManyField(Option, related_name="consequences", verbose_name=_("applies when chosen"),
                                      help_text=_("Shown when all of these answers were chosen."))

    title = Translated()
    text = Translated()

    class Meta:
        verbose_name = _("legal consequence")
        verbose_name_plural = _("legal consequences")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title
