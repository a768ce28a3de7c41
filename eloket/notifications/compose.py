"""Rendering a message from its template folder, in the recipient's language.

`notify(template="permits/approved")` uses the folder `notifications/permits/approved/` in any
app's templates: subject.txt and body.txt (email), body.html (email, optional), sms.txt (SMS).
Text parts are rendered without HTML escaping; body.html with it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.template import Context, TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.utils import translation

from .models import Channel


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def folder(template: str) -> str:
    return f"notifications/{template.strip('/')}"


def _text(name: str, context: dict) -> str:
    # The engine-level template, so autoescape can be off: a text part must not show &amp; or &#x27;.
    return get_template(name).template.render(Context(context, autoescape=False))


def _exists(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def _one_line(text: str) -> str:
    return " ".join(text.split())


def base_context(language: str, recipient=None) -> dict:
    from eloket.city.reference import city_profile

    return {"city": city_profile(), "site_url": settings.SITE_URL, "recipient": recipient, "language": language}


def render_message(template: str, channel: str, context: dict, language: str, recipient=None, *,
                   base: dict | None = None) -> Rendered:
    """Subject and bodies of one message. Raises TemplateDoesNotExist when a required part is missing.

    `base`: base_context(language, recipient) when the caller has it already (it renders many messages at once).
    """
    context = {**(base_context(language, recipient) if base is None else base), **context}
    with translation.override(language):
        if channel == Channel.SMS:
            return Rendered(subject="", text=_one_line(_text(f"{folder(template)}/sms.txt", context)), html="")
        subject = _one_line(_text(f"{folder(template)}/subject.txt", context))
        text = _text(f"{folder(template)}/body.txt", context).strip() + "\n"
        html = render_to_string(f"{folder(template)}/body.html", context) if _exists(f"{folder(template)}/body.html") else ""
    return Rendered(subject=subject, text=text, html=html)
