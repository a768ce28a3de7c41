"""The booking journey's draft, kept in the session between its steps (never in a URL: answers can hold a plate).

Steps: topic → location (when the topic is offered at several) → questions (when the topic asks any, or a logged-in
citizen has something to link) → time → contact details → confirm. Each step's page needs the steps before it;
`missing_step` names the first one still to do, so a stale or hand-made URL leads back into the journey.
"""

import datetime
from dataclasses import asdict, dataclass, field

from django.db.models import Exists, OuterRef, Prefetch

from .linkables import linkables
from .models import Location, Question, Topic

KEY = "appointments_draft"
STEPS = ("book", "location", "questions", "slot", "contact", "confirm")


@dataclass
class Draft:
    topic: int | None = None
    location: int | None = None
    answered: bool = False
    answers: dict = field(default_factory=dict)
    link_kind: str = ""
    link_id: int | None = None
    starts_at: str = ""
    contact: dict = field(default_factory=dict)

    @property
    def start(self) -> datetime.datetime | None:
        return datetime.datetime.fromisoformat(self.starts_at) if self.starts_at else None


def load(request) -> Draft:
    data = request.session.get(KEY) or {}
    try:
        return Draft(**data)
    except TypeError:  # a draft saved by an older version of the journey: start again
        return Draft()


def save(request, draft: Draft) -> None:
    request.session[KEY] = asdict(draft)


def clear(request) -> None:
    request.session.pop(KEY, None)


def bookable_topics():
    """Active topics offered at an active location, in the city's order."""
    offered = Location.objects.filter(active=True, topics=OuterRef("pk"))
    return Topic.objects.filter(active=True).filter(Exists(offered))


def locations_of(topic: Topic):
    return topic.locations.filter(active=True).order_by("name_nl")


@dataclass(frozen=True)
class Context:
    """The draft with the objects it names, read in three queries (the topic, its locations, its questions)."""

    draft: Draft
    topic: Topic | None
    location: Location | None
    locations: list[Location]
    question_list: list[Question]


def context(request) -> Context:
    return context_for(load(request))


def context_for(draft: Draft) -> Context:
    topic = None
    if draft.topic is not None:
        topic = (bookable_topics().filter(pk=draft.topic)
                 .prefetch_related(Prefetch("locations", queryset=Location.objects.filter(active=True)),
                                   "questions").first())
    if topic is None:
        return Context(Draft(), None, None, [], [])
    locations = sorted(topic.locations.all(), key=lambda location: location.name_nl)
    location = next((item for item in locations if item.pk == draft.location), None)
    return Context(draft, topic, location, locations, list(topic.questions.all()))


def asks_questions(ctx: Context, user) -> bool:
    return bool(ctx.question_list) or bool(ctx.topic and linkables(user, ctx.topic))


def missing_step(ctx: Context, user) -> str | None:
    """The first step of the journey still to do, or None when the draft is complete."""
    if ctx.topic is None:
        return "book"
    if ctx.location is None:
        return "location"
    if not ctx.draft.answered:
        return "questions"
    if not ctx.draft.starts_at:
        return "slot"
    if not ctx.draft.contact:
        return "contact"
    return None


def before(step: str, other: str | None) -> bool:
    """Whether `other` (a missing step) comes before `step`: then `step` cannot be shown yet."""
    return other is not None and STEPS.index(other) < STEPS.index(step)
