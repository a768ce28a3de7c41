"""The city's reference data. Every amount, term, cap and tariff is a row with a validity period,
so a case keeps the figure that was in force when it happened and a new regulation is a new row."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from eloket.translated import Translated

HEX_COLOUR = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # followed by 6 hexadecimal digits."))


class ValidityQuerySet(models.QuerySet):
    def in_force(self, on: datetime.date | None = None):
        """Rows valid on the given day (today by default); valid_to is the last valid day."""
        on = on or timezone.localdate()
        return self.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)


class Validity(models.Model):
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid until"), null=True, blank=True,
                                help_text=_("Last day it applies; empty means open-ended."))

    objects = ValidityQuerySet.as_manager()
    # Fields that identify "the same figure": two rows with equal values here may not overlap in time.
    overlap_key: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def clean(self):
        super().clean()
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date cannot be before the start date.")})
        if self.valid_from and self.overlapping().exists():
            raise ValidationError(_("Another row for the same item is already valid in (part of) this period."))

    def overlapping(self):
        """Rows of the same key whose period overlaps this one."""
        rows = type(self).objects.exclude(pk=self.pk).filter(**{field: getattr(self, field) for field in self.overlap_key})
        rows = rows.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=self.valid_from))
        if self.valid_to:
            rows = rows.filter(valid_from__lte=self.valid_to)
        return rows

    def is_in_force(self, on: datetime.date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)


class CityProfile(models.Model):
    """The one city this installation serves: name, branding tokens, contact and payment details."""

    name = models.CharField(_("name"), max_length=80)
    portal_name = models.CharField(_("portal name"), max_length=80, default="eloket")
    logo = models.FileField(_("logo"), upload_to="city/", blank=True, help_text=_("SVG or PNG, shown in the header."))
    logo_alt = models.CharField(_("logo text alternative"), max_length=120, blank=True)
    colour_primary = models.CharField(_("primary colour"), max_length=7, default="#00476B", validators=[HEX_COLOUR])
    colour_primary_text = models.CharField(_("text on primary colour"), max_length=7, default="#FFFFFF", validators=[HEX_COLOUR])
    colour_accent = models.CharField(_("accent colour"), max_length=7, default="#E6007E", validators=[HEX_COLOUR])
    colour_focus = models.CharField(_("focus outline colour"), max_length=7, default="#FFBF47", validators=[HEX_COLOUR])
    street_address = models.CharField(_("street and number"), max_length=120)
    postal_code = models.CharField(_("postal code"), max_length=10)
    municipality = models.CharField(_("municipality"), max_length=80)
    phone = models.CharField(_("phone"), max_length=30)
    email = models.EmailField(_("email"))
    website = models.URLField(_("website"), blank=True)
    counter_hours_nl = models.TextField(_("counter opening hours (Dutch)"), blank=True)
    counter_hours_en = models.TextField(_("counter opening hours (English)"), blank=True)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11)
    beneficiary = models.CharField(_("beneficiary name"), max_length=70)
    enterprise_number = models.CharField(_("enterprise number"), max_length=20, blank=True)
    sanctioning_official = models.CharField(_("sanctioning official"), max_length=120)
    sanctioning_address = models.TextField(_("sanctioning official's address"))
    dpo_email = models.EmailField(_("data protection officer's email"))
    accessibility_email = models.EmailField(_("email for accessibility feedback"))
    # Permit policy: what the city's parking regulation decides (numbers with validity dates are caps).
    auto_approve_resident_cards = models.BooleanField(
        _("approve resident cards automatically"), default=False,
        help_text=_("An application for the applicant's own vehicle, with its registration certificate, is approved "
                    "without review (after payment when it is not free). Company and lease cars are always reviewed."))
    resident_card_refund_pro_rata = models.BooleanField(
        _("refund cancelled resident cards pro rata"), default=True,
        help_text=_("Refund the unused whole months of a paid resident card that the holder cancels."))
    disability_free_in_paid_zones = models.BooleanField(
        _("disability registration parks free in paid zones"), default=True,
        help_text=_("Blue zones are always without time limit for a disability card; paid zones only if the city decides "
                    "so."))

    counter_hours = Translated()

    class Meta:
        verbose_name = _("city profile")
        verbose_name_plural = _("city profile")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        from stdnum import iban

        self.iban = iban.compact(self.iban)
        super().save(*args, **kwargs)

    def clean(self):
        from stdnum import bic, iban

        super().clean()
        errors = {}
        if self.iban and not iban.is_valid(self.iban):
            errors["iban"] = _("This IBAN is not valid.")
        if self.bic and not bic.is_valid(self.bic):
            errors["bic"] = _("This BIC is not valid.")
        errors.update(self._contrast_errors())
        if errors:
            raise ValidationError(errors)

    def _contrast_errors(self) -> dict:
        """WCAG AA needs 4.5:1: the primary colour is used for text on white and behind its text colour."""
        from .theme import contrast_ratio

        errors = {}
        try:
            if contrast_ratio(self.colour_primary, self.colour_primary_text) < 4.5:
                errors["colour_primary_text"] = _("Too little contrast with the primary colour (WCAG needs 4.5:1).")
            if contrast_ratio(self.colour_primary, "#FFFFFF") < 4.5:
                errors["colour_primary"] = _("Too little contrast with white for links and headings (WCAG needs 4.5:1).")
        except (ValueError, TypeError, IndexError):
            pass  # the field validators already report a malformed colour
        return errors

    @property
    def iban_display(self) -> str:
        from stdnum import iban

        return iban.format(self.iban)


class ZoneKind(models.TextChoices):
    PAID = "paid", _("Paid zone")
    BLUE = "blue", _("Blue zone (parking disc)")
    RESIDENT = "resident", _("Resident zone")


class Zone(models.Model):
    code = models.CharField(_("code"), max_length=12, unique=True,
                            help_text=_("Short code citizens type in an SMS, for example C1."),
                            validators=[RegexValidator(r"^[A-Z0-9]+$", _("Use capital letters and digits only."))])
    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ZoneKind.choices)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    capacity = models.PositiveIntegerField(_("parking places"), null=True, blank=True)
    outline = models.JSONField(_("outline (GeoJSON)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    name = Translated()
    description = Translated()

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        super().clean()
        if self.outline is not None:
            kinds = {"Polygon", "MultiPolygon", "Feature", "FeatureCollection"}
            if not isinstance(self.outline, dict) or self.outline.get("type") not in kinds:
                raise ValidationError({"outline": _("Give a GeoJSON Polygon, MultiPolygon, Feature or FeatureCollection.")})


class Street(models.Model):
    name = models.CharField(_("street name"), max_length=120)
    postal_code = models.CharField(_("postal code"), max_length=10)
    # Lower case without accents, so "Stadsplein" and "stadsplein " find the same street.
    search_name = models.CharField(max_length=120, editable=False, db_index=True)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["name", "postal_code"], name="unique_street")]

    def __str__(self):
        return f"{self.name} ({self.postal_code})"

    def save(self, *args, **kwargs):
        from .zones import search_key

        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)


class Parity(models.TextChoices):
    ALL = "all", _("all numbers")
    ODD = "odd", _("odd numbers")
    EVEN = "even", _("even numbers")


class StreetRange(models.Model):
    """House numbers first..last (inclusive) of a street, all or one side, that lie in a zone."""

    street = models.ForeignKey(Street, on_delete=models.CASCADE, related_name="ranges", verbose_name=_("street"))
    first_number = models.PositiveIntegerField(_("from number"), default=1)
    last_number = models.PositiveIntegerField(_("to number"), default=9999)
    parity = models.CharField(_("side"), max_length=4, choices=Parity.choices, default=Parity.ALL)
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="street_ranges", verbose_name=_("zone"))

    class Meta:
        verbose_name = _("house number range")
        verbose_name_plural = _("house number ranges")
        ordering = ["street__name", "first_number"]

    def __str__(self):
        return f"{self.street.name} {self.first_number}-{self.last_number} ({self.get_parity_display()}) → {self.zone.code}"

    def clean(self):
        super().clean()
        if self.first_number is not None and self.last_number is not None and self.last_number < self.first_number:
            raise ValidationError({"last_number": _("The last number cannot be lower than the first.")})

    def contains(self, number: int) -> bool:
        if not self.first_number <= number <= self.last_number:
            return False
        return self.parity == Parity.ALL or (number % 2 == 1) == (self.parity == Parity.ODD)


class PublicHoliday(models.Model):
    date = models.DateField(_("date"), unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)

    name = Translated()

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} {self.name}"


class Tariff(Validity):
    """How parking in a zone is charged or limited during a period."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="tariffs", verbose_name=_("zone"))
    price_per_hour = models.DecimalField(_("price per hour (EUR)"), max_digits=6, decimal_places=2,
                                         default=Decimal("0.00"), validators=[MinValueValidator(Decimal("0"))])
    billing_unit_minutes = models.PositiveSmallIntegerField(
        _("charged per"), default=30, choices=[(15, _("quarter hour")), (30, _("half hour")), (60, _("hour"))])
    max_duration_minutes = models.PositiveIntegerField(_("maximum stay (minutes)"), null=True, blank=True)
    free_minutes = models.PositiveIntegerField(_("free first period (minutes)"), default=0)
    free_once_per_day = models.BooleanField(_("free period once per zone per day"), default=True)
    grace_minutes = models.PositiveIntegerField(_("time to register (minutes)"), default=0)
    free_on_public_holidays = models.BooleanField(_("free on public holidays"), default=True)

    overlap_key = ("zone",)

    class Meta:
        verbose_name = _("tariff")
        verbose_name_plural = _("tariffs")
        ordering = ["zone__code", "valid_from"]

    def __str__(self):
        return f"{self.zone.code} {self.valid_from}"

    @property
    def price_per_unit(self) -> Decimal:
        return (self.price_per_hour * self.billing_unit_minutes / 60).quantize(Decimal("0.01"))


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class TariffHours(models.Model):
    """One stretch of paid (or time-limited) hours on a weekday."""

    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="hours", verbose_name=_("tariff"))
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))

    class Meta:
        verbose_name = _("paid hours")
        verbose_name_plural = _("paid hours")
        ordering = ["weekday", "start"]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}-{self.end:%H:%M}"

    def clean(self):
        super().clean()
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": _("The end time must be after the start time.")})


class RetributionPeriod(models.TextChoices):
    DAY = "day", _("per day")
    HALF_DAY = "half_day", _("per half day")


class RetributionRate(Validity):
    """The fixed parking retribution (a fee under civil law, not a fine)."""

    amount = models.DecimalField(_("amount (EUR)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    period = models.CharField(_("charged"), max_length=10, choices=RetributionPeriod.choices, default=RetributionPeriod.DAY)
    max_per_day = models.PositiveSmallIntegerField(_("maximum per day"), default=1)

    class Meta:
        verbose_name = _("retribution rate")
        verbose_name_plural = _("retribution rates")
        ordering = ["valid_from"]

    def __str__(self):
        return f"€ {self.amount} {self.get_period_display()} ({self.valid_from})"


class Gas4Category(models.IntegerChoices):
    FIRST = 1, _("Category 1")
    SECOND = 2, _("Category 2")
    FOURTH = 4, _("Category 4")


class Gas4Rate(Validity):
    """GAS 4 amounts are fixed by the Royal Decree of 9 March 2014; the official cannot deviate."""

    category = models.PositiveSmallIntegerField(_("category"), choices=Gas4Category.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])
    examples_nl = models.TextField(_("examples (Dutch)"), blank=True)
    examples_en = models.TextField(_("examples (English)"), blank=True)

    examples = Translated()
    overlap_key = ("category",)

    class Meta:
        verbose_name = _("GAS 4 amount")
        verbose_name_plural = _("GAS 4 amounts")
        ordering = ["category", "valid_from"]

    def __str__(self):
        return f"{self.get_category_display()}: € {self.amount}"


class Gas5Rate(Validity):
    """GAS 5 light speeding: a base amount plus an amount per km/h above a threshold, on the corrected speed."""

    tolerance_kmh = models.PositiveSmallIntegerField(_("measuring tolerance (km/h)"), default=6)
    base_amount = models.DecimalField(_("base amount (EUR)"), max_digits=7, decimal_places=2)
    base_excess_kmh = models.PositiveSmallIntegerField(_("base amount covers up to (km/h over the limit)"), default=10)
    per_kmh_inside = models.DecimalField(_("per km/h above that, inside a built-up area"), max_digits=6, decimal_places=2)
    per_kmh_outside = models.DecimalField(_("per km/h above that, outside a built-up area"), max_digits=6, decimal_places=2)
    max_excess_kmh = models.PositiveSmallIntegerField(_("maximum excess for GAS 5 (km/h)"), default=20)
    limits = models.CharField(_("speed limits it applies to (km/h)"), max_length=20, default="30,50",
                              validators=[RegexValidator(r"^\d+(,\d+)*$", _("Comma separated numbers, for example 30,50."))])

    class Meta:
        verbose_name = _("GAS 5 speed table")
        verbose_name_plural = _("GAS 5 speed tables")
        ordering = ["valid_from"]

    def __str__(self):
        return f"GAS 5 ({self.valid_from})"

    @property
    def limit_values(self) -> list[int]:
        return [int(value) for value in self.limits.split(",")]

    def amount_for(self, excess_kmh: int, inside_built_up_area: bool) -> Decimal | None:
        """Amount for a corrected excess in km/h, or None when it falls outside GAS 5 (criminal track)."""
        if excess_kmh <= 0 or excess_kmh > self.max_excess_kmh:
            return None
        extra = max(0, excess_kmh - self.base_excess_kmh)
        per_kmh = self.per_kmh_inside if inside_built_up_area else self.per_kmh_outside
        return self.base_amount + extra * per_kmh


class TermCode(models.TextChoices):
    PAYMENT = "payment", _("Days to pay a notice")
    OBJECTION = "objection", _("Days to object")
    REMINDER = "reminder", _("Days to pay after a reminder")
    REGISTERED_NOTICE = "registered_notice", _("Days before the registered notice")
    DRIVER_DESIGNATION = "driver_designation", _("Days to name the driver")
    GAS_START = "gas_start", _("Days to start a GAS procedure after the report")
    GAS5_POLICE = "gas5_police", _("Days for the police to send a GAS 5 report")
    GAS5_OFFICIAL = "gas5_official", _("Days for the official to send a GAS 5 notice")
    APPEAL = "appeal", _("Days to appeal to the police court")
    GAS_SEND_LIMIT = "gas_send_limit", _("Days within which a GAS fine must be sent")


class Term(Validity):
    code = models.CharField(_("term"), max_length=30, choices=TermCode.choices)
    days = models.PositiveIntegerField(_("days"))

    overlap_key = ("code",)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["code", "valid_from"]

    def __str__(self):
        return f"{self.get_code_display()}: {self.days}"


class CapCode(models.TextChoices):
    RESIDENT_CARDS_PER_ADDRESS = "resident_cards_per_address", _("Resident cards per address")
    DISABILITY_PLATES = "disability_plates", _("Plates per disability registration")
    DISABILITY_VALIDITY_YEARS = "disability_validity_years", _("Years a disability registration is valid")
    CARE_PERMITS_PER_PERSON = "care_permits_per_person", _("Care-provider permits per person")
    VISITOR_HOURS_PER_YEAR = "visitor_hours_per_year", _("Visitor hours per address per year")
    RESIDENT_CARD_MONTHS = "resident_card_months", _("Months a resident card is valid")
    CARE_PERMIT_MONTHS = "care_permit_months", _("Months a care-provider permit is valid")
    RENEWAL_REMINDER_DAYS = "renewal_reminder_days", _("Days before expiry to send the renewal reminder")


class Cap(Validity):
    code = models.CharField(_("cap"), max_length=40, choices=CapCode.choices)
    value = models.PositiveIntegerField(_("value"))

    overlap_key = ("code",)

    class Meta:
        verbose_name = _("cap")
        verbose_name_plural = _("caps")
        ordering = ["code", "valid_from"]

    def __str__(self):
        return f"{self.get_code_display()}: {self.value}"


class ChargeCode(models.TextChoices):
    REGISTERED_NOTICE_COST = "registered_notice_cost", _("Administrative cost of a registered notice")
    REMINDER_COST = "reminder_cost", _("Cost of a reminder")


class Charge(Validity):
    code = models.CharField(_("charge"), max_length=40, choices=ChargeCode.choices)
    amount = models.DecimalField(_("amount (EUR)"), max_digits=7, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])

    overlap_key = ("code",)

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charges")
        ordering = ["code", "valid_from"]

    def __str__(self):
        return f"{self.get_code_display()}: € {self.amount}"
