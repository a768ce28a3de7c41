"""What a conversation can be about: a registry of link providers, so chat imports no domain app.

An app (or chat/link_providers.py on its behalf) registers a provider with a key and a label, and three functions:
`choices(user)` lists what the citizen owns as (object_id, label) in one query, `describe(object_id)` names one object
for staff, and `admin_url(object_id)` is its admin change page. A conversation stores the key and the object's id.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class LinkProvider:
    key: str
    label: str | Promise
    choices: Callable[[object], list[tuple[int, str]]]
    describe: Callable[[int], str]
    admin_url: Callable[[int], str]


_providers: dict[str, LinkProvider] = {}


def register(provider: LinkProvider) -> LinkProvider:
    _providers[provider.key] = provider
    return provider


def unregister(key: str) -> None:
    _providers.pop(key, None)


def providers() -> list[LinkProvider]:
    return list(_providers.values())


def value(kind: str, object_id: int) -> str:
    """How a choice travels in a form: "permit:12"."""
    return f"{kind}:{object_id}"


def parse(raw: str) -> tuple[str, int] | None:
    kind, _sep, number = (raw or "").partition(":")
    if kind not in _providers or not (number.isascii() and number.isdigit()):  # "²".isdigit(), but int() refuses it
        return None
    return kind, int(number)


def choices_for(user) -> list[tuple[str, list[tuple[str, str]]]]:
    """The citizen's own objects, grouped per provider for a select; one query per provider, none for a guest."""
    if user is None or not user.is_authenticated:
        return []
    groups = []
    for provider in _providers.values():
        options = [(value(provider.key, object_id), label) for object_id, label in provider.choices(user)]
        if options:
            groups.append((str(provider.label), options))
    return groups


def describe(kind: str, object_id: int | None) -> str:
    provider = _providers.get(kind)
    if provider is None or object_id is None:
        return ""
    return provider.describe(object_id) or _("%(kind)s #%(id)s (no longer exists)") % {
        "kind": provider.label, "id": object_id}


def admin_url(kind: str, object_id: int | None) -> str:
    provider = _providers.get(kind)
    if provider is None or object_id is None:
        return ""
    return provider.admin_url(object_id)


def label(kind: str) -> str:
    provider = _providers.get(kind)
    return str(provider.label) if provider else ""
