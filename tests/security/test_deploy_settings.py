"""Django's deployment check passes with nothing silenced, in the environment production gets.

tests/deploy/test_production_settings.py runs `check --deploy --fail-level WARNING`; a check silenced in the settings
would still print "no issues" there, so here the same run must report none silenced.
"""

import subprocess
import sys
from pathlib import Path

from tests.deploy.test_production_settings import production_environment

ROOT = Path(__file__).resolve().parents[2]


def run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *arguments], cwd=ROOT, env=production_environment(),
                          capture_output=True, text=True, timeout=120)


def test_the_deployment_check_silences_nothing():
    result = run("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout, result.stdout + result.stderr


def test_production_settings_silence_no_check_and_keep_the_security_headers():
    script = ("from django.conf import settings as s; "
              "print(s.SILENCED_SYSTEM_CHECKS, s.SECURE_CONTENT_TYPE_NOSNIFF, s.X_FRAME_OPTIONS, s.SESSION_COOKIE_HTTPONLY, "
              "s.CONTENT_SECURITY_POLICY['DIRECTIVES']['script-src'])")
    result = run("shell", "--no-imports", "-v", "0", "-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[] True DENY True [\"'self'\"]"
