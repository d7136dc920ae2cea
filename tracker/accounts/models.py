from django.contrib.auth.models import AbstractUser
from django.db import models
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
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

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
