"""Email to people about their account, in the language each of them chose.

Every message has a plain-text and an HTML part, both rendered from templates under
templates/accounts/email/ (the password reset's under templates/registration/), and goes out
through Django's email API and the EMAIL_* settings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.accounts.services import NewLink


def render_message(
    person: User,
    *,
    subject_template: str,
    text_template: str,
    html_template: str | None,
    context: dict[str, Any],
) -> EmailMultiAlternatives:
    """The message to `person`, rendered in their language."""
    with translation.override(person.language or settings.LANGUAGE_CODE):
        # A header holds one line.
        subject = "".join(render_to_string(subject_template, context).splitlines())
        text = render_to_string(text_template, context)
        html = render_to_string(html_template, context) if html_template else None
    message = EmailMultiAlternatives(subject, text, to=[person.email])
    if html:
        message.attach_alternative(html, "text/html")
    return message


def send_invitation(request: HttpRequest, link: NewLink) -> None:
    """The invitation link, to the address the invitation was made for.

    Links are built from the request's host, which Django checks against ALLOWED_HOSTS.
    """
    invitation = link.invitation
    context = {
        "person": invitation.person,
        "invited_by": invitation.sent_by,
        "url": request.build_absolute_uri(reverse("invitation_accept", args=[link.token])),
        "site_url": request.build_absolute_uri(reverse("dashboard")),
        "expires_at": invitation.expires_at,
        "hours": settings.INVITATION_VALID_HOURS,
    }
    message = render_message(
        invitation.person,
        subject_template="accounts/email/invitation_subject.txt",
        text_template="accounts/email/invitation.txt",
        html_template="accounts/email/invitation.html",
        context=context,
    )
    message.to = [invitation.email]
    message.send()
