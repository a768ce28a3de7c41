"""What the account itself holds about a citizen (profile, logins, vehicles), for the data export and the deletion.

The rows go with the user row when the account is deleted (vehicles, email addresses, two-factor keys and linked city
logins cascade), so these providers only count them.
"""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from eloket.privacy.registry import Plan, Provider, Section, register


def export_profile(user) -> Section:
    """Three queries: email addresses, two-factor methods and linked city logins."""
    return Section({
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "address": {"street": user.street, "house_number": user.house_number, "box": user.box,
                    "postal_code": user.postal_code, "municipality": user.municipality},
        "phone": user.phone,
        "phone_verified": user.phone_verified,
        "preferred_language": user.preferred_language,
        # Masked, as everywhere in eloket: the ZIP waits on the server for days, the number stays encrypted there.
        "national_register_number": user.national_number_masked if user.national_number_encrypted else None,
        "account_created": user.date_joined,
        "last_login": user.last_login,
        "email_addresses": [{"email": address.email, "verified": address.verified, "primary": address.primary}
                            for address in EmailAddress.objects.filter(user=user).order_by("pk")],
        "two_factor_login": [{"type": method.type, "since": method.created_at}
                             for method in Authenticator.objects.filter(user=user).order_by("pk")],
        "city_logins": [{"provider": account.provider, "since": account.date_joined}
                        for account in SocialAccount.objects.filter(user=user).order_by("pk")],
    })


def export_vehicles(user) -> Section:
    return Section([{"plate": vehicle.plate_display, "country": vehicle.country, "description": vehicle.description,
                     "added": vehicle.created} for vehicle in user.vehicles.order_by("created", "pk")])


def plan_profile(user) -> Plan:
    count = user.vehicles.count()
    deleted = [_("Your profile: name, address, phone number, national register number and login details.")]
    if count:
        deleted.append(_("Your vehicles (%(count)d).") % {"count": count})
    return Plan(deleted=deleted)


def erase_profile(user) -> dict:
    """The user row's deletion takes these with it; counted here for the log."""
    return {"vehicles": user.vehicles.count()}


register(Provider("profile", gettext_lazy("Your details"), export=export_profile, erase=erase_profile,
                  plan=plan_profile, order=10))
register(Provider("vehicles", gettext_lazy("Your vehicles"), export=export_vehicles, order=20))
