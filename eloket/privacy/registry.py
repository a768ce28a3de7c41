"""The personal-data registry: each app says what it holds about a citizen, how to hand it over and how to erase it.

Like the dashboard's panels, providers register themselves (each app's `personal_data.py`, found by the privacy app at
start-up), so the export and the account deletion import no app. A provider's functions run a fixed number of
queries whatever the citizen owns.

    register(Provider("permits", _("Permits"), export=export_permits, erase=erase_permits, plan=plan_permits))
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models.fields.files import FieldFile


@dataclass
class Section:
    """What one provider hands over: JSON-ready data and the stored files that go into the ZIP beside it."""

    data: object
    # (path inside the ZIP, the stored file); the path holds no personal data (kinds, dates and ids only).
    files: list[tuple[str, FieldFile]] = field(default_factory=list)


@dataclass
class Plan:
    """What deleting the account does with one provider's data, in sentences for the citizen."""

    deleted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    # Reasons the account cannot be deleted yet (an unpaid payment request): the citizen settles these first.
    blockers: list[str] = field(default_factory=list)

    def add(self, other: "Plan") -> None:
        self.deleted += other.deleted
        self.kept += other.kept
        self.blockers += other.blockers


@dataclass(frozen=True)
class Provider:
    key: str  # the JSON file's name in the ZIP: <key>.json
    title: str
    export: Callable[..., Section]
    # erase(user) -> {what: count}; runs inside the deletion's transaction, before the user row is deleted.
    erase: Callable[..., dict] | None = None
    plan: Callable[..., Plan] | None = None
    order: int = 100


_providers: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    _providers[provider.key] = provider
    return provider


def providers() -> list[Provider]:
    return sorted(_providers.values(), key=lambda provider: (provider.order, provider.key))
