"""The one place where people's accounts change: invitations, roles, deactivation, and each
person's own second factor.

Each change by a staff admin locks the person's row, checks the permission again, refuses a
change based on a stale page (the values the form was rendered with are compared with the
row), and saves with the reason and the staff admin in the person's history
(django-simple-history). Comparing the edited values rather than a version number means a
person logging in meanwhile (which saves their last log-in) is no conflict, while a role
changed by someone else, here or in the admin, is.

Each takes the moment it happens as the keyword ``at`` (default: now).

Decisions taken here:
- People are never deleted: a deactivated person keeps their name on everything they did.
  Deactivating withdraws their open invitation links; their sessions end, since Django
  refuses inactive users on every request.
- An invited person gets an account with no usable password, which the invitation link
  lets them choose. A new link (sent by a staff admin, or asked for from an expired link)
  replaces the earlier ones.
- Someone who stops being a staff admin also loses the Django admin (staff and superuser
  flags); becoming one does not grant it: a superuser does that in the admin.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from tracker.accounts import two_factor
from tracker.accounts.models import Invitation, Role
from tracker.accounts.permissions import (
    can_invite_people,
    can_manage_own_account,
    can_manage_person,
)
from tracker.core.history import stamp
from tracker.core.models import Affiliation

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.core.models import Organisation

# The history table keeps the reason in a 100-character column.
REASON_MAX_CHARS = 100
DELEGATION_PARTIES = (Affiliation.US, Affiliation.UA)
# The values a staff admin edits on a person's page, compared to detect a stale page.
EDITED_FIELDS = ("role", "party", "organisation_id", "is_active")


def role_party_error(role: str, party: str | None) -> str | None:
    """The database constraints on role and party, said in words next to the party field."""
    if role in (Role.CO_CHAIR, Role.MEMBER) and party not in DELEGATION_PARTIES:
        return gettext_lazy(
            "A co-chair or member speaks for a delegation: choose United States or Ukraine "
            "as the party."
        )
    if role in (Role.MONITOR, Role.OBSERVER) and party != Affiliation.INDEPENDENT:
        return gettext_lazy(
            "Monitors and observers are independent: choose Independent as the party."
        )
    return None


class StalePerson(Exception):
    """The person was changed by someone else after the page was rendered."""

    def __init__(self, current: User) -> None:
        super().__init__(f"user {current.pk} changed meanwhile")
        self.current = current


def _now(at: datetime.datetime | None) -> datetime.datetime:
    return at or timezone.now()


def _lock(person: User) -> User:
    return get_user_model().objects.select_for_update().get(pk=person.pk)


def _check_unchanged(current: User, expected: dict[str, Any]) -> None:
    for name in EDITED_FIELDS:
        if name in expected and expected[name] != getattr(current, name):
            raise StalePerson(current)


def _save(
    person: User, actor: User | None, reason: str, fields: list[str], at: datetime.datetime
) -> None:
    stamp(person, by=actor, at=at, reason=reason[:REASON_MAX_CHARS])
    person.save(update_fields=fields)


# --- Invitations -----------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewLink:
    """An invitation just made, and the token of its link (never stored)."""

    invitation: Invitation
    token: str


def _new_link(person: User, sent_by: User | None, at: datetime.datetime) -> NewLink:
    person_invitations = Invitation.objects.filter(
        person=person, accepted_at=None, replaced_at=None, withdrawn_at=None
    )
    person_invitations.update(replaced_at=at)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        person=person,
        token_hash=_token_hash(token),
        email=person.email,
        sent_by=sent_by,
        sent_at=at,
        expires_at=at + datetime.timedelta(hours=settings.INVITATION_VALID_HOURS),
    )
    return NewLink(invitation, token)


def email_in_use(email: str, *, exclude: User | None = None) -> bool:
    people = get_user_model().objects.filter(email__iexact=email)
    if exclude is not None:
        people = people.exclude(pk=exclude.pk)
    return people.exists()


@transaction.atomic
def invite_person(
    actor: User,
    *,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    party: str,
    organisation: Organisation | None,
    language: str,
    at: datetime.datetime | None = None,
) -> NewLink:
    """A new account without a usable password, and the first link to choose one.

    The username is the email address: it is what the person was invited by, and it is
    unique. The link goes out by email (tracker.accounts.emails), once this has committed.
    """
    if not can_invite_people(actor):
        raise PermissionDenied
    at = _now(at)
    email = get_user_model().objects.normalize_email(email).strip()
    errors: dict[str, list[str]] = {}
    if email_in_use(email) or get_user_model().objects.filter(username__iexact=email).exists():
        errors["email"] = [_("Someone already has this email address.")]
    party_error = role_party_error(role, party)
    if party_error:
        errors["party"] = [str(party_error)]
    if errors:
        raise ValidationError(errors)
    person = get_user_model()(
        username=email.lower(),
        email=email,
        first_name=first_name,
        last_name=last_name,
        role=role,
        party=party,
        organisation=organisation,
        language=language,
        date_joined=at,
    )
    person.set_unusable_password()
    stamp(person, by=actor, at=at, reason=_("Invited"))
    person.save()
    return _new_link(person, actor, at)


def is_pending(person: User) -> bool:
    """Invited and not yet in: active, and no password chosen."""
    return person.is_active and not person.has_usable_password()


@transaction.atomic
def resend_invitation(actor: User, person: User, *, at: datetime.datetime | None = None) -> NewLink:
    """A new link for someone who has not chosen a password yet; earlier links stop working."""
    at = _now(at)
    current = _lock(person)
    if not can_manage_person(actor, current):
        raise PermissionDenied
    if not is_pending(current):
        raise ValidationError(
            _("Only someone invited who has not chosen a password yet gets a new link.")
        )
    if not current.email:
        raise ValidationError(_("This person has no email address to send the link to."))
    return _new_link(current, actor, at)


def find_invitation(token: str) -> Invitation | None:
    return Invitation.objects.select_related("person").filter(token_hash=_token_hash(token)).first()


class InvitationClosed(Exception):
    """The link cannot be used (any more): its state says why."""

    def __init__(self, invitation: Invitation, state: str) -> None:
        super().__init__(state)
        self.invitation = invitation
        self.state = state


@transaction.atomic
def accept_invitation(
    invitation: Invitation, password: str, *, at: datetime.datetime | None = None
) -> User:
    """Sets the person's first password: once, while the link is open.

    The invitation row is locked, so of two requests with the same link (a double click, a
    replayed link) only the first sets a password; the second finds it accepted.
    """
    at = _now(at)
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    state = current.state_at(at)
    if state != Invitation.State.OPEN:
        raise InvitationClosed(current, state)
    person = _lock(current.person)
    if not is_pending(person):
        # Deactivated, or a password was set another way: the link has done its work.
        raise InvitationClosed(current, Invitation.State.WITHDRAWN)
    current.accepted_at = at
    current.save(update_fields=["accepted_at"])
    person.set_password(password)
    _save(person, person, _("Accepted the invitation"), ["password"], at)
    return person


@transaction.atomic
def request_new_link(
    invitation: Invitation, *, at: datetime.datetime | None = None
) -> NewLink | None:
    """From an expired link, a new one to the address on file — once per expired link.

    Whoever holds the expired link may ask, but the new link goes only to the email address
    the account has, never to one the visitor gives; and since the new link replaces the
    expired one, each link yields at most one new link, so no more than one such email a
    person can go out per validity period (72 hours). None when nothing is sent: the link
    is not expired (still open, used, replaced or withdrawn), or the person is no longer
    waiting for one.
    """
    at = _now(at)
    current = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if current.state_at(at) != Invitation.State.EXPIRED:
        return None
    person = _lock(current.person)
    if not is_pending(person) or not person.email:
        return None
    return _new_link(person, None, at)


# --- Role, party, organisation, deactivation --------------------------------------------------


@transaction.atomic
def change_role(
    actor: User,
    person: User,
    *,
    role: str,
    party: str,
    organisation: Organisation | None,
    reason: str,
    expected: dict[str, Any],
    at: datetime.datetime | None = None,
) -> User:
    at = _now(at)
    current = _lock(person)
    if not can_manage_person(actor, current):
        raise PermissionDenied
    _check_unchanged(current, expected)
    party_error = role_party_error(role, party)
    if party_error:
        raise ValidationError({"party": [str(party_error)]})
    organisation_id = organisation.pk if organisation else None
    if (role, party, organisation_id) == (current.role, current.party, current.organisation_id):
        raise ValidationError(_("Nothing to save: change the role, party or organisation."))
    fields = ["role", "party", "organisation"]
    current.role, current.party, current.organisation = role, party, organisation
    if role != Role.STAFF_ADMIN and (current.is_staff or current.is_superuser):
        current.is_staff = current.is_superuser = False
        fields += ["is_staff", "is_superuser"]
    _save(current, actor, reason, fields, at)
    return current


def _withdraw_invitations(person: User, at: datetime.datetime) -> None:
    Invitation.objects.filter(
        person=person, accepted_at=None, replaced_at=None, withdrawn_at=None
    ).update(withdrawn_at=at)


@transaction.atomic
def deactivate_person(
    actor: User,
    person: User,
    *,
    reason: str,
    expected: dict[str, Any],
    at: datetime.datetime | None = None,
) -> User:
    at = _now(at)
    current = _lock(person)
    if not can_manage_person(actor, current):
        raise PermissionDenied
    _check_unchanged(current, expected)
    if not current.is_active:
        raise ValidationError(_("This person is already deactivated."))
    current.is_active = False
    _withdraw_invitations(current, at)
    _save(current, actor, reason, ["is_active"], at)
    return current


@transaction.atomic
def reactivate_person(
    actor: User,
    person: User,
    *,
    reason: str,
    expected: dict[str, Any],
    at: datetime.datetime | None = None,
) -> User:
    """Lets a deactivated person log in again. Someone deactivated before choosing a
    password needs a new invitation link, which the staff admin sends next."""
    at = _now(at)
    current = _lock(person)
    if not can_manage_person(actor, current):
        raise PermissionDenied
    _check_unchanged(current, expected)
    if current.is_active:
        raise ValidationError(_("This person is already active."))
    current.is_active = True
    _save(current, actor, reason, ["is_active"], at)
    return current


@transaction.atomic
def remove_two_factor(
    actor: User,
    person: User,
    *,
    reason: str,
    expected: dict[str, Any],
    at: datetime.datetime | None = None,
) -> User:
    """For someone who lost both their phone and their recovery codes: their app and codes
    go, their sessions end, and their next log-in is the password alone (for a role that
    requires two factors, followed by enrolment)."""
    at = _now(at)
    current = _lock(person)
    if not can_manage_person(actor, current):
        raise PermissionDenied
    _check_unchanged(current, expected)
    if not two_factor.has_authenticator(current):
        raise ValidationError(_("This person has no authenticator app to remove."))
    TOTPDevice.objects.filter(user=current).delete()
    StaticDevice.objects.filter(user=current).delete()
    current.security_stamp = current.new_security_stamp()
    _save(current, actor, reason, ["security_stamp"], at)
    return current


# --- One's own second factor ----------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]


def _replace_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=str(_("Recovery codes")))
    tokens = two_factor.new_recovery_tokens()
    device.token_set.bulk_create(device.token_set.model(device=device, token=t) for t in tokens)
    return tokens


@transaction.atomic
def enrol_two_factor(user: User, key: str, code: str) -> Enrolment:
    """The authenticator app whose first code proves it holds `key`, replacing any earlier
    one, and a new set of recovery codes. Adding it ends the account's other sessions
    (tracker.accounts.two_factor)."""
    if not can_manage_own_account(user):
        raise PermissionDenied
    code = two_factor.normalise_code(code)
    matched = two_factor.matching_step(key, code) if two_factor.is_app_code(code) else None
    if matched is None:
        raise ValidationError(
            {"code": [_("That code does not match. Type the code the app shows now.")]}
        )
    step, drift = matched
    if not getattr(settings, "OTP_TOTP_SYNC", True):
        # django-otp's setting: keep no record of the phone's clock running off ours.
        drift = 0
    TOTPDevice.objects.filter(user=user).delete()
    # The code just used may not log anyone in again: the next must be from a later step.
    device = TOTPDevice.objects.create(
        user=user,
        name=str(two_factor.DEVICE_NAME),
        key=key,
        confirmed=True,
        last_t=step,
        drift=drift,
    )
    return Enrolment(device, _replace_recovery_codes(user))


@transaction.atomic
def renew_recovery_codes(user: User) -> list[str]:
    if not can_manage_own_account(user) or not two_factor.has_authenticator(user):
        raise PermissionDenied
    return _replace_recovery_codes(user)


@transaction.atomic
def disable_two_factor(user: User) -> None:
    """Removes the app and the recovery codes; refused where the role requires them."""
    if not can_manage_own_account(user):
        raise PermissionDenied
    if two_factor.is_required(user):
        raise ValidationError(
            _(
                "Your role must sign in with two factors, so it cannot be turned off. "
                "To move to a new phone, set up the app again."
            )
        )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
