"""How each person hears of each kind: their own choice, else their role's default.

The defaults (a person changes them at /notifications/settings/):

- Events that ask something of the reader, or change their party's work, come at once, by
  e-mail and in the app: a milestone returned or re-planned, a milestone awaiting
  verification, a dispute raised against one's party or moved on, a corrective action added.
- Good news that asks nothing comes in the daily digest by e-mail and at once in the app: a
  milestone verified.
- Reminders (due in 14 or 3 days, overdue, a dispute's response deadline, a corrective action
  due or overdue) come in the daily digest by e-mail and at once in the app: one e-mail a day
  however many milestones fall due.
- Monitors verify the work of both parties, so a milestone awaiting verification reaches them
  in the digest by e-mail rather than one e-mail per milestone.
- Members read dispute moves in the digest; the co-chairs, who make those moves, at once.

Who receives a kind at all is decided by tracker.notifications.recipients (a member never
receives "awaiting your verification", an observer nothing); a preference only says how.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from tracker.accounts.models import Role
from tracker.notifications.models import REMINDER_KINDS, Delivery, Kind, Preference

if TYPE_CHECKING:
    from tracker.accounts.models import User

Choice = tuple[str, str]  # (e-mail, in the app)

AT_ONCE: Choice = (Delivery.IMMEDIATE, Delivery.IMMEDIATE)
DIGEST_MAIL: Choice = (Delivery.DIGEST, Delivery.IMMEDIATE)

KIND_DEFAULTS: dict[str, Choice] = {
    **{kind: AT_ONCE for kind in Kind.values},
    Kind.MILESTONE_VERIFIED: DIGEST_MAIL,
    **{kind: DIGEST_MAIL for kind in REMINDER_KINDS},
}
ROLE_DEFAULTS: dict[tuple[str, str], Choice] = {
    (Role.MONITOR, Kind.AWAITING_VERIFICATION): DIGEST_MAIL,
    (Role.MEMBER, Kind.DISPUTE_MOVED): DIGEST_MAIL,
}


def default_for(role: str, kind: str) -> Choice:
    return ROLE_DEFAULTS.get((role, kind), KIND_DEFAULTS[kind])


class Preferences:
    """The choices of several people, read in one query: `of(user, kind)`."""

    def __init__(self, users: Iterable[User]) -> None:
        self.roles = {user.pk: user.role for user in users}
        self.chosen: dict[tuple[int, str], Choice] = {
            (user_id, kind): (email, in_app)
            for user_id, kind, email, in_app in Preference.objects.filter(
                user__in=list(self.roles)
            ).values_list("user_id", "kind", "email", "in_app")
        }

    def of(self, user_id: int, kind: str) -> Choice:
        return self.chosen.get((user_id, kind)) or default_for(self.roles[user_id], kind)


def table_for(user: User) -> list[tuple[str, str, Choice]]:
    """(kind, label, choice) of every kind, for the preferences page."""
    chosen = Preferences([user])
    return [(kind, label, chosen.of(user.pk, kind)) for kind, label in Kind.choices]


#: When each kind reaches someone, shown beside it on the preferences page.
KIND_HELP = {
    Kind.MILESTONE_RETURNED: _(
        "Someone returned a completed milestone of your party to in progress."
    ),
    Kind.MILESTONE_VERIFIED: _("Someone verified a completed milestone of your party."),
    Kind.MILESTONE_REPLANNED: _("Someone changed the due date of a milestone of your party."),
    Kind.AWAITING_VERIFICATION: _("A milestone you may verify was marked completed."),
    Kind.MILESTONE_DUE: _("A milestone of your party is due in 14 days, then in 3 days."),
    Kind.MILESTONE_OVERDUE: _("A milestone of your party is past its due date."),
    Kind.DISPUTE_RAISED: _("The other party raised a dispute against your party."),
    Kind.DISPUTE_MOVED: _("A dispute changed status, or a position was recorded."),
    Kind.DECISION_PROPOSED: _(
        "The other party's co-chair proposed resolving or withdrawing a dispute: your party's "
        "co-chairs concur or reject."
    ),
    Kind.DECISION_REJECTED: _("The other party rejected a decision your party proposed."),
    Kind.DISPUTE_DEADLINE: _("Your party's response to a dispute is due in 7 days, then in 1 day."),
    Kind.ACTION_ADDED: _("A monitor added a corrective action owned by your party."),
    Kind.ACTION_DUE: _("A corrective action owned by your party is due in 7 days."),
    Kind.ACTION_OVERDUE: _("A corrective action owned by your party is past its due date."),
}
