"""Production settings: Django's deployment checks pass, and the CSP allows no inline script."""

import os
import secrets
import subprocess
import sys

import pytest

# Variables that could relax production defaults if they leaked in from the test environment.
RELAXING = (
    "DEBUG",
    "DEMO_TOTP_CODE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "CSRF_TRUSTED_ORIGINS",
    "DJANGO_ALLOW_ASYNC_UNSAFE",  # set by the browser tests for their own process only
)


def production_environment() -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key not in RELAXING}
    environment.update(
        DJANGO_SETTINGS_MODULE="eloket.settings",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="eloket.example",
        SITE_URL="https://eloket.example",
        DATABASE_URL=os.environ["DATABASE_URL"],
        REDIS_URL=os.environ["REDIS_URL"],
        EMAIL_URL="smtp://mail.eloket.example:25",
    )
    return environment


def test_deploy_check_passes_without_warnings(repo_root):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=repo_root,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output
    assert "no issues" in output, output


def test_production_mode_really_is_production(repo_root):
    """The check above is only worth something if SECRET_KEY alone switched the defaults."""
    script = (
        "from django.conf import settings as s; "
        "print(s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_HSTS_SECONDS > 0, bool(getattr(s, 'MFA_TOTP_INSECURE_BYPASS_CODE', '')))"
    )
    environment = production_environment() | {"DEMO_TOTP_CODE": "123456"}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-v", "0", "-c", script],
        cwd=repo_root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["False", "True", "True", "True", "True", "False"]


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("url", ["/", "/account/login/"])
def test_content_security_policy_allows_no_inline_script(client, demo_city, url):
    response = client.get(url)
    assert response.status_code == 200
    header = response.headers["Content-Security-Policy"]
    directives = _directives(header)
    script_src = directives.get("script-src", directives.get("default-src"))
    assert script_src, header
    assert "'unsafe-inline'" not in script_src, header
    assert "'unsafe-eval'" not in script_src, header
    assert directives.get("object-src") == ["'none'"], header
    assert directives.get("frame-ancestors") == ["'none'"], header
