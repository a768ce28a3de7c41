"""Citizens and staff are one User model (email login, no username) with a profile and vehicles."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import national_number, plates

COUNTRIES = [
    ("BE", _("Belgium")),
    ("NL", _("Netherlands")),
    ("FR", _("France")),
    ("DE", _("Germany")),
    ("LU", _("Luxembourg")),
    ("GB", _("United Kingdom")),
    ("PL", _("Poland")),
    ("RO", _("Romania")),
    ("BG", _("Bulgaria")),
    ("IT", _("Italy")),
    ("ES", _("Spain")),
    ("PT", _("Portugal")),
    ("TR", _("Türkiye")),
    ("XX", _("Other country")),
]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create(self, email, password, **fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email, password=None, **fields):
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), unique=True)
    street = models.CharField(_("street"), max_length=120, blank=True)
    house_number = models.CharField(_("house number"), max_length=12, blank=True)
    box = models.CharField(_("box"), max_length=12, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    municipality = models.CharField(_("municipality"), max_length=80, blank=True)
    phone = models.CharField(_("phone number"), max_length=20, blank=True, db_index=True)
    phone_verified = models.BooleanField(_("phone number verified"), default=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="nl"
    )
    # Encrypted at rest; use the national_number property, never this column directly.
    national_number_encrypted = models.TextField(blank=True, editable=False)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def national_number(self) -> str:
        return national_number.decrypt(self.national_number_encrypted)

    @national_number.setter
    def national_number(self, value: str) -> None:
        self.national_number_encrypted = national_number.encrypt(value)

    @property
    def national_number_masked(self) -> str:
        return national_number.mask(self.national_number)

    @property
    def address_lines(self) -> list[str]:
        first = " ".join(part for part in (self.street, self.house_number) if part)
        if self.box:
            first = f"{first} {_('box')} {self.box}"
        second = " ".join(part for part in (self.postal_code, self.municipality) if part)
        return [line for line in (first, second) if line]


class Vehicle(models.Model):
    owner = models.ForeignKey(User, on_delete=models.CASCADE, related_name="vehicles", verbose_name=_("owner"))
    plate = models.CharField(_("number plate"), max_length=plates.MAX_LENGTH, db_index=True)
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES, default="BE")
    description = models.CharField(_("description"), max_length=60, blank=True,
                                   help_text=_("For example: grey Peugeot 208. Only for yourself."))
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("vehicle")
        verbose_name_plural = _("vehicles")
        ordering = ["created"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "plate", "country"], name="unique_vehicle_per_owner"),
        ]

    def __str__(self):
        return self.plate_display

    @property
    def plate_display(self) -> str:
        return plates.display(self.plate, self.country)
