"""The two-key rule: a decision of the task force takes effect only when both parties agree.

One party's co-chair *proposes* the decision (with its text: the resolution, the reason); it
takes effect only when a co-chair of the *other* party *concurs*. The other party may instead
*reject* it, with a reason. Until then the record the decision is about keeps its state and
shows the open proposal. This module holds the rule once, for every record that needs it:

- ``TwoKeyProposal``, an abstract model with what every proposal records (who proposed it,
  for which party, when, the text; who decided it, when, the outcome and the reason). A
  concrete model adds what the proposal is about: ``tracker.disputes.models.DisputeProposal``
  adds the dispute and the kind of decision (resolve, withdraw); minutes of task-force
  meetings would add the meeting.
- ``holds_second_key(party, proposal)``: whether a person of ``party`` holds the second key of
  an open proposal, i.e. belongs to the other party. The role that may turn a key (a
  co-chair) is a matter of the accounts app: ``tracker.accounts.permissions.can_decide_proposal``
  asks this function and adds the role.
- ``decide(proposal, ...)``: closes an open proposal with its outcome; the concrete app's
  service does the rest (locks, permission, the effect of a concurrence, the timeline).

Decisions taken here:
- One open proposal per record at a time (the concrete model adds the unique constraint on
  its record where the outcome is open). A new proposal, from either party, *supersedes* the
  open one: a counter-proposal is how the parties negotiate, and the superseded one stays in
  the record with its outcome.
- A proposal is never edited or deleted: a change of mind is a new proposal.
- The proposer cannot concur with their own proposal, nor can anyone of their own party:
  the second key is the other party's.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker.core.limits import LONG_TEXT, NOTE, max_length_constraints
from tracker.core.models import Party


class Outcome(models.TextChoices):
    OPEN = "open", gettext_lazy("Awaiting the other party")
    CONCURRED = "concurred", gettext_lazy("Concurred")
    REJECTED = "rejected", gettext_lazy("Rejected")
    SUPERSEDED = "superseded", gettext_lazy("Superseded")


class TwoKeyProposal(models.Model):
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="%(app_label)s_%(class)s_proposed",
        verbose_name=gettext_lazy("proposed by"),
    )
    proposer_party = models.CharField(
        gettext_lazy("proposing party"), max_length=3, choices=Party.choices
    )
    proposed_at = models.DateTimeField(gettext_lazy("proposed at"), default=timezone.now)
    text = models.TextField(gettext_lazy("text"), max_length=LONG_TEXT)
    outcome = models.CharField(
        gettext_lazy("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)s_decided",
        verbose_name=gettext_lazy("decided by"),
    )
    decided_at = models.DateTimeField(gettext_lazy("decided at"), null=True, blank=True)
    decision_note = models.TextField(gettext_lazy("reason"), blank=True, max_length=NOTE)

    class Meta:
        abstract = True
        ordering = ["proposed_at", "id"]

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.OPEN

    @property
    def second_party(self) -> str:
        """The party whose co-chair holds the second key."""
        return Party.UA if self.proposer_party == Party.US else Party.US

    def get_second_party_display(self) -> str:
        return str(Party(self.second_party).label)


def proposal_constraints(subject: str, prefix: str) -> list[models.BaseConstraint]:
    """The database's share of the rule, for a concrete model whose proposals are about the
    field ``subject``: one open proposal per subject; a decided one says when, an open one
    does not."""
    return [
        models.UniqueConstraint(
            fields=[subject],
            condition=models.Q(outcome=Outcome.OPEN),
            name=f"{prefix}_one_open_proposal",
        ),
        models.CheckConstraint(
            condition=models.Q(outcome__in=Outcome.values), name=f"{prefix}_outcome_valid"
        ),
        models.CheckConstraint(
            condition=(
                models.Q(outcome=Outcome.OPEN, decided_at__isnull=True)
                | (~models.Q(outcome=Outcome.OPEN) & models.Q(decided_at__isnull=False))
            ),
            name=f"{prefix}_decided_with_time",
        ),
        *max_length_constraints(prefix, text=LONG_TEXT, decision_note=NOTE),
    ]


def holds_second_key(party: str, proposal: TwoKeyProposal) -> bool:
    """A person of ``party`` holds the second key of ``proposal``: they belong to the party
    that did not propose it. (Whether the proposal is still open is the service's check.)"""
    return party in Party.values and party != proposal.proposer_party


def decide(
    proposal: TwoKeyProposal,
    outcome: str,
    *,
    by: Any | None,
    at: datetime.datetime,
    note: str = "",
) -> None:
    """Close an open proposal (the caller holds its row lock). ``by`` is None when a newer
    proposal or a move on the record supersedes it."""
    if not proposal.is_open:
        raise ValidationError(
            _("This proposal was already decided (%(outcome)s).")
            % {"outcome": proposal.get_outcome_display().lower()},
            code="decided",
        )
    if outcome == Outcome.REJECTED and not note.strip():
        raise ValidationError({"decision_note": _("Give the reason for rejecting the proposal.")})
    proposal.outcome = outcome
    proposal.decided_by = by
    proposal.decided_at = at
    proposal.decision_note = note.strip()
    proposal.save(update_fields=["outcome", "decided_by", "decided_at", "decision_note"])
