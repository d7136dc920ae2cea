import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.core.models import Affiliation, Organisation


class Role(models.TextChoices):
    CO_CHAIR = "co_chair", _("Co-chair")
    MEMBER = "member", _("Member")
    MONITOR = "monitor", _("Monitor")
    OBSERVER = "observer", _("Observer")
    STAFF_ADMIN = "staff_admin", _("Staff admin")


class User(AbstractUser):
    """A person with one role and one party (or independent).

    A user with no role may log in but sees only the "no access yet" page until a staff
    admin assigns one.
    """

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    party = models.CharField(
        _("party"), max_length=3, choices=Affiliation.choices, default=Affiliation.INDEPENDENT
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("en", "English"), ("uk", "Українська")],
        default="en",
    )
    # Changes whenever the account's second factor is added or removed; it is part of the
    # session hash (get_session_auth_hash), so that ends every other session, as a new
    # password does. A session of a person with a device has therefore always passed it.
    security_stamp = models.CharField(max_length=32, blank=True, default="", editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_login", "security_stamp"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # Co-chairs and members speak for a delegation; monitors and observers do not.
            models.CheckConstraint(
                condition=~models.Q(role__in=["co_chair", "member"])
                | models.Q(party__in=["US", "UA"]),
                name="delegation_role_has_party",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["monitor", "observer"]) | models.Q(party="IND"),
                name="independent_role_is_independent",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def sees_restricted(self) -> bool:
        """Reads task-force records: asked by tracker.core.models.VisibleQuerySet, which
        cannot import the predicate itself."""
        from tracker.accounts.permissions import can_see_restricted

        return can_see_restricted(self)

    def _session_hash(self, secret: str) -> str:
        return salted_hmac(
            "tracker.accounts.User.session_hash",
            f"{self.password}:{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def get_session_auth_hash(self) -> str:
        """Django's session check, over the password and the second factor's stamp."""
        return self._session_hash(settings.SECRET_KEY)

    def get_session_auth_fallback_hash(self):
        for fallback in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(fallback)

    @staticmethod
    def new_security_stamp() -> str:
        return secrets.token_hex(16)


class Invitation(models.Model):
    """A single-use link that lets an invited person choose their password.

    Only the SHA-256 of the link's token is stored, so the table cannot be read back into
    working links. A link is open until it is accepted, replaced by a newer one, withdrawn
    (the person was deactivated) or past `expires_at`.
    """

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REPLACED = "replaced", _("Replaced by a newer link")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    person = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("person")
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    email = models.EmailField(_("sent to"))
    # Empty for a link sent again at the person's own request.
    sent_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    replaced_at = models.DateTimeField(_("replaced at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accepted_at__isnull=True)
                | models.Q(replaced_at__isnull=True, withdrawn_at__isnull=True),
                name="accepted_invitation_stays_accepted",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("sent_at")),
                name="invitation_expires_after_sending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.sent_at:%Y-%m-%d})"

    def state_at(self, moment) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.withdrawn_at:
            return self.State.WITHDRAWN
        if self.replaced_at:
            return self.State.REPLACED
        if moment >= self.expires_at:
            return self.State.EXPIRED
        return self.State.OPEN

    @property
    def state(self) -> str:
        return self.state_at(timezone.now())

    def get_state_display(self) -> str:
        return str(self.State(self.state).label)


class RateLimitHit(models.Model):
    """One counted request of a rate-limited action (tracker.accounts.ratelimit).

    `key` is a SHA-256 of what is counted (an address typed into the password-reset form, a
    client address), so the table keeps no address a visitor typed.
    """

    scope = models.CharField(max_length=32)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"], name="ratelimit_lookup")]

    def __str__(self) -> str:
        return f"{self.scope} {self.at:%Y-%m-%d %H:%M}"
