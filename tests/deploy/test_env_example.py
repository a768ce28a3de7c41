"""Every environment variable eloket reads is documented in .env.example."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
ENV_HOLDERS = {"env", "environ", "os.environ"}


def _dotted(node: ast.AST) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return ""


def _string(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.match(node.value):
        return node.value
    return None


def env_names(source: str) -> set[str]:
    """Names read through django-environ (env.str("X"), env("X"), env.db("X") ...), os.environ or os.getenv."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and node.args:
            function = _dotted(node.func)
            holder, _, method = function.rpartition(".")
            if (
                function in {"env", "os.getenv"}
                or (holder == "env" and method not in {"read_env"})
                or (holder in ENV_HOLDERS and method in {"get", "setdefault"})
            ) and (name := _string(node.args[0])):
                names.add(name)
        elif isinstance(node, ast.Subscript) and _dotted(node.value) in ENV_HOLDERS and (name := _string(node.slice)):
            names.add(name)
    return names


def settings_env_names() -> set[str]:
    """What settings.py reads, and what the eloket modules it imports read from the mapping it passes them."""
    settings = ROOT / "eloket" / "settings.py"
    names = env_names(settings.read_text())
    for node in ast.walk(ast.parse(settings.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("eloket."):
            module = ROOT.joinpath(*node.module.split(".")).with_suffix(".py")
            names |= env_names(module.read_text())
    return names - {"DJANGO_SETTINGS_MODULE"}


def test_the_parser_finds_what_settings_reads():
    names = settings_env_names()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "ALLOWED_HOSTS", "MEDIA_ROOT"} <= names
    assert "OIDC_SERVER_URL" in names  # read in eloket/accounts/oidc.py from the mapping settings passes


def test_parser_understands_the_usual_forms():
    source = 'import os\nenv.str("A", default="")\nenv("B")\nos.environ["C"]\nos.getenv("D")\nenv.read_env("x")\n'
    assert env_names(source) == {"A", "B", "C", "D"}


ASSIGNMENT = re.compile(r"^#?\s?([A-Z][A-Z0-9_]*)=")


def documented() -> dict[str, str]:
    """NAME -> the comment lines above its (commented-out) assignment in .env.example."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    found = {}
    for number, line in enumerate(lines):
        match = ASSIGNMENT.match(line)
        if not match:
            continue
        comment = []
        for above in reversed(lines[:number]):
            if not above.startswith("#") or ASSIGNMENT.match(above):
                break
            comment.insert(0, above.lstrip("# "))
        found.setdefault(match.group(1), " ".join(comment))
    return found


@pytest.mark.parametrize("name", sorted(settings_env_names()))
def test_every_setting_from_the_environment_is_documented(name):
    found = documented()
    assert name in found, f"{name} is read by eloket/settings.py but not documented in .env.example"
    assert "default" in found[name].lower(), (
        f"{name} in .env.example needs a comment line above it saying what it means and its default"
    )


def test_env_example_sets_nothing_when_copied_as_is():
    """Every assignment is commented out: `cp .env.example .env` must not switch the demo to production."""
    lines = (ROOT / ".env.example").read_text().splitlines()
    assert not [line for line in lines if re.match(r"^[A-Z][A-Z0-9_]*=", line)]
