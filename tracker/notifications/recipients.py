"""Who hears of what.

- A milestone's party is its responsible party's delegation (co-chairs and members); a JOINT
  milestone belongs to both delegations. They hear of it being returned, verified or
  re-planned by someone else, and of its due dates (14 days, 3 days, overdue).
- A completed milestone awaits the verification of the other party's co-chairs and of the
  monitors; a JOINT one only of the monitors (nobody verifies their own party's work).
- A dispute raised against a party reaches that party's delegation; each move on a dispute
  reaches both delegations (a dispute always involves both parties); the response deadline
  (7 days, 1 day, while the dispute waits for acknowledgement) reaches the responding party.
- A proposal to resolve or withdraw a dispute reaches the co-chairs of the other party, who
  hold the second key; its rejection reaches the co-chairs of the party that proposed it.
- A corrective action reaches the delegation(s) of the party that owns it.

Nobody hears of their own action, and only active people with a role receive anything.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib.auth import get_user_model

from tracker.accounts.models import Role
from tracker.accounts.permissions import DELEGATE_ROLES
from tracker.core.models import Party, ResponsibleParty

User = get_user_model()


def parties_of(responsible_party: str) -> tuple[str, ...]:
    """The delegations that carry an item: one party, or both for a JOINT one."""
    if responsible_party == ResponsibleParty.JOINT:
        return (Party.US, Party.UA)
    return (responsible_party,)


def _people():
    return User.objects.filter(is_active=True).only(
        "pk", "role", "party", "email", "language", "username", "first_name", "last_name"
    )


def delegates(*parties: str) -> list:
    return list(_people().filter(role__in=DELEGATE_ROLES, party__in=parties).order_by("pk"))


def co_chairs(party: str) -> list:
    return list(_people().filter(role=Role.CO_CHAIR, party=party).order_by("pk"))


def verifiers(responsible_party: str) -> list:
    """The other party's co-chairs and the monitors; only monitors for a JOINT milestone."""
    people = _people().filter(role=Role.MONITOR)
    if responsible_party != ResponsibleParty.JOINT:
        other_chairs = _people().filter(role=Role.CO_CHAIR).exclude(party=responsible_party)
        people = people | other_chairs.filter(party__in=[Party.US, Party.UA])
    return list(people.order_by("pk"))


class Delegations:
    """Every active delegate, by party, read once: for the reminder job."""

    def __init__(self) -> None:
        self.people = delegates(Party.US, Party.UA)
        self.by_party: dict[str, list[int]] = defaultdict(list)
        for person in self.people:
            self.by_party[person.party].append(person.pk)

    def of(self, responsible_party: str) -> list[int]:
        return [pk for party in parties_of(responsible_party) for pk in self.by_party[party]]
