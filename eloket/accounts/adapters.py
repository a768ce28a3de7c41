"""allauth hooks: the citizen's language follows them after login; OIDC fills the profile."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        # Reverse the dashboard URL in the citizen's own language.
        language = getattr(request.user, "preferred_language", None)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return super().get_login_redirect_url(request)


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        claims = sociallogin.account.extra_data or {}
        user.first_name = user.first_name or claims.get("given_name", "")[:150]
        user.last_name = user.last_name or claims.get("family_name", "")[:150]
        return user
