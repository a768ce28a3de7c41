"""factory-boy factories for the models the tests need."""

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from eloket.accounts.models import User, Vehicle

PASSWORD = "correct-horse-battery-9"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="nl_BE")
    last_name = factory.Faker("last_name", locale="nl_BE")
    street = "Stadsplein"
    house_number = "1"
    postal_code = "3600"
    municipality = "Genk"
    phone = factory.Sequence(lambda n: f"+32470{n:06d}")
    preferred_language = "nl"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        """Every factory user has a verified primary email, as after sign-up."""
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=True)


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def totp(self, create, extracted, **kwargs):
        """Staff have two-factor login; the secret is kept on the object for tests that log in."""
        if create:
            self.totp_secret = generate_totp_secret()
            TOTP.activate(self, self.totp_secret)


class VehicleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vehicle

    owner = factory.SubFactory(UserFactory)
    plate = factory.Sequence(lambda n: f"1ABC{n % 1000:03d}")
    country = "BE"
