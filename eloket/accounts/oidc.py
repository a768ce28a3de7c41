"""A city's own OpenID Connect identity provider (eID/itsme through a broker), from environment alone.

Imported by settings.py, so it must not import Django models.
"""

from collections.abc import Mapping


def providers_from_env(env: Mapping[str, str]) -> dict:
    """SOCIALACCOUNT_PROVIDERS for allauth; empty when OIDC_CLIENT_ID is not set."""
    client_id = env.get("OIDC_CLIENT_ID", "")
    if not client_id:
        return {}
    scopes = [scope.strip() for scope in env.get("OIDC_SCOPES", "openid,profile,email").split(",") if scope.strip()]
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "APPS": [
                {
                    "provider_id": "city",
                    "name": env.get("OIDC_NAME", "eID / itsme"),
                    "client_id": client_id,
                    "secret": env.get("OIDC_CLIENT_SECRET", ""),
                    "settings": {
                        "server_url": env["OIDC_SERVER_URL"],
                        "token_auth_method": env.get("OIDC_TOKEN_AUTH_METHOD", "client_secret_post"),
                        "scope": scopes,
                    },
                }
            ],
        }
    }


def oidc_origins(providers: dict) -> list[str]:
    """Origins of the configured identity providers: the login form redirects there (CSP form-action)."""
    from urllib.parse import urlsplit

    origins = []
    for app in providers.get("openid_connect", {}).get("APPS", []):
        parts = urlsplit(app["settings"]["server_url"])
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins
