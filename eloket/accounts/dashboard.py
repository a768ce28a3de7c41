"""The "Mijn loket" panel registry: each app registers its panels, the dashboard imports no app.

A panel's context function must run a fixed number of queries, whatever the citizen owns.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.http import HttpRequest


@dataclass(frozen=True)
class Panel:
    key: str
    title: str
    template: str
    order: int = 100
    context: Callable[[HttpRequest], dict] = field(default=lambda request: {})


_panels: dict[str, Panel] = {}


def register(panel: Panel) -> Panel:
    _panels[panel.key] = panel
    return panel


def panels() -> list[Panel]:
    return sorted(_panels.values(), key=lambda panel: (panel.order, panel.key))
