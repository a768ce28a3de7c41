"""The Dutch catalogue is complete: every source string is in it, translated, and nothing is fuzzy."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_every_dutch_entry_is_translated_and_none_is_fuzzy():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"untranslated: {untranslated[:20]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:20]}"


def test_placeholders_survive_translation():
    for entry in polib.pofile(str(CATALOGUE)).translated_entries():
        for placeholder in ("%(", "{{", "%s", "%d"):
            assert entry.msgid.count(placeholder) == entry.msgstr.count(placeholder) or entry.msgid_plural, entry.msgid


@pytest.mark.skipif(not shutil.which("xgettext"), reason="needs gettext; bin/test installs it")
def test_the_catalogue_holds_every_source_string(tmp_path):
    """Extract the strings afresh into a copy and compare: a new string without a translation fails here."""
    for name in ("manage.py", "eloket", "permits", "fines", "parking_sessions", "appointments", "insights", "chat", "templates"):
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, tmp_path / name)
    (tmp_path / "locale" / "nl" / "LC_MESSAGES").mkdir(parents=True)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "nl", "--no-location", "--ignore=.venv"],
        cwd=tmp_path, check=True, capture_output=True,
    )
    fresh = {entry.msgid for entry in polib.pofile(str(tmp_path / "locale/nl/LC_MESSAGES/django.po")) if entry.msgid}
    committed = {entry.msgid for entry in polib.pofile(str(CATALOGUE)).translated_entries()}
    missing = sorted(fresh - committed)
    assert not missing, f"{len(missing)} strings are not in locale/nl (run makemessages -l nl and translate): {missing[:20]}"
