"""Disputes between the parties and their timeline."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from tracker.core.limits import LONG_TEXT, max_length_constraints
from tracker.core.models import (
    Agreement,
    Evidence,
    Party,
    Provision,
    VisibleQuerySet,
    visibility_constraint,
    visibility_field,
)
from tracker.core.twokey import TwoKeyProposal, proposal_constraints

RESPONSE_DAYS = 30


# A dispute event's text: at most a description or position with a move's note beside it.
EVENT_TEXT = 2 * LONG_TEXT


class DisputeStatus(models.TextChoices):
    RAISED = "raised", _("Raised")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    UNDER_CONSULTATION = "under_consultation", _("Under consultation")
    ESCALATED = "escalated", _("Escalated")
    RESOLVED = "resolved", _("Resolved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


CLOSED_DISPUTE_STATUSES = (DisputeStatus.RESOLVED, DisputeStatus.WITHDRAWN)


def default_response_due() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=RESPONSE_DAYS)


class Dispute(models.Model):
    # The text the dispute list searches (tracker.core.search), with its timeline's.
    search_documents = {
        "search_document": (
            "title",
            "description",
            "raising_position",
            "responding_position",
            "resolution",
        )
    }

    agreement = models.ForeignKey(
        Agreement, on_delete=models.PROTECT, related_name="disputes", verbose_name=_("agreement")
    )
    provisions = models.ManyToManyField(
        Provision, related_name="disputes", verbose_name=_("provisions")
    )
    raised_by_party = models.CharField(_("raised by"), max_length=3, choices=Party.choices)
    responding_party = models.CharField(_("responding party"), max_length=3, choices=Party.choices)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="disputes_raised",
        verbose_name=_("raised by (person)"),
    )
    raised_on = models.DateField(_("raised on"), default=timezone.localdate)
    response_due = models.DateField(_("response due"), default=default_response_due)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), max_length=LONG_TEXT)
    raising_position = models.TextField(_("position of the raising party"), max_length=LONG_TEXT)
    responding_position = models.TextField(
        _("position of the responding party"), blank=True, max_length=LONG_TEXT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DisputeStatus.choices, default=DisputeStatus.RAISED
    )
    resolution = models.TextField(_("resolution"), blank=True, max_length=LONG_TEXT)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    # The visibility of the dispute covers its positions, timeline and proposals.
    visibility = visibility_field()
    # Its text in the other language, added later (tracker.core.models.Translation).
    translations = GenericRelation("core.Translation")
    history = HistoricalRecords(m2m_fields=[provisions])

    objects = VisibleQuerySet.as_manager()

    # The path to the agreement, for tracker.core.workspace.within().
    agreement_lookup = "agreement"

    class Meta:
        ordering = ["-raised_on", "-id"]
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(raised_by_party=models.F("responding_party")),
                name="dispute_between_two_parties",
            ),
            *max_length_constraints(
                "dispute",
                description=LONG_TEXT,
                raising_position=LONG_TEXT,
                responding_position=LONG_TEXT,
                resolution=LONG_TEXT,
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DisputeStatus.values), name="dispute_status_valid"
            ),
            visibility_constraint("dispute"),
            models.CheckConstraint(
                condition=(
                    (
                        models.Q(status=DisputeStatus.RESOLVED, resolved_on__isnull=False)
                        & ~models.Q(resolution="")
                    )
                    | (
                        ~models.Q(status=DisputeStatus.RESOLVED)
                        & models.Q(resolved_on__isnull=True)
                    )
                ),
                name="dispute_resolved_with_resolution",
            ),
            models.CheckConstraint(
                condition=models.Q(response_due__gte=models.F("raised_on")),
                name="dispute_response_due_after_raised",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "response_due"]),
            models.Index(fields=["-raised_on", "-id"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_DISPUTE_STATUSES

    @property
    def response_overdue(self) -> bool:
        # The response is owed until the responding party acknowledges.
        return self.status == DisputeStatus.RAISED and self.response_due < timezone.localdate()


class DisputeEventQuerySet(VisibleQuerySet):
    visibility_lookups = ("dispute__visibility",)


class DisputeEvent(models.Model):
    # Comments, recorded positions, notes of status changes.
    search_documents = {"search_document": ("text",)}

    class Kind(models.TextChoices):
        TRANSITION = "transition", _("Status change")
        COMMENT = "comment", _("Comment")
        POSITION = "position", _("Position recorded")
        PROPOSAL = "proposal", _("Decision proposed")
        REJECTION = "rejection", _("Proposal rejected")

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="events", verbose_name=_("dispute")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dispute_events",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    from_status = models.CharField(
        _("from"), max_length=20, choices=DisputeStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=DisputeStatus.choices, blank=True)
    # A comment, a position or the description, or a move's note with its resolution.
    text = models.TextField(_("text"), blank=True, max_length=EVENT_TEXT)
    evidence = models.ManyToManyField(
        Evidence, blank=True, related_name="dispute_events", verbose_name=_("evidence")
    )
    # The proposal a proposal, rejection or concurrence (a status change) entry is about.
    proposal = models.ForeignKey(
        "DisputeProposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("proposal"),
    )

    # Its text in the other language, added later (tracker.core.models.Translation).
    translations = GenericRelation("core.Translation")
    history = HistoricalRecords(m2m_fields=[evidence])

    objects = DisputeEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")
        indexes = [models.Index(fields=["dispute", "created_at"])]
        constraints = max_length_constraints("dispute_event", text=EVENT_TEXT)

    def __str__(self) -> str:
        return f"{self.dispute_id}: {self.get_kind_display()}"


class DisputeProposal(TwoKeyProposal):
    """A proposal to resolve or withdraw a dispute: the two-key rule of tracker.core.twokey.

    ``text`` is the resolution (resolve) or the reason (withdraw)."""

    class Decision(models.TextChoices):
        RESOLVE = "resolved", _("Resolve")
        WITHDRAW = "withdrawn", _("Withdraw")

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("dispute")
    )
    #: The status the dispute takes when the other party concurs.
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices)
    history = HistoricalRecords()

    class Meta(TwoKeyProposal.Meta):
        verbose_name = _("dispute proposal")
        verbose_name_plural = _("dispute proposals")
        constraints = [
            *proposal_constraints("dispute", "dispute_proposal"),
            models.CheckConstraint(
                condition=models.Q(decision__in=["resolved", "withdrawn"]),
                name="dispute_proposal_decision_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id}: {self.get_decision_display()} ({self.get_outcome_display()})"
