"""bin/demo --no-serve sets up the laptop demo from a clean copy of the repository."""

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

# What a fresh checkout lacks; used when the repository is not a git checkout (a tarball, say).
LOCAL_STATE = (
    ".git",
    ".venv",
    "db.sqlite3",
    "media",
    "staticfiles",
    "__pycache__",
    "*.pyc",
    "*.mo",
    ".env",
    ".*_cache",
)


def clean_copy(repo_root: Path, target: Path) -> None:
    """What a fresh clone would have: tracked files plus new files not yet committed, minus ignored ones."""
    if not (shutil.which("git") and (repo_root / ".git").exists()):
        shutil.copytree(repo_root, target, ignore=shutil.ignore_patterns(*LOCAL_STATE), symlinks=True)
        return
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=repo_root,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = repo_root / name
        if source.is_file():
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination)


@pytest.mark.slow
def test_demo_sets_up_from_a_clean_copy(repo_root, tmp_path):
    copy = tmp_path / "eloket"
    clean_copy(repo_root, copy)
    assert not (copy / "db.sqlite3").exists()
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE"}
    }
    # The venv the tests run in already has requirements.txt; a new one would download everything again.
    environment.update(ELOKET_VENV=sys.prefix, CI="true")

    result = subprocess.run(
        [str(copy / "bin" / "demo"), "--no-serve"],
        cwd=tmp_path,  # works from any directory
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "Demo accounts" in output  # the seed command prints the logins

    with sqlite3.connect(copy / "db.sqlite3") as database:
        (cities,) = database.execute("SELECT count(*) FROM city_cityprofile").fetchone()
        (users,) = database.execute("SELECT count(*) FROM accounts_user").fetchone()
    assert cities == 1
    assert users > 0

    # Run again: nothing to install, the seed is idempotent, still one city.
    again = subprocess.run(
        [str(copy / "bin" / "demo"), "--no-serve"],
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Installing" not in again.stderr
    with sqlite3.connect(copy / "db.sqlite3") as database:
        assert database.execute("SELECT count(*) FROM city_cityprofile").fetchone() == (1,)


def test_demo_rejects_unknown_arguments(repo_root):
    result = subprocess.run([str(repo_root / "bin" / "demo"), "--serve-forever"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "unknown argument" in result.stderr
